/**
 * A sequence of numbers read by index: a typed or plain array (both have `at`), or a view that computes each
 * value when it is read. The end-of-run figures read the equity curve through views (the curve with the
 * initial equity before it, its per-bar returns, differences of two return series) instead of copying it into
 * new arrays of bar length: the same doubles from the same operations, without holding several copies of a
 * year of minute bars at the end of a run.
 */
export interface Series {
  readonly length: number;
  at(index: number): number | undefined;
}

/** A curve as the views read it: an array read by index, or a series read by `at` (e.g. buy and hold's curve). */
export type Curve = ArrayLike<number> | Series;

/** Reads value i of a curve (0 <= i < its length): indexing for an array, `at` for a view (an array's `at` is slower than indexing). */
export function readerOf(curve: Curve): (i: number) => number {
  if (ArrayBuffer.isView(curve) || Array.isArray(curve) || !('at' in curve)) {
    const xs = curve as ArrayLike<number>;
    return (i) => xs[i]!;
  }
  const view = curve as Series;
  return (i) => view.at(i)!;
}

/** The initial level, then the curve: levels.at(0) is `initial`, levels.at(i) is curve[i - 1]. */
export class LevelsView implements Series {
  readonly length: number;
  private readonly read: (i: number) => number;
  constructor(
    private readonly initial: number,
    curve: Curve,
  ) {
    this.length = curve.length + 1;
    this.read = readerOf(curve);
  }

  at(i: number): number | undefined {
    return i === 0 ? this.initial : i > 0 && i < this.length ? this.read(i - 1) : undefined;
  }
}

/**
 * Simple returns between consecutive levels (the initial level, then the curve), each computed when read
 * (level i + 1 over level i, minus 1), up to the first non-positive level (ruin): the values and length of
 * statistics.ts's simpleReturns over the same levels.
 */
export class ReturnsView implements Series {
  readonly length: number;
  readonly ruined: boolean;
  private readonly read: (i: number) => number;
  constructor(
    private readonly initial: number,
    curve: Curve,
  ) {
    const read = readerOf(curve);
    this.read = read;
    const levels = curve.length + 1;
    let n = Math.max(0, levels - 1);
    let ruined = false;
    for (let i = 1; i < levels; i++) {
      if (!((i === 1 ? initial : read(i - 2)) > 0)) {
        n = i - 1;
        ruined = true;
        break;
      }
    }
    this.length = n;
    this.ruined = ruined;
  }

  at(i: number): number | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    return this.read(i) / (i === 0 ? this.initial : this.read(i - 1)) - 1;
  }
}

/** The first n values of a series (n at most its length). */
export class PrefixView implements Series {
  constructor(
    private readonly xs: Series,
    readonly length: number,
  ) {}

  at(i: number): number | undefined {
    return i >= 0 && i < this.length ? this.xs.at(i) : undefined;
  }
}

/** a.at(i) - b.at(i), or a.at(i) - k * b.at(i) with a factor k, for each i below n. */
export class DifferenceView implements Series {
  constructor(
    private readonly a: Series,
    private readonly b: Series,
    readonly length: number,
    private readonly k: number | null = null,
  ) {}

  at(i: number): number | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    return this.k === null ? this.a.at(i)! - this.b.at(i)! : this.a.at(i)! - this.k * this.b.at(i)!;
  }
}

/** Every value of a series in an array (e.g. for a chart). */
export function toFloat64Array(xs: Series): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs.at(i)!;
  return out;
}
