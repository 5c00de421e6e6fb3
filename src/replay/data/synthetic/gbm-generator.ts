import seedrandom from 'seedrandom';
import type { Bar } from '../../../engine/bar.js';
import { Decimal } from '../../../engine/values.js';
import type { SyntheticSpec } from './synthetic-spec.js';

const YEAR_MS = 365.25 * 86_400_000;
const VOLATILE_MULTIPLIER = 3;
/** Regime switches a year: calm spells last ~18 days on average, volatile ones ~4.5 days. */
const CALM_TO_VOLATILE_PER_YEAR = 20;
const VOLATILE_TO_CALM_PER_YEAR = 80;
/** Jump sizes in log price: mean -2%, standard deviation 5% (crashes a little likelier than spikes). */
const JUMP_MEAN = -0.02;
const JUMP_SD = 0.05;
/** How far the bar's extremes reach beyond open/close, in units of the bar's volatility. */
const WICK_SCALE = 0.6;
const VOLUME_DECIMALS = 4;
/** Typical base-asset volume of a one-minute bar; longer bars scale with their length. */
const VOLUME_PER_MINUTE = 10;

/**
 * Geometric Brownian motion with a two-state Markov volatility regime (calm / volatile) and Poisson
 * jumps, one bar at a time so a million bars need no memory. All randomness comes from one seedrandom
 * stream seeded with the spec's seed, drawn in a fixed order, so a spec always yields the same bars.
 * Prices live on an integer tick grid (10^-decimals) and become Decimal from their exact digits; the
 * next bar opens at this bar's close, and every bar has low <= open, close <= high, all >= one tick.
 */
export function* generateBars(spec: SyntheticSpec): Generator<Bar> {
  // Each bar opens at the previous close: reuse that (immutable) Decimal instead of parsing it again.
  let previousClose: Decimal | null = null;
  let previousCloseTicks = -1;
  for (const t of generateTickBars(spec)) {
    const open: Decimal = previousClose !== null && t.open === previousCloseTicks ? previousClose : new Decimal(tickText(t.open, spec.decimals));
    const close = new Decimal(tickText(t.close, spec.decimals));
    previousClose = close;
    previousCloseTicks = t.close;
    yield {
      time: t.time,
      open,
      high: new Decimal(tickText(t.high, spec.decimals)),
      low: new Decimal(tickText(t.low, spec.decimals)),
      close,
      volume: new Decimal(tickText(t.volume, VOLUME_DECIMALS)),
    };
  }
}

/**
 * The bars' hash lines (see BarHasher) straight from the tick grid, without building Decimals: the
 * scan of a long synthetic series costs a fraction of generating its bars.
 */
export function* generateHashLines(spec: SyntheticSpec): Generator<string> {
  for (const t of generateTickBars(spec)) {
    const d = spec.decimals;
    yield `${t.time},${tickText(t.open, d)},${tickText(t.high, d)},${tickText(t.low, d)},${tickText(t.close, d)},${tickText(t.volume, VOLUME_DECIMALS)}\n`;
  }
}

/** One bar on the integer tick grids; the generator reuses a single object for speed. */
export interface TickBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function* generateTickBars(spec: SyntheticSpec): Generator<Readonly<TickBar>> {
  const rng = seedrandom(spec.seed);
  const normal = gaussian(rng);
  const dt = spec.intervalMs / YEAR_MS;
  const sqrtDt = Math.sqrt(dt);
  const pCalmToVolatile = 1 - Math.exp(-CALM_TO_VOLATILE_PER_YEAR * dt);
  const pVolatileToCalm = 1 - Math.exp(-VOLATILE_TO_CALM_PER_YEAR * dt);
  const pJump = 1 - Math.exp(-spec.jumps * dt);
  const tickScale = 10 ** spec.decimals;
  const volumeScale = 10 ** VOLUME_DECIMALS;
  const volumeLevel = VOLUME_PER_MINUTE * (spec.intervalMs / 60_000);

  const bar: TickBar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let volatile = false;
  let level = new Decimal(spec.price).times(tickScale).toDecimalPlaces(0).toNumber() / tickScale;
  let openTicks = Math.max(1, Math.round(level * tickScale));

  for (let i = 0; i < spec.bars; i++) {
    if (rng() < (volatile ? pVolatileToCalm : pCalmToVolatile)) volatile = !volatile;
    const sigma = spec.vol * (volatile ? VOLATILE_MULTIPLIER : 1);
    const barSigma = sigma * sqrtDt;
    let logReturn = (spec.drift - 0.5 * sigma * sigma) * dt + barSigma * normal();
    if (rng() < pJump) logReturn += JUMP_MEAN + JUMP_SD * normal();

    const openLevel = level;
    level = openLevel * Math.exp(logReturn);
    const highLevel = Math.max(openLevel, level) * Math.exp(Math.abs(normal()) * barSigma * WICK_SCALE);
    const lowLevel = Math.min(openLevel, level) * Math.exp(-Math.abs(normal()) * barSigma * WICK_SCALE);

    const closeTicks = Math.max(1, Math.round(level * tickScale));
    const highTicks = Math.max(openTicks, closeTicks, Math.round(highLevel * tickScale));
    const lowTicks = Math.max(1, Math.min(openTicks, closeTicks, Math.round(lowLevel * tickScale)));

    const activity = (volatile ? 2 : 1) * (1 + 50 * Math.abs(logReturn));
    const volumeUnits = Math.max(1, Math.round(volumeLevel * activity * Math.exp(0.5 * normal()) * volumeScale));

    bar.time = spec.startMs + i * spec.intervalMs;
    bar.open = openTicks;
    bar.high = highTicks;
    bar.low = lowTicks;
    bar.close = closeTicks;
    bar.volume = volumeUnits;
    yield bar;
    openTicks = closeTicks;
  }
}

/**
 * An integer count of 10^-decimals units as decimal text in the DecimalString normal form (no
 * trailing zeros), exact: built from the digits, never through a float division.
 */
export function tickText(ticks: number, decimals: number): string {
  if (decimals === 0) return String(ticks);
  const digits = String(ticks).padStart(decimals + 1, '0');
  const cut = digits.length - decimals;
  const fraction = digits.slice(cut).replace(/0+$/, '');
  return fraction === '' ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${fraction}`;
}

/** Standard normal draws by Box-Muller from a uniform source; uses both values of each pair. */
function gaussian(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
