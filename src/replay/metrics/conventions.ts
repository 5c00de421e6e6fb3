/**
 * How every figure of the metrics is computed, stated once: printed by the summary and the report, and
 * checked against empyrical's formulas (test/metrics/empyrical-conventions.test.ts).
 */
export const METRIC_CONVENTIONS = {
  returns: 'simple returns of the equity at each bar close; the initial equity is the point before the first bar',
  riskFreeRate: 0,
  stdevDdof: 1,
  sharpe: 'mean(r) / std(r, ddof 1) x sqrt(periods per year)',
  sortino: 'mean(r) / sqrt(mean(min(r, 0)^2) over all returns) x sqrt(periods per year)',
  volatility: 'std(r, ddof 1) x sqrt(periods per year)',
  cagr: '(final / initial equity)^(periods per year / bars) - 1',
  maxDrawdown: 'largest fall from a running peak of the bar-close equity, the initial equity included',
  benchmark: 'beta = cov(r, b) / var(b); alpha = (1 + mean(r - beta b))^(periods per year) - 1; information ratio = mean(r - b) / std(r - b, ddof 1) x sqrt(periods per year)',
  reference: 'empyrical: sharpe_ratio, sortino_ratio, annual_volatility, annual_return, max_drawdown, beta, alpha, excess_sharpe',
} as const;

export type MetricConventions = typeof METRIC_CONVENTIONS;
