import { Decimal } from 'decimal.js';

/**
 * A sweep's parameter grid from `--grid name=from..to:step` (inclusive) or `--grid name=a,b,c`. The points are
 * the cartesian product, in a fixed order (grids in the order given, values ascending), so the same command
 * always lists the same runs. Values stay exact decimal strings (the strategy validates them).
 */
export interface GridAxis {
  name: string;
  values: string[];
}

export class GridError extends Error {
  override readonly name = 'GridError';
}

const MAX_POINTS_PER_AXIS = 10_000;
const MAX_POINTS = 100_000;

export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new GridError(`--grid ${text}: expected name=from..to:step or name=a,b,c`);
  const name = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  const range = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec);
  if (range) {
    const [from, to, step] = [new Decimal(range[1]!), new Decimal(range[2]!), new Decimal(range[3]!)];
    if (step.lte(0)) throw new GridError(`--grid ${text}: the step must be > 0`);
    if (to.lt(from)) throw new GridError(`--grid ${text}: the range has no points (${from.toFixed()} > ${to.toFixed()})`);
    const count = to.minus(from).div(step).floor().plus(1);
    if (count.gt(MAX_POINTS_PER_AXIS)) throw new GridError(`--grid ${text}: ${count.toFixed()} points on one axis (at most ${MAX_POINTS_PER_AXIS})`);
    const values: string[] = [];
    for (let v = from; v.lte(to); v = v.plus(step)) values.push(v.toFixed());
    return { name, values };
  }
  const values = spec.split(',').map((v) => v.trim());
  if (spec === '' || values.some((v) => v === '' || /\.\./.test(v))) throw new GridError(`--grid ${text}: expected name=from..to:step (e.g. fast=5..50:5) or name=a,b,c`);
  return { name, values: [...new Set(values)] };
}

export function gridPoints(axes: readonly GridAxis[]): Array<Record<string, string>> {
  const names = new Set<string>();
  for (const a of axes) {
    if (names.has(a.name)) throw new GridError(`--grid ${a.name}: given twice`);
    names.add(a.name);
  }
  let points: Array<Record<string, string>> = [{}];
  for (const a of axes) {
    points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.name]: v })));
    if (points.length > MAX_POINTS) throw new GridError(`the grid has more than ${MAX_POINTS} points`);
  }
  if (axes.length === 0 || points.length === 0) throw new GridError('a sweep needs at least one --grid with points');
  return points;
}
