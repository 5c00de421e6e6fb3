import seedrandom from 'seedrandom';
import type { Bar } from '../../bar.js';
import { Decimal } from '../../values.js';

/**
 * The market a paper venue trades: a seeded random walk of bars. Each step draws from its own
 * seedrandom stream (seed, step), so the walk is a pure function of (seed, step, last close) and a
 * restarted venue continues exactly where its state file says it was.
 */
export interface WalkSpec {
  seed: string;
  /** Standard deviation of one step's log return. */
  volatility: number;
  barVolume: Decimal;
  /** Prices are rounded to this many decimals. */
  priceDecimals: number;
}

export interface WalkPosition {
  step: number;
  lastClose: Decimal;
  /** Open time of the last bar (epoch ms), -1 before the first. */
  lastTime: number;
}

export function startWalk(startPrice: Decimal): WalkPosition {
  return { step: 0, lastClose: startPrice, lastTime: -1 };
}

/** The next bar: it opens at the last close, closes one log-normal step away, and opens at `openTime` (or just after the last bar). */
export function nextBar(spec: WalkSpec, pos: WalkPosition, openTime: number): { bar: Bar; position: WalkPosition } {
  const rng = seedrandom.alea(`walk:${spec.seed}:${pos.step}`);
  const shock = gaussian(rng) * spec.volatility;
  const wick = Math.abs(gaussian(rng)) * spec.volatility * 0.5;
  const floor = new Decimal(1).div(new Decimal(10).pow(spec.priceDecimals));
  const round = (x: Decimal) => Decimal.max(floor, x.toDecimalPlaces(spec.priceDecimals, Decimal.ROUND_HALF_EVEN));
  const open = pos.lastClose;
  const close = round(open.mul(Math.exp(shock)));
  const high = round(Decimal.max(open, close).mul(1 + wick));
  const low = round(Decimal.min(open, close).mul(Math.max(0, 1 - wick)));
  const time = Math.max(Math.floor(openTime), pos.lastTime + 1);
  return {
    bar: { time, open, high: Decimal.max(high, open, close), low: Decimal.min(low, open, close), close, volume: spec.barVolume },
    position: { step: pos.step + 1, lastClose: close, lastTime: time },
  };
}

/** Box-Muller on two uniforms. */
function gaussian(rng: () => number): number {
  const u = Math.max(rng(), Number.EPSILON);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
