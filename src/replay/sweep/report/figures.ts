import type { RankingMetric } from '../rank.js';

/** How a sweep shows one run's figures (its RunEnded summary): fractions as percents, ratios to two places. */
export function pct(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '-';
}

export function ratio(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : '-';
}

const PERCENT_METRICS: ReadonlySet<RankingMetric> = new Set(['cagr', 'totalReturn', 'winRate', 'maxDrawdown', 'volatility']);

export function metricText(metric: RankingMetric, v: number | null): string {
  if (v === null) return '-';
  if (metric === 'netProfit') return v.toFixed(2);
  return PERCENT_METRICS.has(metric) ? pct(v) : ratio(v);
}

/** The strategy's return over buying and holding the first instrument, from a run's summary. */
export function excessOverHold(metrics: Record<string, unknown>): number | null {
  const b = metrics['benchmark'] as { excess?: { totalReturn?: unknown } } | null | undefined;
  const v = b?.excess?.totalReturn;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function paramText(params: Readonly<Record<string, string>>, names: readonly string[]): string {
  return names.map((n) => `${n}=${params[n] ?? '?'}`).join(' ');
}

/** Buying and holding over the same test windows, compounded window after window (null if a window lacks it). */
export function stitchedHold(tests: ReadonlyArray<{ metrics: { benchmark: { totalReturn: number } | null } } | null>): number | null {
  let growth = 1;
  for (const t of tests) {
    const b = t?.metrics.benchmark?.totalReturn;
    if (typeof b !== 'number' || !Number.isFinite(b)) return null;
    growth *= 1 + b;
  }
  return tests.length === 0 ? null : growth - 1;
}

/** One sentence: did the out-of-sample result beat holding? */
export function holdVerdict(strategyReturn: number, hold: number | null): string {
  if (hold === null) return 'no buy-and-hold figure for these windows';
  const pp = ((strategyReturn - hold) * 100).toFixed(2);
  return strategyReturn > hold
    ? `buy and hold over the same test windows ${pct(hold)}: the strategy BEAT it by ${pp} pp`
    : `buy and hold over the same test windows ${pct(hold)}: the strategy did NOT beat it (${pp} pp)`;
}

/** A grid sweep against holding: every run shares the data, so one buy-and-hold figure; how many runs beat it. */
export function gridHoldLine(runs: ReadonlyArray<{ metrics: Record<string, unknown> }>): string | null {
  const hold = runs.map((x) => (x.metrics['benchmark'] as { totalReturn?: unknown } | null | undefined)?.totalReturn).find((v): v is number => typeof v === 'number');
  if (hold === undefined) return null;
  const beat = runs.filter((x) => (excessOverHold(x.metrics) ?? -Infinity) > 0).length;
  return `buy and hold on the same data returned ${pct(hold)}: ${beat} of ${runs.length} runs beat it`;
}
