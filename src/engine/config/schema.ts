import { Decimal } from 'decimal.js';
import { z } from 'zod';
import {
  fraction,
  ianaTimeZone,
  nonNegativeDecimal,
  nonNegativeInt,
  nonNegativeNumber,
  positiveDecimal,
  positiveFraction,
  positiveInt,
} from './fields.js';

/**
 * The one engine configuration (issue 4 item 7). Every field has a documented default, so `{}` is a
 * valid profile and a file only states what it changes. Unknown keys are errors (a typo must not
 * silently fall back to a default). Limits written as `null` are switched off.
 */

export const StrategySection = z
  .strictObject({
    /** Strategy name as `engine backtest --strategy` knows it. */
    name: z.string().min(1).default('sma-cross'),
    /** Strategy parameters, as `--param k=v` would give them (values as strings or numbers). */
    params: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .transform((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])))
      .default({}),
  })
  .prefault({});

export const SimulationSection = z
  .strictObject({
    /** Fee per fill, basis points of notional. */
    feeBps: nonNegativeNumber().default(10),
    /** Adverse slippage applied to market fills, basis points. */
    slippageBps: nonNegativeNumber().default(5),
    /** Market orders fill at the next bar's open (no look-ahead) or the signal bar's close. */
    fill: z.enum(['next-open', 'close']).default('next-open'),
    /** Largest share of a bar's volume one order may take; null = no cap (whole order fills). */
    participationCap: positiveFraction().nullable().default(null),
  })
  .prefault({});

export const RateLimitSection = z.strictObject({
  /** At most this many orders ... */
  maxOrders: positiveInt(),
  /** ... in any window of this many milliseconds. */
  windowMs: positiveInt(),
});

export const RiskModesSection = z
  .strictObject({
    /** Drawdown from peak equity (fraction) at which NORMAL turns REDUCE. */
    reduceAtDrawdown: positiveFraction().default('0.10'),
    /** Drawdown at which the mode turns OBSERVE (only exposure-reducing orders). */
    observeAtDrawdown: positiveFraction().default('0.20'),
    /** Hysteresis: back to NORMAL only once drawdown is below this (<= reduceAtDrawdown). */
    normalBelowDrawdown: fraction().default('0.05'),
    /** Hysteresis: OBSERVE relaxes to REDUCE only once drawdown is below this (<= observeAtDrawdown). */
    reduceBelowDrawdown: fraction().default('0.15'),
    /** In REDUCE, the exposure-increasing part of every order is multiplied by this. */
    reduceFactor: positiveFraction().default('0.5'),
  })
  .prefault({});

