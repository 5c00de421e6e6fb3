import type { AnyNewEvent } from '../../events/event-factory.js';
import { createEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../engine/clocks.js';
import { runCycle, type CycleEnv } from '../../engine/cycle/cycle.js';
import { runScopedIds } from '../../engine/cycle/cycle-ids.js';
import { END_OF_DATA, StrategyDriver, closeOutSource } from '../../engine/cycle/intent-source.js';
import { initialCycleState, type CycleState } from '../../engine/cycle/state.js';
import type { Account } from '../../engine/cycle/account.js';
import { cycleIdFor, runStream } from '../../engine/ids.js';
import type { Bar } from '../../engine/bar.js';
import type { RiskPolicy } from '../../engine/risk/port.js';
import type { Strategy } from '../../engine/strategy.js';
import { Decimal } from '../../engine/values.js';
import { SimulatedVenue } from '../../engine/venues/simulated/simulated-venue.js';
import type { BarSource, DataScan } from '../data/bar-source.js';
import { type BacktestSettings, type EventsMode, backtestRunId, configHash, configJson } from './backtest-config.js';
import { RunFingerprints } from './fingerprints.js';
import { type FillRecord, ResultsCollector } from './results-collector.js';
import { BatchingStoreSink } from './store-sink.js';
import { EquityCurveBuilder } from './equity-curve.js';
import { EmptyDataError } from './errors.js';
import { applyFill as trackFill, computeMetrics, INITIAL_TRACKER, type Metrics, type RoundTrip, type TradeTrackerState } from '../metrics/index.js';

export interface BacktestRequest {
  settings: BacktestSettings;
  source: BarSource;
  /** How RunStarted names the data for a replay (e.g. an absolute path); default: the source's spec. */
  dataSource?: string;
  /** The source's scan, when the caller already validated the data (before opening the store). */
  scan?: DataScan;
  strategy: Strategy;
  policy: RiskPolicy;
  /** The policy's rate-limit window, so the cycle forgets older order times (null: no rate limit). */
  orderTimesWindowMs?: number | null;
  eventsMode: EventsMode;
  packageVersion: string;
  /** Passed in by the caller (the engine never asks git or the environment). */
  gitCommit: string | null;
  /** Events per append transaction. */
  batchSize?: number;
  /** Called now and then with bars done so far. */
  onProgress?: (barsDone: number, barCount: number) => void;
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
  /** The cycle's account after the last cycle (folded from the same fills as the projections). */
  finalAccount: Account;
  equity: EquityCurve;
  fills: FillRecord[];
  /** Round trips; the one closed by the end-of-data close-out is marked openAtEnd. */
  trades: RoundTrip[];
  metrics: Metrics;
  intents: number;
  orders: number;
  denials: Record<string, number>;
  reductions: Record<string, number>;
  rejections: Record<string, number>;
}

const QUOTE = 'QUOTE';
const YIELD_EVERY_BARS = 64;

/**
 * A backtest: validate the data (a bad file appends nothing), RunStarted, one cycle per bar through
 * the same cycle the live engine runs, an end-of-data cycle that closes what is still open at the
 * last close, RunEnded. Bars are streamed and events appended in batches: memory stays flat.
 */
export async function runBacktest(store: EventStore, req: BacktestRequest): Promise<BacktestResult> {
  const { settings } = req;
  const scan = req.scan ?? (await req.source.scan());
  if (scan.barCount === 0 || scan.firstBarTime === null) throw new EmptyDataError(req.source.spec);
  const config = configJson(settings);
  const hashOfConfig = configHash(config);
  const runId = backtestRunId(hashOfConfig, scan.hash, settings.seed, req.eventsMode);
  const stream = runStream(runId);
  const intervalMs = scan.intervalMs ?? 0;

  const fingerprints = new RunFingerprints();
  const results = new ResultsCollector();
  const sink = new BatchingStoreSink(store, stream, req.batchSize ?? DEFAULT_BATCH_SIZE, [(e) => fingerprints.observe(e), results.observe]);
  const clock = new ManualClock(scan.firstBarTime);
  const random = new SeededRandom(settings.seed);
  const venue = new SimulatedVenue({
    symbol: settings.symbol,
    baseAsset: settings.symbol,
    quoteAsset: QUOTE,
    initialBalances: { [QUOTE]: settings.initialCash },
    timing: settings.fill,
    rules: { slippageBps: settings.slippageBps, feeBps: settings.feeBps, participationCap: settings.participationCap, qtyStep: settings.qtyStep },
    intervalMs,
    random: random.fork('venue'),
  });
  const env: CycleEnv = {
    runId,
    mode: 'backtest',
    symbol: settings.symbol,
    intervalMs,
    clock,
    ids: runScopedIds(runId),
    venue,
    random: random.fork('engine'),
    stopwatch: zeroStopwatch,
    policy: req.policy,
    sink,
    execution: { qtyStep: settings.qtyStep, minNotional: settings.minNotional, costBps: settings.feeBps.add(settings.slippageBps) },
    eventsMode: req.eventsMode,
    dryRun: false,
    ...(req.orderTimesWindowMs !== undefined ? { orderTimesWindowMs: req.orderTimesWindowMs } : {}),
  };

  sink.emit(
    createEvent(
      'RunStarted',
      `${runId}:start`,
      {
        mode: 'backtest',
        strategy: req.strategy.name,
        params: { ...req.strategy.params },
        symbol: settings.symbol,
        venue: venue.name,
        seed: settings.seed,
        config,
        configHash: hashOfConfig,
        data: {
          source: req.dataSource ?? req.source.spec,
          hash: scan.hash,
          symbol: settings.symbol,
          interval: scan.interval,
          firstBarTime: iso(scan.firstBarTime),
          lastBarTime: scan.lastBarTime === null ? null : iso(scan.lastBarTime),
          barCount: scan.barCount,
        },
        eventsMode: req.eventsMode,
        initialCash: settings.initialCash.toFixed(),
        quoteAsset: settings.quoteAsset,
        packageVersion: req.packageVersion,
        gitCommit: req.gitCommit,
        armed: true,
      },
      { runId, mode: 'backtest', cycleId: null, causationId: null, at: iso(scan.firstBarTime) },
    ) as AnyNewEvent,
  );

  const driver = new StrategyDriver(req.strategy);
  const curve = new EquityCurveBuilder();
  let state: CycleState = initialCycleState(settings.initialCash);
  let lastBar: Bar | null = null;
  let cycleSeq = 0;
  let lastEquity = settings.initialCash;
  let barsInMarket = 0;
  const progressEvery = Math.max(1, Math.floor(scan.barCount / 200));
  for await (const bar of req.source.bars()) {
    cycleSeq++;
    const closeTime = bar.time + intervalMs;
    clock.set(closeTime);
    venue.onBar(bar);
    const r = await runCycle(env, state, { cycleSeq, snapshot: { symbol: settings.symbol, interval: scan.interval, bar }, recordSnapshot: true, intents: driver });
    state = r.state;
    lastEquity = r.equity;
    curve.push(bar.time, r.equity.toNumber());
    if (!state.account.position.isZero()) barsInMarket++;
    lastBar = bar;
    await sink.flushIfFull();
    if (req.onProgress && cycleSeq % progressEvery === 0) req.onProgress(cycleSeq, scan.barCount);
    // Everything above settles in microtasks: give the event loop a turn now and then, so signals,
    // timers and the garbage collector's scheduled tasks are not starved for the whole run.
    if (cycleSeq % YIELD_EVERY_BARS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (lastBar === null) throw new EmptyDataError(req.source.spec);

  let closedAtEnd = false;
  const openOrders = await venue.openOrders(settings.symbol);
  if (!state.account.position.isZero() || openOrders.length > 0) {
    closedAtEnd = !state.account.position.isZero();
    cycleSeq++;
    venue.endOfData();
    results.markCloseOutCycle(cycleIdFor(runId, cycleSeq));
    const r = await runCycle(env, state, {
      cycleSeq,
      snapshot: { symbol: settings.symbol, interval: scan.interval, bar: lastBar },
      recordSnapshot: false,
      intents: closeOutSource(req.strategy.name),
      cancelOpenOrders: END_OF_DATA,
    });
    state = r.state;
    lastEquity = r.equity;
    // The curve's last point is the same close, now net of the close-out's costs.
    curve.setLast(r.equity.toNumber());
  }

  sink.emit(
    createEvent(
      'RunEnded',
      `${runId}:end`,
      { reason: 'COMPLETED', cycles: cycleSeq, detail: closedAtEnd ? 'open position closed at the last close (END_OF_DATA)' : null },
      { runId, mode: 'backtest', cycleId: null, causationId: null, at: iso(clock.now()) },
    ) as AnyNewEvent,
  );
  await sink.flush();
  req.onProgress?.(scan.barCount, scan.barCount);

  const equity: EquityCurve = curve.curve();
  const trades = tradesFrom(results.fills);
  const metrics = computeMetrics({
    equityCurve: equity.values,
    times: equity.times,
    intervalMs: scan.intervalMs,
    trades,
    fees: state.account.feesPaid,
    initialEquity: settings.initialCash,
    finalEquity: lastEquity,
    barsInMarket,
  });
  const prints = fingerprints.digest();
  const counts = sink.counts();
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
    cycles: cycleSeq,
    closedAtEnd,
    initialCash: settings.initialCash,
    finalEquity: lastEquity,
    finalAccount: state.account,
    equity,
    fills: results.fills,
    trades,
    metrics,
    intents: results.intents,
    orders: results.orders,
    denials: results.denials,
    reductions: results.reductions,
    rejections: results.rejections,
  };
}

/** Round trips from the run's fills; a trade closed by the end-of-data close-out is marked so. */
function tradesFrom(fills: readonly FillRecord[]): RoundTrip[] {
  const trades: RoundTrip[] = [];
  let tracker: TradeTrackerState = INITIAL_TRACKER;
  for (const f of fills) {
    const step = trackFill(tracker, f);
    tracker = step.state;
    if (step.closed) trades.push(f.atEnd ? { ...step.closed, openAtEnd: true } : step.closed);
  }
  return trades;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
