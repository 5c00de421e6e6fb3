import { toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { RiskConfig } from '../../engine/config/schema.js';
import { runStream } from '../../engine/ids.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { Decimal } from '../../engine/values.js';
import type { FillTiming } from '../../engine/venues/simulated/fill-model.js';
import type { RoundTrip } from '../../projections/position-book.js';
import type { EventsMode } from '../backtest/backtest-config.js';
import { type BacktestRequest, planBacktest, runBacktest } from '../backtest/run-backtest.js';
import type { BarSource, DataScan } from '../data/bar-source.js';
import { openBarSource } from '../data/index.js';
import { openStrategy, type OpenedStrategy } from '../strategy-file/index.js';
import { WindowedBarSource } from './windowed-source.js';

/** Everything a sweep's runs share, as plain data (it crosses to worker threads). */
export interface SweepSpec {
  /**
   * The instruments' data, the first one first: `spec` opens it, `reference` is what RunStarted records, `scan`
   * (when the caller validated the data before the sweep, as `engine sweep` does) spares every run its own
   * validating pass, as `engine backtest` is spared it.
   */
  data: Array<{ symbol: string; spec: string; reference: string; scan?: DataScan }>;
  tz: string;
  /** A built-in strategy's name or a strategy file's path. */
  strategy: string;
  /** Parameters every run shares (the grid's override them). */
  baseParams: Record<string, string>;
  quoteAsset: string;
  seed: string;
  fill: FillTiming;
  feeBps: string;
  slippageBps: string;
  participationCap: string | null;
  initialCash: string;
  qtyStep: string;
  minNotional: string;
  priceTick: string;
  risk: RiskConfig;
  eventsMode: EventsMode;
  packageVersion: string;
  gitCommit: string | null;
}

/** One run of a sweep: a grid point, on the whole data or on a window of it. */
export interface SweepJob {
  id: number;
  params: Record<string, string>;
  window: { from: number; to: number } | null;
  /**
   * A walk-forward test window: always run (a run the log finished is re-derived, appending nothing), and its
   * equity curve and trades handed back for the stitched result.
   */
  curve?: boolean;
}

/** A run's equity curve and round trips as they cross from a worker (Decimals as their exact text). */
export interface JobCurve {
  times: Float64Array;
  values: Float64Array;
  trades: Array<Omit<RoundTrip, 'qty' | 'entryPrice' | 'exitPrice' | 'pnl' | 'fees'> & Record<'qty' | 'entryPrice' | 'exitPrice' | 'pnl' | 'fees', string>>;
}

export interface SweepJobResult {
  id: number;
  runId: string;
  /** The run's figures (its RunEnded summary). */
  metrics: Record<string, unknown>;
  /** The log already held this run, finished: nothing was run again. */
  skipped: boolean;
  /** The strategy's effective parameters. */
  params: Record<string, string>;
  /** For a job with `curve`: its equity curve and trades. */
  curve?: JobCurve;
}

/** Where a job's events go, and what the log already knows of finished runs. */
export interface SweepHost {
  store: EventStore;
  finished(runId: string): Promise<Record<string, unknown> | null>;
}

/** The figures of a finished run of the log (its RunEnded summary), or null. */
export async function finishedRun(store: EventStore, runId: string): Promise<Record<string, unknown> | null> {
  let summary: Record<string, unknown> | null = null;
  for await (const raw of store.readStream(runStream(runId))) {
    if (raw.type !== 'RunEnded') continue;
    const e = toTypedEvent(raw);
    if (e.type === 'RunEnded' && e.data.reason === 'COMPLETED' && e.data.summary) summary = e.data.summary;
  }
  return summary;
}

/** Runs one job (or finds it finished). The strategy is opened once per host and reused with each job's params. */
export async function runSweepJob(spec: SweepSpec, job: SweepJob, host: SweepHost, strategies: StrategyCache): Promise<SweepJobResult> {
  const { req, params } = await jobRequest(spec, job, strategies);
  if (job.curve) {
    const r = await runBacktest(host.store, req);
    return { id: job.id, runId: r.runId, metrics: r.metrics as unknown as Record<string, unknown>, skipped: r.eventsWritten === 0, params, curve: curveOf(r.equity, r.trades) };
  }
  const plan = await planBacktest(req);
  const done = await host.finished(plan.runId);
  if (done) return { id: job.id, runId: plan.runId, metrics: done, skipped: true, params };
  const r = await runBacktest(host.store, { ...req, scan: plan.scan, more: plan.more.map((m) => ({ symbol: m.symbol, source: m.source, scan: m.scan, dataSource: m.reference })) });
  return { id: job.id, runId: r.runId, metrics: r.metrics as unknown as Record<string, unknown>, skipped: false, params };
}

/** The backtest request of one job. */
export async function jobRequest(spec: SweepSpec, job: SweepJob, strategies: StrategyCache): Promise<{ req: BacktestRequest; params: Record<string, string> }> {
  const opened = await strategies.open(spec.strategy, spec.baseParams);
  const strategy = opened.withParams({ ...spec.baseParams, ...job.params });
  const sources = spec.data.map((d) => {
    const source: BarSource = openBarSource(d.spec, { tz: spec.tz, symbol: d.symbol });
    if (!job.window) return { ...d, source };
    // A window's scan is its own (it hashes only the window's bars); the whole data's scan only spares a pass.
    return { ...d, source: new WindowedBarSource(source, job.window.from, job.window.to, d.scan), scan: undefined };
  });
  const [first, ...rest] = sources;
  const req: BacktestRequest = {
    settings: {
      symbol: first!.symbol,
      moreSymbols: rest.map((r) => r.symbol),
      quoteAsset: spec.quoteAsset,
      strategy: strategy.name,
      params: strategy.params,
      seed: spec.seed,
      fill: spec.fill,
      feeBps: new Decimal(spec.feeBps),
      slippageBps: new Decimal(spec.slippageBps),
      participationCap: spec.participationCap === null ? null : new Decimal(spec.participationCap),
      initialCash: new Decimal(spec.initialCash),
      qtyStep: new Decimal(spec.qtyStep),
      minNotional: new Decimal(spec.minNotional),
      priceTick: new Decimal(spec.priceTick),
      tz: spec.tz,
      risk: spec.risk as never,
    },
    source: first!.source,
    ...(first!.scan ? { scan: first!.scan } : {}),
    dataSource: job.window ? `${first!.reference}@${isoRange(job.window)}` : first!.reference,
    more: rest.map((r) => ({ symbol: r.symbol, source: r.source, ...(r.scan ? { scan: r.scan } : {}), dataSource: job.window ? `${r.reference}@${isoRange(job.window)}` : r.reference })),
    strategy,
    ...(opened.file ? { strategySource: opened.file } : {}),
    policy: createRiskPolicy(spec.risk, { executionCostBps: new Decimal(spec.feeBps).plus(spec.slippageBps) }),
    rateLimitWindowMs: spec.risk.rateLimit?.windowMs ?? null,
    eventsMode: spec.eventsMode,
    packageVersion: spec.packageVersion,
    gitCommit: spec.gitCommit,
  };
  return { req, params: { ...strategy.params } };
}

const MONEY = ['qty', 'entryPrice', 'exitPrice', 'pnl', 'fees'] as const;

function curveOf(equity: { times: Float64Array; values: Float64Array }, trades: readonly RoundTrip[]): JobCurve {
  return {
    times: equity.times,
    values: equity.values,
    trades: trades.map((t) => ({ side: t.side, entryTime: t.entryTime, exitTime: t.exitTime, openAtEnd: t.openAtEnd, ...Object.fromEntries(MONEY.map((k) => [k, t[k].toString()])) }) as JobCurve['trades'][number]),
  };
}

/** The round trips of a curve that crossed from a worker, Decimals again (exactly: Decimal text round-trips). */
export function curveTrades(curve: JobCurve): RoundTrip[] {
  return curve.trades.map((t) => ({ ...t, ...Object.fromEntries(MONEY.map((k) => [k, new Decimal(t[k])])) }) as unknown as RoundTrip);
}

function isoRange(w: { from: number; to: number }): string {
  return `${new Date(w.from).toISOString()}..${new Date(w.to).toISOString()}`;
}

/** Strategies opened once (a strategy file is compiled once per worker). */
export class StrategyCache {
  private readonly opened = new Map<string, Promise<OpenedStrategy>>();
  open(spec: string, params: Record<string, string>): Promise<OpenedStrategy> {
    let o = this.opened.get(spec);
    if (!o) {
      o = openStrategy(spec, params);
      this.opened.set(spec, o);
    }
    return o;
  }
}
