import { Decimal } from 'decimal.js';
import { z } from 'zod';
import {
  basisPoints,
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
    name: z.string().min(1).prefault('sma-cross'),
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
    feeBps: basisPoints().default(10),
    /** Adverse slippage applied to market fills, basis points. */
    slippageBps: basisPoints().default(5),
    /** Market orders fill at the next bar's open (no look-ahead) or the signal bar's close. */
    fill: z.enum(['next-open', 'close']).prefault('next-open'),
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
    reduceAtDrawdown: positiveFraction().prefault('0.10'),
    /** Drawdown at which the mode turns OBSERVE (only exposure-reducing orders). */
    observeAtDrawdown: positiveFraction().prefault('0.20'),
    /** Hysteresis: back to NORMAL only once drawdown is below this (<= reduceAtDrawdown). */
    normalBelowDrawdown: fraction().prefault('0.05'),
    /** Hysteresis: OBSERVE relaxes to REDUCE only once drawdown is below this (<= observeAtDrawdown). */
    reduceBelowDrawdown: fraction().prefault('0.15'),
    /**
     * Cool-off: after this long in OBSERVE (and no unresolved unknown order), the drawdown baseline is
     * rebased to the current equity, so trading resumes. null = OBSERVE holds until equity itself
     * recovers, which a flat account never does: a hard circuit breaker. The dev profile (backtests)
     * defaults to 7 days instead (PROFILE_DEFAULTS below).
     */
    observeCoolOffMs: positiveInt().nullable().default(null),
    /** In REDUCE, the exposure-increasing part of every order is multiplied by this. */
    reduceFactor: positiveFraction().prefault('0.5'),
  })
  .prefault({});

export const RiskSection = z
  .strictObject({
    /** Largest notional (qty x reference price) of one order; null = no cap. */
    maxOrderNotional: positiveDecimal().nullable().prefault('50000'),
    /** Largest total notional approved within one cycle; null = no cap. */
    maxCycleNotional: positiveDecimal().nullable().prefault('100000'),
    /** Largest absolute position (base-asset quantity) per symbol; null = no cap. */
    maxPositionQty: positiveDecimal().nullable().default(null),
    /** Per-symbol overrides of maxPositionQty. */
    maxPositionQtyBySymbol: z.record(z.string(), positiveDecimal()).default({}),
    /** Largest position of one instrument at its price, as a fraction of equity (POSITION_CAP); null = no cap. */
    maxPositionFraction: positiveFraction().nullable().default(null),
    /** Per-symbol overrides of maxPositionFraction. */
    maxPositionFractionBySymbol: z.record(z.string(), positiveFraction()).default({}),
    /** Positions of every instrument together (|qty| x mark), as a fraction of equity (PORTFOLIO_CAP); null = no cap. */
    maxGrossExposureFraction: positiveFraction().nullable().default(null),
    /** Fraction of tradable equity that must stay in cash after any buy. */
    cashReserveFraction: fraction().prefault('0.02'),
    /** Extra cost assumed per unit bought when checking cash (fees, slippage, decision-to-fill gap). */
    priceBufferBps: basisPoints().default(50),
    /** Loss since the start of the local day, as a fraction of that day's starting equity, that stops new exposure; null = off. */
    dailyLossLimitFraction: positiveFraction().nullable().prefault('0.05'),
    /** IANA time zone whose midnight starts a trading day for the daily loss limit. */
    timeZone: ianaTimeZone().prefault('UTC'),
    /** A snapshot older than this (engine clock minus bar close) denies every order; null = off. */
    maxSnapshotAgeMs: positiveInt().nullable().default(null),
    /** Order rate limit; null = off. */
    rateLimit: RateLimitSection.nullable().default({ maxOrders: 60, windowMs: 60_000 }),
    /** Venue minimum notional per order. */
    minNotional: nonNegativeDecimal().prefault('10'),
    /** Venue quantity step: quantities are rounded DOWN to a multiple of it. */
    qtyStep: positiveDecimal().prefault('0.0001'),
    /** Venue price tick: limit prices are rounded DOWN to a multiple of it. */
    priceTick: positiveDecimal().prefault('0.01'),
    /** Whether a sell may take the position below zero. Spot venues: false. */
    allowShort: z.boolean().default(false),
    modes: RiskModesSection,
    /** Self-financing: share of each realized profit moved to the reserve that is never traded. */
    profitReserveFraction: fraction().prefault('0.2'),
  })
  .prefault({});

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
    maxRetryRate: fraction().prefault('0.05'),
    /** Share of submits answered 429. */
    max429Rate: fraction().prefault('0.01'),
    /** Share of cycles whose snapshot was stale. */
    maxStaleDataRate: fraction().prefault('0.01'),
    /** UnknownOrderEscalated events tolerated in a run. */
    maxEscalations: nonNegativeInt().default(0),
    /** Age of the oldest order still unresolved. */
    maxOldestUnresolvedOrderAgeMs: nonNegativeNumber().default(300_000),
  })
  .prefault({});

