import { Decimal } from 'decimal.js';
import type { EventStore } from '../../events/store/port.js';
import type { RoundTrip } from '../../projections/position-book.js';
import { openBarSource } from '../data/index.js';
import { computeMetrics, type Metrics } from '../metrics/index.js';
import { type GridAxis, gridPoints } from './grid.js';
import { type RankingMetric, metricValue, rankBy } from './rank.js';
import { curveTrades, type SweepJob, type SweepJobResult, type SweepSpec } from './sweep-job.js';
import { runSweep, type SweepFailure, type SweepWorkers } from './sweep-runner.js';
import { type WalkForwardSpec, type Window, walkForwardWindows } from './walk-forward.js';

export interface SweepRequest {
  spec: SweepSpec;
  axes: readonly GridAxis[];
  /** The grid points to run (default: every point of the axes); e.g. without the ones the strategy refuses. */
  points?: ReadonlyArray<Record<string, string>>;
  metric: RankingMetric;
  walkForward: WalkForwardSpec | null;
  workers: number;
  /** Workers started ahead (they load while the caller checks its inputs); more are started when these are too few. */
  pool?: SweepWorkers;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface RankedRun extends SweepJobResult {
  rank: number;
  value: number | null;
}

export interface WindowResult {
  window: Window;
  /** The parameters the train window chose (best by the metric). */
  chosen: Record<string, string> | null;
  trainValue: number | null;
  test: { runId: string; metrics: Metrics } | null;
}

export interface SweepReport {
  metric: RankingMetric;
  axes: readonly GridAxis[];
  /** Grid sweep: every run, best first. Walk-forward: the train runs of every window, best first per window. */
  ranked: RankedRun[];
  failures: SweepFailure[];
  interrupted: boolean;
  walkForward: { spec: string; windows: WindowResult[]; stitched: Metrics | null } | null;
}

/**
 * A parameter sweep: every grid point is its own recorded run (ranked by the metric); with walk-forward,
 * parameters are chosen on each train window, run on the test window right after it, and only the test
 * windows are reported, stitched end to end: an out-of-sample result.
 */
export async function sweep(store: EventStore, r: SweepRequest): Promise<SweepReport> {
  const points = r.points ?? gridPoints(r.axes);
  if (r.walkForward === null) {
    const jobs: SweepJob[] = points.map((params, id) => ({ id, params, window: null }));
    const out = await runSweep(store, r.spec, jobs, { workers: r.workers, ...(r.pool ? { pool: r.pool } : {}), ...(r.signal ? { signal: r.signal } : {}), onResult: (_x, done) => r.onProgress?.(done, jobs.length) });
    return { metric: r.metric, axes: r.axes, ranked: ranked(out.results, r.metric), failures: out.failures, interrupted: out.interrupted, walkForward: null };
  }

  const first = r.spec.data[0]!.scan ?? (await openBarSource(r.spec.data[0]!.spec, { tz: r.spec.tz, symbol: r.spec.data[0]!.symbol }).scan());
  const windows = walkForwardWindows(r.walkForward, first.firstBarTime!, first.lastBarTime!);
  const trainJobs: SweepJob[] = windows.flatMap((w) => points.map((params, i) => ({ id: w.index * points.length + i, params, window: { from: w.trainFrom, to: w.trainTo } })));
  const total = trainJobs.length + windows.length;
  const out = await runSweep(store, r.spec, trainJobs, { workers: r.workers, ...(r.pool ? { pool: r.pool } : {}), ...(r.signal ? { signal: r.signal } : {}), onResult: (_x, done) => r.onProgress?.(done, total) });
  const best = windows.map((w) => ranked(out.results.filter((x) => Math.floor(x.id / points.length) === w.index), r.metric)[0]);
  // The test windows run on the workers too, each with the parameters its train window chose.
  const testJobs: SweepJob[] =
    out.interrupted || r.signal?.aborted ? [] : windows.flatMap((w, i) => (best[i] ? [{ id: w.index, params: best[i].params, window: { from: w.testFrom, to: w.testTo }, curve: true }] : []));
  const tests = testJobs.length === 0 ? null : await runSweep(store, r.spec, testJobs, { workers: r.workers, ...(r.signal ? { signal: r.signal } : {}), onResult: (_x, done) => r.onProgress?.(trainJobs.length + done, total) });
  const results: WindowResult[] = [];
  const stitch: Array<{ times: Float64Array; values: Float64Array; trades: RoundTrip[]; fees: Decimal; barsInMarket: number }> = [];
  for (const [i, w] of windows.entries()) {
    const b = best[i];
    const test = tests?.results.find((x) => x.id === w.index);
    if (!b || !test?.curve) {
      results.push({ window: w, chosen: b?.params ?? null, trainValue: b?.value ?? null, test: null });
      continue;
    }
    const metrics = test.metrics as unknown as Metrics;
    results.push({ window: w, chosen: b.params, trainValue: b.value, test: { runId: test.runId, metrics } });
    stitch.push({ times: test.curve.times, values: test.curve.values, trades: curveTrades(test.curve), fees: new Decimal(metrics.totalFees), barsInMarket: metrics.barsInMarket });
  }
  const interrupted = out.interrupted || tests?.interrupted === true || r.signal?.aborted === true;
  return {
    metric: r.metric,
    axes: r.axes,
    ranked: ranked(out.results, r.metric),
    failures: [...out.failures, ...(tests?.failures ?? [])],
    interrupted,
    walkForward: { spec: r.walkForward.text, windows: results, stitched: stitch.length === 0 ? null : stitched(stitch, new Decimal(r.spec.initialCash)) },
  };
}

function ranked(results: readonly SweepJobResult[], metric: RankingMetric): RankedRun[] {
  return rankBy(results, metric).map((x, i) => ({ ...x, rank: i + 1, value: metricValue(x.metrics, metric) }));
}

/**
 * The test windows end to end: each window's equity curve rescaled to start where the previous one ended (each
 * test run starts from the initial cash), so the stitched curve is what one account would have had trading the
 * chosen parameters window after window.
 */
function stitched(parts: ReadonlyArray<{ times: Float64Array; values: Float64Array; trades: RoundTrip[]; fees: Decimal; barsInMarket: number }>, initial: Decimal): Metrics | null {
  if (parts.length === 0) return null;
  const times: number[] = [];
  const values: number[] = [];
  let scale = 1;
  let trades: RoundTrip[] = [];
  let fees = new Decimal(0);
  const start = initial.toNumber();
  for (const p of parts) {
    for (let i = 0; i < p.values.length; i++) {
      times.push(p.times[i]!);
      values.push((p.values[i]! / start) * scale * start);
    }
    scale = values.length > 0 ? values[values.length - 1]! / start : scale;
    trades = [...trades, ...p.trades];
    fees = fees.plus(p.fees);
  }
  const barsInMarket = parts.reduce((n, p) => n + p.barsInMarket, 0);
  return computeMetrics({ equityCurve: values, times, intervalMs: null, trades, fees, initialEquity: initial, barsInMarket });
}