export const RiskSection = z
  .strictObject({
    /** Largest notional (qty x reference price) of one order; null = no cap. */
    maxOrderNotional: positiveDecimal().nullable().default('25000'),
    /** Largest total notional approved within one cycle; null = no cap. */
    maxCycleNotional: positiveDecimal().nullable().default('50000'),
    /** Largest absolute position (base-asset quantity) per symbol; null = no cap. */
    maxPositionQty: positiveDecimal().nullable().default(null),
    /** Per-symbol overrides of maxPositionQty. */
    maxPositionQtyBySymbol: z.record(z.string(), positiveDecimal()).default({}),
    /** Fraction of tradable equity that must stay in cash after any buy. */
    cashReserveFraction: fraction().default('0.02'),
    /** Extra cost assumed per unit bought when checking cash (fees, slippage, decision-to-fill gap). */
    priceBufferBps: nonNegativeNumber().default(50),
    /** Loss since the start of the local day, as a fraction of that day's starting equity, that stops new exposure; null = off. */
    dailyLossLimitFraction: positiveFraction().nullable().default('0.05'),
    /** IANA time zone whose midnight starts a trading day for the daily loss limit. */
    timeZone: ianaTimeZone().default('UTC'),
    /** A snapshot older than this (engine clock minus bar close) denies every order; null = off. */
    maxSnapshotAgeMs: positiveInt().nullable().default(null),
    /** Order rate limit; null = off. */
    rateLimit: RateLimitSection.nullable().default({ maxOrders: 60, windowMs: 60_000 }),
    /** Venue minimum notional per order. */
    minNotional: nonNegativeDecimal().default('10'),
    /** Venue quantity step: quantities are rounded DOWN to a multiple of it. */
    qtyStep: positiveDecimal().default('0.0001'),
    /** Venue price tick: limit prices are rounded DOWN to a multiple of it. */
    priceTick: positiveDecimal().default('0.01'),
    /** Whether a sell may take the position below zero. Spot venues: false. */
    allowShort: z.boolean().default(false),
    modes: RiskModesSection,
    /** Self-financing: share of each realized profit moved to the reserve that is never traded. */
    profitReserveFraction: fraction().default('0.2'),
  })
  .prefault({})
  .superRefine((r, ctx) => {
    const m = r.modes;
    const lt = (a: string, b: string) => new Decimal(a).lt(b);
    const gt = (a: string, b: string) => new Decimal(a).gt(b);
    if (!lt(m.reduceAtDrawdown, m.observeAtDrawdown))
      ctx.addIssue({ code: 'custom', path: ['modes', 'observeAtDrawdown'], message: `must be > reduceAtDrawdown (${m.reduceAtDrawdown})` });
    if (gt(m.normalBelowDrawdown, m.reduceAtDrawdown))
      ctx.addIssue({ code: 'custom', path: ['modes', 'normalBelowDrawdown'], message: `must be <= reduceAtDrawdown (${m.reduceAtDrawdown})` });
    if (gt(m.reduceBelowDrawdown, m.observeAtDrawdown))
      ctx.addIssue({ code: 'custom', path: ['modes', 'reduceBelowDrawdown'], message: `must be <= observeAtDrawdown (${m.observeAtDrawdown})` });
    if (gt(m.normalBelowDrawdown, m.reduceBelowDrawdown))
      ctx.addIssue({ code: 'custom', path: ['modes', 'normalBelowDrawdown'], message: `must be <= reduceBelowDrawdown (${m.reduceBelowDrawdown})` });
  });

/** Thresholds `engine doctor` judges a run's service levels by. */
export const SloSection = z
  .strictObject({
    /** Median cycle duration. */
    cycleLatencyP50Ms: nonNegativeNumber().default(250),
    /** 99th percentile cycle duration. */
    cycleLatencyP99Ms: nonNegativeNumber().default(2_000),
    /** 99th percentile of submit-to-answer time at the venue. */
    submitLatencyP99Ms: nonNegativeNumber().default(1_500),
    /** 99th percentile of OrderOutcomeUnknown-to-OrderReconciled time. */
    reconcileLagP99Ms: nonNegativeNumber().default(30_000),
    /** Share of submits that needed a retry. */
    maxRetryRate: fraction().default('0.05'),
    /** Share of submits answered 429. */
    max429Rate: fraction().default('0.01'),
    /** Share of cycles whose snapshot was stale. */
    maxStaleDataRate: fraction().default('0.01'),
    /** UnknownOrderEscalated events tolerated in a run. */
    maxEscalations: nonNegativeInt().default(0),
    /** Age of the oldest order still unresolved. */
    maxOldestUnresolvedOrderAgeMs: nonNegativeNumber().default(300_000),
  })
  .prefault({});

export const EngineConfigSchema = z
  .strictObject({
    strategy: StrategySection,
    symbol: z.string().regex(/^[A-Za-z0-9._:/-]{1,40}$/, 'letters, digits and ._:/- only').default('SYN'),
    quoteAsset: z.string().min(1).default('USD'),
    initialCash: positiveDecimal().default('100000'),
    simulation: SimulationSection,
    risk: RiskSection,
    slo: SloSection,
  })
  .prefault({});

/** The effective configuration (defaults filled in, decimals normalised); JSON-serialisable. */
export type EngineConfig = z.output<typeof EngineConfigSchema>;
/** What a file or profile may state: every field optional. */
export type EngineConfigInput = z.input<typeof EngineConfigSchema>;
export type RiskConfig = EngineConfig['risk'];
export type SloConfig = EngineConfig['slo'];

export const PROFILE_NAMES = ['dev', 'paper', 'prod'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The built-in configuration, used when no file is given. */
export function defaultEngineConfig(): EngineConfig {
  return EngineConfigSchema.parse({});
}
