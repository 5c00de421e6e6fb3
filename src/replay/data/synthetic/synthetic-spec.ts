import { DateTime } from 'luxon';
import { z } from 'zod';
import { DataError } from '../data-error.js';
import { isEventTime } from '../event-time.js';
import { parseInterval } from '../interval.js';
import { quote } from '../quote.js';

/**
 * `synthetic:key=value,...`; every key is optional:
 *   bars=10000                 number of bars
 *   interval=1h                bar interval: <n>ms|s|m|h|d|w
 *   start=2024-01-01T00:00:00Z first bar's open time (ISO; without a zone it is read in --tz)
 *   seed=1                     seed for seedrandom (letters, digits, '_', '-', '.')
 *   symbol=SYN                 the instrument's name
 *   price=100                  first open
 *   decimals=2                 price decimals (volume has 4)
 *   drift=0.05                 annual drift of log price
 *   vol=0.5                    annual volatility in the calm regime (the volatile regime is 3x)
 *   jumps=12                   mean number of price jumps a year
 */
export const SYNTHETIC_DEFAULTS = {
  bars: '10000',
  interval: '1h',
  start: '2024-01-01T00:00:00Z',
  seed: '1',
  symbol: 'SYN',
  price: '100',
  decimals: '2',
  drift: '0.05',
  vol: '0.5',
  jumps: '12',
} as const;

const KEYS = Object.keys(SYNTHETIC_DEFAULTS);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

const fields = {
  bars: z
    .string()
    .regex(/^\d+$/, { error: 'expected a whole number of bars' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 100_000_000, { error: 'expected 1 to 100000000 bars' }),
  interval: z
    .string()
    .transform((s, ctx) => {
      const ms = parseInterval(s);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `expected an interval like 1m, 5m, 1h, 1d (got "${s}")` });
        return z.NEVER;
      }
      return { text: s, ms };
    }),
  start: z.string(),
  seed: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected 1-64 letters, digits, "_", "-" or "."' }),
  symbol: z.string().regex(/^[A-Za-z0-9_.:/-]{1,32}$/, { error: 'expected 1-32 letters, digits or _.:/-' }),
  price: z
    .string()
    .regex(NUMBER, { error: 'expected a number' })
    .refine((s) => Number(s) > 0 && Number(s) <= 1e12, { error: 'must be > 0 and at most 1000000000000' }),
  decimals: z
    .string()
    .regex(/^\d$/, { error: 'expected 0 to 8' })
    .transform(Number)
    .refine((n) => n <= 8, { error: 'expected 0 to 8' }),
  drift: z
    .string()
    .regex(NUMBER, { error: 'expected a number' })
    .transform(Number)
    .refine((n) => n >= -10 && n <= 10, { error: 'expected -10 to 10 (annual drift of log price)' }),
  vol: z
    .string()
    .regex(NUMBER, { error: 'expected a number' })
    .transform(Number)
    .refine((n) => n >= 0 && n <= 5, { error: 'expected 0 to 5 (annual volatility)' }),
  jumps: z
    .string()
    .regex(NUMBER, { error: 'expected a number' })
    .transform(Number)
    .refine((n) => n >= 0 && n <= 10_000, { error: 'expected 0 to 10000 jumps a year' }),
};
const schema = z.strictObject(fields);

export interface SyntheticSpec {
  bars: number;
  interval: string;
  intervalMs: number;
  startMs: number;
  seed: string;
  symbol: string;
  /** Decimal text, turned into ticks without a float round trip of the user's text. */
  price: string;
  decimals: number;
  drift: number;
  vol: number;
  jumps: number;
}

export function isSyntheticSpec(spec: string): boolean {
  return spec === 'synthetic' || spec.startsWith('synthetic:');
}

/** Parses and validates a synthetic spec; every problem is a DataError naming the key. */
export function parseSyntheticSpec(spec: string, options: { tz: string; symbol?: string }): SyntheticSpec {
  const body = spec === 'synthetic' ? '' : spec.slice('synthetic:'.length);
  const given: Record<string, string> = {};
  for (const part of body.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new DataError(spec, null, null, `expected key=value, got ${quote(part.trim())}`);
    const key = part.slice(0, eq).trim();
    if (Object.hasOwn(given, key)) throw new DataError(spec, null, key, 'given twice');
    given[key] = part.slice(eq + 1).trim();
  }
  // An empty spec is most often a shell variable that expanded to nothing: say so rather than run
  // 10,000 default bars the user never asked for.
  if (Object.keys(given).length === 0) {
    throw new DataError(spec === '' ? 'synthetic:' : spec, null, null, `empty synthetic spec: state at least one key, e.g. synthetic:bars=10000,interval=1h,seed=1 (keys: ${KEYS.join(', ')})`);
  }
  if (given['symbol'] !== undefined && options.symbol !== undefined && given['symbol'] !== options.symbol) {
    throw new DataError(spec, null, 'symbol', `the data is ${quote(given['symbol'])} but --symbol says ${quote(options.symbol)}: give one symbol (or leave symbol= out of the spec)`);
  }
  const unknown = Object.keys(given).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) {
    throw new DataError(spec, null, unknown[0] ?? null, `unknown key (allowed: ${KEYS.join(', ')})`);
  }
  const symbolDefault = options.symbol ?? SYNTHETIC_DEFAULTS.symbol;
  const result = schema.safeParse({ ...SYNTHETIC_DEFAULTS, symbol: symbolDefault, ...given });
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path[0];
    throw new DataError(spec, null, typeof key === 'string' ? key : null, issue?.message ?? 'invalid');
  }
  const v = result.data;
  const start = DateTime.fromISO(v.start, { zone: options.tz });
  if (!start.isValid) throw new DataError(spec, null, 'start', `expected an ISO time like 2024-01-01T00:00:00Z (got ${quote(v.start)})`);
  const startMs = start.toMillis();
  if (!isEventTime(startMs)) throw new DataError(spec, null, 'start', `${quote(v.start)} is outside the years 0000-9999 that an event time can carry`);
  // The last bar closes at start + bars x interval: the engine's clock reaches it.
  if (!isEventTime(startMs + v.bars * v.interval.ms)) {
    throw new DataError(spec, null, 'bars', 'the series would end after 9999-12-31T23:59:59.999Z, the last time an event can carry');
  }
  return {
    bars: v.bars,
    interval: v.interval.text,
    intervalMs: v.interval.ms,
    startMs,
    seed: v.seed,
    symbol: v.symbol,
    price: v.price,
    decimals: v.decimals,
    drift: v.drift,
    vol: v.vol,
    jumps: v.jumps,
  };
}