/** Faults the paper venue (`--venue sim`) plays, seeded: see src/engine/venues/fault-injection/. */
export const SimFaultsSection = z
  .strictObject({
    /** Share of submissions that draw a fault (0: none). */
    rate: fraction().prefault('0'),
    /** Which faults may be drawn. */
    kinds: z
      .array(z.enum(['timeout-after-accept', 'timeout-before-accept', 'rate-limited', 'lost-ack', 'never-visible', 'queries-fail', 'duplicate-fills']))
      .default(['timeout-after-accept', 'timeout-before-accept', 'rate-limited', 'lost-ack', 'never-visible', 'duplicate-fills']),
    /** lost-ack: lookups that miss the order before it shows. */
    lostAckHiddenQueries: nonNegativeInt().default(1),
    /** rate-limited: 429 answers before the venue takes the order, and the Retry-After they carry. */
    rateLimitedTimes: positiveInt().default(1),
    retryAfterMs: nonNegativeInt().default(50),
    /** duplicate-fills: how many times each fill is reported. */
    duplicateCopies: positiveInt().default(2),
  })
  .prefault({});

/** The simulated venue of a paper run: a seeded price walk it trades against, and its own state file. */
export const SimVenueSection = z
  .strictObject({
    seed: z.string().min(1).prefault('1'),
    startPrice: positiveDecimal().prefault('100'),
    /** Standard deviation of one step's log return. */
    volatility: nonNegativeNumber().default(0.002),
    /** Volume of each walk bar (base asset): with simulation.participationCap it makes partial fills. */
    barVolume: positiveDecimal().prefault('1000'),
    /** State file (book, balances, fills, walk position); null: `<db>.venue.json` beside the database. */
    statePath: z.string().min(1).nullable().default(null),
    /** A CSV (OHLCV or Binance klines) the venue replays instead of the walk, bar by bar; the walk takes over after its last bar. */
    csv: z.string().min(1).nullable().default(null),
    /** Replay speed of the CSV: one cycle every (its bar interval / speed), unless --interval is given. */
    csvSpeed: z.number().positive('must be > 0').default(1),
    /** Time the venue's answer to a submit takes to come back (after the venue has the order). */
    ackLatencyMs: nonNegativeInt().default(0),
    faults: SimFaultsSection,
  })
  .prefault({});

/** `engine stage7-run`: cycle pacing, submit retries and the reconciler. */
export const LiveSection = z
  .strictObject({
    /** Time between cycle starts (overridden by --interval). */
    intervalMs: positiveInt().default(1_000),
    /** Bar length the venue's price walk reports; null: the cycle interval. */
    barIntervalMs: positiveInt().nullable().default(null),
    backoff: z
      .strictObject({ baseMs: nonNegativeInt().default(200), capMs: nonNegativeInt().default(10_000), maxAttempts: positiveInt().default(5) })
      .prefault({}),
    reconcile: z
      .strictObject({
        /** A venue may take this long to show an order it accepted; "not found" is not believed before. */
        visibilityWindowMs: nonNegativeInt().default(5_000),
        /** Consecutive clean "not found" answers needed to conclude FAILED. */
        notFoundConfirmations: positiveInt().default(3),
        /** Escalate (risk mode OBSERVE) after this many attempts or this age without a verdict. */
        maxAttempts: positiveInt().default(10),
        maxAgeMs: nonNegativeInt().default(120_000),
      })
      .prefault({}),
    sim: SimVenueSection,
  })
  .prefault({});

