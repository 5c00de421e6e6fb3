import type { Decimal } from '../../engine/values.js';

/**
 * The bar-level equity curve: one (time, equity) point per bar, in growable Float64Arrays. Typed
 * arrays keep the 2 x 8 bytes per bar off the JS heap, so a year of minute bars does not inflate the
 * garbage collector's heap limit (and with it the process's peak RSS).
 */
export class EquityCurveBuilder {
  private times: Float64Array;
  private values: Float64Array;
  private n = 0;
  private lastExact: Decimal | null = null;
  private lastNumber = 0;

  /** `capacity`: the points expected (a backtest knows its bar count): no regrowth, no garbage copies of a year. */
  constructor(capacity = 1024) {
    this.times = new Float64Array(Math.max(1, capacity));
    this.values = new Float64Array(Math.max(1, capacity));
  }

  push(time: number, equity: number): void {
    if (this.n === this.times.length) {
      this.times = grow(this.times);
      this.values = grow(this.values);
    }
    this.times[this.n] = time;
    this.values[this.n] = equity;
    this.n++;
  }

  /** A point from the exact equity: its number is made again only when the equity moved (a flat account's does not). */
  pushDecimal(time: number, equity: Decimal): void {
    if (this.lastExact === null || !this.lastExact.eq(equity)) {
      this.lastNumber = equity.toNumber();
      this.lastExact = equity;
    }
    this.push(time, this.lastNumber);
  }

  /** Replace the last point's equity (e.g. after the end-of-data close-out at that same close). */
  setLast(equity: number): void {
    if (this.n > 0) this.values[this.n - 1] = equity;
  }

  get length(): number {
    return this.n;
  }

  /** Views of the points so far (no copy). */
  curve(): { times: Float64Array; values: Float64Array } {
    return { times: this.times.subarray(0, this.n), values: this.values.subarray(0, this.n) };
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
