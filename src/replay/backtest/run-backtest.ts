import type { AnyNewEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { isoTime } from '../../events/time.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../engine/clocks.js';
import { createRunDecider, equityOf, recordingFor, type RunState } from '../../engine/decider/index.js';
import { DEFAULT_RECONCILE_POLICY } from '../../engine/reconciliation/decide.js';
import { NO_WAIT } from '../../engine/driver/ports.js';
import { RunDriver } from '../../engine/driver/run-driver.js';
import { StoreRunLog } from '../../engine/driver/store-run-log.js';
import { runStream } from '../../engine/ids.js';
import type { RiskPolicy } from '../../engine/risk/port.js';
import type { Strategy } from '../../engine/strategy.js';
import { Decimal } from '../../engine/values.js';
import { SimulatedVenue } from '../../engine/venues/simulated/simulated-venue.js';
import { instrumentAssets } from '../../projections/fill-valuation.js';
import { type RoundTrip } from '../../projections/position-book.js';
import type { BarSource, DataScan } from '../data/bar-source.js';
import { computeMetrics, type Metrics } from '../metrics/index.js';
import { perInstrument, type InstrumentFigures } from '../metrics/per-instrument.js';
import { type RunTrade } from '../metrics/run-trades.js';
import { type BacktestSettings, type EventsMode, backtestRunId, combinedDataHash, configHash, configJson } from './backtest-config.js';
import { BacktestMarket } from './backtest-market.js';
import { buyAndHoldBenchmark } from './benchmark.js';
import { DecisionLog, type DecisionSummary } from './decision-log.js';
import { EquityCurveBuilder } from './equity-curve.js';
import { EmptyDataError, RunFailedError } from './errors.js';
import { RunFingerprints } from './fingerprints.js';
import { PriceTape, type PriceSeries } from './price-tape.js';
import { type FillRecord, ResultsCollector } from './results-collector.js';

export interface BacktestRequest {
  settings: BacktestSettings;
  /** The first instrument's data (settings.symbol). */
  source: BarSource;
  /** How RunStarted names the data for a replay (e.g. an absolute path); default: the source's spec. */
  dataSource?: string;
  /** The source's scan, when the caller already validated the data (before opening the store). */
  scan?: DataScan;
  /** The data of the run's other instruments (settings.moreSymbols, in that order). */
  more?: ReadonlyArray<InstrumentData>;
  strategy: Strategy;
  /** A strategy file (recorded in RunStarted so a replay can find it and check it did not change). */
  strategySource?: { path: string; sha256: string };
  policy: RiskPolicy;
  /** The policy's rate-limit window (null: no rate limit). */
  rateLimitWindowMs: number | null;
  eventsMode: EventsMode;
  packageVersion: string;
  /** Passed in by the caller (the engine never asks git or the environment). */
  gitCommit: string | null;
  /** Events per append transaction. */
  batchSize?: number;
  /** Called now and then with bars done so far. */
  onProgress?: (barsDone: number, barCount: number) => void;
}

export interface InstrumentData {
  symbol: string;
  source: BarSource;
  dataSource?: string;
  scan?: DataScan;
}

export interface EquityCurve {
  /** Bar open times, epoch ms (the equity is marked at each bar's close). */
  times: Float64Array;
  /** Mark-to-market equity at each close (float: statistics only). */
  values: Float64Array;
}

/** Events per append transaction: small enough that buffered events die young (flat RSS), large enough to amortise the commit. */
export const DEFAULT_BATCH_SIZE = 500;

export interface BacktestResult {
  runId: string;
  stream: string;
  configHash: string;
  data: DataScan;
  fingerprint: string;
  decisionFingerprint: string;
  events: number;
  eventsWritten: number;
  /** Events of this run that the log already held (a re-run of the same backtest). */
  eventsAlreadyStored: number;
  cycles: number;
  /** A position was still open after the last bar and was closed at the last close. */
  closedAtEnd: boolean;
  initialCash: Decimal;
  finalEquity: Decimal;
  /** The run's state after its last event (the fold of its events). */
  finalState: RunState;
  equity: EquityCurve;
  fills: FillRecord[];
  /** Round trips; the one closed by the end-of-data close-out is marked openAtEnd. */
  trades: RunTrade[];
  /** Each instrument's fills, turnover, fees and trips, in the run's order (the first instrument first). */
  instruments: InstrumentFigures[];
  metrics: Metrics;
  intents: number;
  orders: number;
  denials: Record<string, number>;
  reductions: Record<string, number>;
  rejections: Record<string, number>;
  /** What the run was given: symbol, costs and fill model, cash, risk configuration. */
  settings: BacktestSettings;
  /** The first instrument's closes, aligned with the equity curve (price chart, buy-and-hold benchmark). */
  prices: PriceSeries;
  /** Every instrument's closes, the first first (the equal-weight benchmark of a run over several). */
  instrumentPrices: PriceSeries[];
  /** Denials and reductions per reason code, and the risk-mode changes. */
  decisions: DecisionSummary;
}

const QUOTE = 'QUOTE';

/**
 * A backtest: the run driver with a simulated venue, the bars as its market and bar time as its clock.
 * RunStarted, one cycle per bar, an end-of-data pass that cancels what still rests and closes what is
 * still open at the last close, RunEnded. Bars are streamed and events appended in batches: memory stays
 * flat. The data is validated before (scan): a bad file appends nothing.
 */
/** What decides a backtest's identity, before it runs: its data (scanned), configuration and run id. */
export interface BacktestPlan {
  runId: string;
  scan: DataScan & { firstBarTime: number };
  more: Array<Required<Pick<InstrumentData, 'symbol' | 'source' | 'scan'>> & { reference: string }>;
  config: ReturnType<typeof configJson>;
  hashOfConfig: string;
}

/** The run id a backtest request will have (a sweep skips runs its log already finished). */
export async function planBacktest(req: BacktestRequest): Promise<BacktestPlan> {
  const { settings } = req;
  const scan = req.scan ?? (await req.source.scan());
  if (scan.barCount === 0 || scan.firstBarTime === null) throw new EmptyDataError(req.source.spec);
  const more: BacktestPlan['more'] = [];
  for (const m of req.more ?? []) {
    const s = m.scan ?? (await m.source.scan());
    if (s.barCount === 0 || s.firstBarTime === null) throw new EmptyDataError(m.source.spec);
    more.push({ symbol: m.symbol, source: m.source, scan: s, reference: m.dataSource ?? m.source.spec });
  }
  const config = configJson({ ...settings, moreSymbols: more.map((m) => m.symbol), ...(req.strategySource ? { strategySha256: req.strategySource.sha256 } : {}) });
  const hashOfConfig = configHash(config);
  const dataHash = combinedDataHash([{ symbol: settings.symbol, hash: scan.hash }, ...more.map((m) => ({ symbol: m.symbol, hash: m.scan.hash }))]);
  const runId = backtestRunId(hashOfConfig, dataHash, settings.seed, req.eventsMode);
  return { runId, scan: { ...scan, firstBarTime: scan.firstBarTime }, more, config, hashOfConfig };
}

export async function runBacktest(store: EventStore, req: BacktestRequest): Promise<BacktestResult> {
  const { settings } = req;
  const { runId, scan, more, config, hashOfConfig } = await planBacktest(req);
  const stream = runStream(runId);
  const intervalMs = scan.intervalMs ?? 0;

  const fingerprints = new RunFingerprints();
  const results = new ResultsCollector();
  const tradeFold = results.trades;
  const decisions = new DecisionLog();
  // Cycles: one per bar time of the instruments together, at least the longest instrument's bar count.
  const expectedCycles = Math.max(scan.barCount, ...more.map((m) => m.scan.barCount));
  const tape = new PriceTape(settings.symbol, expectedCycles);
  // The other instruments' closes, for the equal-weight benchmark of a run over several.
  const otherTapes = more.map((m) => new PriceTape(m.symbol, expectedCycles));
  const tapes = [tape, ...otherTapes];
  const recordBars = otherTapes.length === 0 ? tape.push : (bars: Parameters<PriceTape['push']>[0]) => {
    for (const t of tapes) t.push(bars);
  };
  const log = new StoreRunLog(store, stream, {
    batchSize: req.batchSize ?? DEFAULT_BATCH_SIZE,
    durableBarriers: false,
    observers: [(e: AnyNewEvent) => fingerprints.observe(e), results.observe, decisions.observe],
  });
  const clock = new ManualClock(scan.firstBarTime);
  const random = new SeededRandom(settings.seed);
  const venue = new SimulatedVenue({
    symbol: settings.symbol,
    baseAsset: settings.symbol,
    more: more.map((m) => ({ symbol: m.symbol, baseAsset: m.symbol })),
    quoteAsset: QUOTE,
    initialBalances: { [QUOTE]: settings.initialCash },
    timing: settings.fill,
    rules: { slippageBps: settings.slippageBps, feeBps: settings.feeBps, participationCap: settings.participationCap, qtyStep: settings.qtyStep },
    intervalMs,
    random: random.fork('venue'),
  });
  const instrument = (symbol: string) => {
    const assets = instrumentAssets(symbol, settings.quoteAsset);
    return { rules: { symbol, baseAsset: assets.base, quoteAsset: assets.quote, qtyStep: settings.qtyStep, minQty: new Decimal(0), minNotional: settings.minNotional, priceTick: settings.priceTick }, assets };
  };
  const decider = createRunDecider({
    runId,
    mode: 'backtest',
    recording: recordingFor('backtest', req.eventsMode),
    instruments: Object.fromEntries([settings.symbol, ...more.map((m) => m.symbol)].map((s) => [s, instrument(s)])),
    primarySymbol: settings.symbol,
    strategy: req.strategy,
    policy: req.policy,
    reconcile: DEFAULT_RECONCILE_POLICY,
    maxSubmitAttempts: 1,
    rateLimitWindowMs: req.rateLimitWindowMs,
  });

  const market = new BacktestMarket([{ symbol: settings.symbol, source: req.source }, ...more], { interval: scan.interval, intervalMs, clock, venue, onBars: recordBars });
  const curve = new EquityCurveBuilder(expectedCycles);
  let summary: { trades: RunTrade[]; equity: EquityCurve; metrics: Metrics } | null = null;
  let barsInMarket = 0;
  const progressEvery = Math.max(1, Math.floor(scan.barCount / 200));
  const driver: RunDriver = new RunDriver(
    decider,
    { log, market, venue, clock, stopwatch: zeroStopwatch, sleeper: NO_WAIT, killSwitch: () => false, random: random.fork('engine') },
    {
      start: {
        kind: 'new',
        started: {
          mode: 'backtest',
          strategy: req.strategy.name,
          params: { ...req.strategy.params },
          symbol: settings.symbol,
          venue: venue.name,
          seed: settings.seed,
          config,
          configHash: hashOfConfig,
          data: dataReference(settings.symbol, req.dataSource ?? req.source.spec, scan),
          ...(more.length > 0 ? { moreData: more.map((m) => dataReference(m.symbol, m.reference, m.scan)) } : {}),
          ...(req.strategySource ? { strategySource: req.strategySource } : {}),
          eventsMode: req.eventsMode,
          initialCash: settings.initialCash.toFixed(),
          quoteAsset: settings.quoteAsset,
          packageVersion: req.packageVersion,
          gitCommit: req.gitCommit,
          armed: true,
        },
      },
      cycles: null,
      intervalMs: 0,
      closeDown: { drain: false, flatten: true, cancelReason: 'END_OF_DATA' },
      backoff: { baseMs: 0, capMs: 0, maxAttempts: 1 },
      // The run's figures, recorded in its RunEnded (a sweep ranks finished runs from them).
      summarize: (s) => {
        const finalEquity = equityOf(s);
        // The curve's last point is the same close, now net of the close-out's costs.
        if (driver.closedOutAtEnd) curve.setLast(finalEquity.toNumber());
        // The same function of the run's events as `engine export trades` (src/replay/metrics/run-trades.ts).
        const trades = tradeFold.trades();
        const equity: EquityCurve = curve.curve();
        const metrics = computeMetrics({
          equityCurve: equity.values,
          times: equity.times,
          intervalMs: scan.intervalMs,
          trades,
          fees: Object.values(s.positions).reduce((sum, p) => sum.plus(p.fees), new Decimal(0)),
          initialEquity: settings.initialCash,
          finalEquity,
          barsInMarket,
          benchmark: buyAndHoldBenchmark([tape.series(), ...otherTapes.map((t) => t.series())], equity.values.length, settings),
          modeChanges: decisions.summary().modeChanges,
        });
        summary = { trades, equity, metrics };
        return metrics as unknown as Record<string, unknown>;
      },
      onCycle: ({ done }) => {
        const s = driver.state;
        curve.pushDecimal(market.lastBarTime, equityOf(s));
        if (holdsAny(s.positions)) barsInMarket++;
        if (req.onProgress && done % progressEvery === 0) req.onProgress(done, scan.barCount);
      },
    },
  );
  const outcome = await driver.run();
  if (outcome.ended === 'ERROR') throw new RunFailedError(runId, outcome.failure ?? 'the strategy failed');
  if (curve.length === 0) throw new EmptyDataError(req.source.spec);
  const state = outcome.state;
  const finalEquity = equityOf(state);
  req.onProgress?.(scan.barCount, scan.barCount);
  const { trades, equity, metrics } = summary!;
  const prints = fingerprints.digest();
  const counts = log.counts();
  return {
    runId,
    stream,
    configHash: hashOfConfig,
    data: scan,
    fingerprint: prints.fingerprint,
    decisionFingerprint: prints.decisionFingerprint,
    events: prints.events,
    eventsWritten: counts.written,
    eventsAlreadyStored: counts.alreadyStored,
    cycles: state.lastCycleSeq,
    closedAtEnd: driver.closedOutAtEnd,
    initialCash: settings.initialCash,
    finalEquity,
    finalState: state,
    equity,
    fills: results.fills,
    trades,
    instruments: perInstrument([settings.symbol, ...more.map((m) => m.symbol)], results.fills, trades),
    metrics,
    intents: results.intents,
    orders: results.orders,
    denials: results.denials,
    reductions: results.reductions,
    rejections: results.rejections,
    settings,
    prices: tape.series(),
    instrumentPrices: [tape.series(), ...otherTapes.map((t) => t.series())],
    decisions: decisions.summary(),
  };
}

function dataReference(symbol: string, source: string, scan: DataScan) {
  return {
    source,
    hash: scan.hash,
    symbol,
    interval: scan.interval,
    firstBarTime: scan.firstBarTime === null ? null : isoTime(scan.firstBarTime),
    lastBarTime: scan.lastBarTime === null ? null : isoTime(scan.lastBarTime),
    barCount: scan.barCount,
  };
}

/** Is any position open? (Each bar; no array of the positions made for it.) */
function holdsAny(positions: RunState['positions']): boolean {
  for (const symbol in positions) if (!positions[symbol]!.qty.isZero()) return true;
  return false;
}
