/**
 * The figures a sweep ranks its runs by, each with the direction that is better. Values come from a run's
 * metrics (src/replay/metrics/compute-metrics.ts); a run whose figure is undefined (null: e.g. Sharpe of a run
 * that never traded) ranks last.
 */
export const RANKING_METRICS = {
  sharpe: 'higher',
  sortino: 'higher',
  cagr: 'higher',
  totalReturn: 'higher',
  profitFactor: 'higher',
  winRate: 'higher',
  netProfit: 'higher',
  maxDrawdown: 'lower',
  volatility: 'lower',
} as const;

export type RankingMetric = keyof typeof RANKING_METRICS;

export function isRankingMetric(name: string): name is RankingMetric {
  return Object.prototype.hasOwnProperty.call(RANKING_METRICS, name);
}

/** A metric's value as a number (money figures are decimal strings), or null. */
export function metricValue(metrics: Record<string, unknown>, metric: RankingMetric): number | null {
  const v = metrics[metric];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Best first; ties keep the grid's order (deterministic). */
export function rankBy<T extends { metrics: Record<string, unknown>; id: number }>(runs: readonly T[], metric: RankingMetric): T[] {
  const sign = RANKING_METRICS[metric] === 'higher' ? -1 : 1;
  return [...runs].sort((a, b) => {
    const va = metricValue(a.metrics, metric);
    const vb = metricValue(b.metrics, metric);
    if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1;
    return va === vb ? a.id - b.id : sign * (va - vb);
  });
}