export const EngineConfigSchema = z
  .strictObject({
    strategy: StrategySection,
    symbol: z.string().regex(/^[A-Za-z0-9._:/-]{1,40}$/, 'letters, digits and ._:/- only').prefault('SYN'),
    quoteAsset: z.string().min(1).prefault('USD'),
    initialCash: positiveDecimal().prefault('100000'),
    simulation: SimulationSection,
    risk: RiskSection,
    slo: SloSection,
    live: LiveSection,
  })
  .prefault({});

/**
 * Rules between fields, checked on a complete (merged) configuration only: a profile may set one
 * threshold and rely on the base for the other.
 */
export function crossFieldIssues(c: EngineConfig): Array<{ path: string[]; message: string }> {
  const out: Array<{ path: string[]; message: string }> = [];
  const m = c.risk.modes;
  const lt = (a: string, b: string) => new Decimal(a).lt(b);
  const gt = (a: string, b: string) => new Decimal(a).gt(b);
  const at = (field: string, message: string) => out.push({ path: ['risk', 'modes', field], message });
  if (!lt(m.reduceAtDrawdown, m.observeAtDrawdown)) at('observeAtDrawdown', `must be > reduceAtDrawdown (${m.reduceAtDrawdown})`);
  if (gt(m.normalBelowDrawdown, m.reduceAtDrawdown)) at('normalBelowDrawdown', `must be <= reduceAtDrawdown (${m.reduceAtDrawdown})`);
  if (gt(m.reduceBelowDrawdown, m.observeAtDrawdown)) at('reduceBelowDrawdown', `must be <= observeAtDrawdown (${m.observeAtDrawdown})`);
  if (gt(m.normalBelowDrawdown, m.reduceBelowDrawdown)) at('normalBelowDrawdown', `must be <= reduceBelowDrawdown (${m.reduceBelowDrawdown})`);
  return out;
}

/** The whole configuration, field rules and cross-field rules: for merged profiles and flag overrides. */
export const CompleteEngineConfigSchema = EngineConfigSchema.superRefine((c, ctx) => {
  for (const i of crossFieldIssues(c)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
});

/** The effective configuration (defaults filled in, decimals normalised); JSON-serialisable. */
export type EngineConfig = z.output<typeof EngineConfigSchema>;
/** What a file or profile may state: every field optional. */
export type EngineConfigInput = z.input<typeof EngineConfigSchema>;
export type RiskConfig = EngineConfig['risk'];
export type SloConfig = EngineConfig['slo'];
export type LiveConfig = EngineConfig['live'];

export const PROFILE_NAMES = ['dev', 'paper', 'prod'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const DAY_MS = 86_400_000;

/**
 * What each profile changes in the built-in defaults, beneath anything a file says (a file's base and
 * profile both override it).
 *
 * dev (what `engine backtest` uses): a drawdown that puts the risk mode in OBSERVE is a circuit breaker
 * that RECOVERS BY RULE. After 7 days of engine time in OBSERVE the drawdown baseline is rebased to the
 * equity then and trading resumes, so a backtest measures the strategy over all its data instead of
 * sitting out everything after its first bad stretch. The summary shows every OBSERVE and cool-off, and
 * says loudly when a run ends locked out anyway. paper and prod keep the hard breaker (null): a person
 * decides when live trading resumes.
 */
export const PROFILE_DEFAULTS: Readonly<Record<ProfileName, EngineConfigInput>> = {
  dev: { risk: { modes: { observeCoolOffMs: 7 * DAY_MS } } },
  paper: {},
  prod: {},
};

/** The built-in configuration, used when no file is given: of a profile, or with no profile's changes. */
export function defaultEngineConfig(profile?: ProfileName): EngineConfig {
  return CompleteEngineConfigSchema.parse(profile === undefined ? {} : PROFILE_DEFAULTS[profile]);
}
