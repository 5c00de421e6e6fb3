import type { SweepReport } from '../../replay/sweep/sweep.js';

/** The figures of a run that `engine sweep --json` lists (the whole summary stays in the run's RunEnded). */
const FIGURES = ['totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown', 'volatility', 'tradeCount', 'winRate', 'profitFactor', 'netProfit', 'finalEquity', 'totalFees'] as const;

function figures(metrics: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIGURES) out[k] = metrics[k] ?? null;
  const excess = (metrics['benchmark'] as { excess?: { totalReturn?: number } } | null | undefined)?.excess?.totalReturn;
  out['excessReturnOverHold'] = typeof excess === 'number' ? excess : null;
  return out;
}

/** `engine sweep --json`: the ranking, the refused and failed points, and the walk-forward windows. */
export function sweepJson(r: SweepReport, refused: ReadonlyArray<{ params: Record<string, string>; reason: string }>): unknown {
  return {
    metric: r.metric,
    axes: r.axes,
    interrupted: r.interrupted,
    runs: r.ranked.map((x) => ({ rank: x.rank, runId: x.runId, params: x.params, value: x.value, skipped: x.skipped, figures: figures(x.metrics) })),
    refused,
    failures: r.failures.map((f) => ({ params: f.job.params, window: f.job.window, error: f.error })),
    walkForward:
      r.walkForward === null
        ? null
        : {
            spec: r.walkForward.spec,
            windows: r.walkForward.windows.map((w) => ({
              train: { from: new Date(w.window.trainFrom).toISOString(), to: new Date(w.window.trainTo).toISOString() },
              test: { from: new Date(w.window.testFrom).toISOString(), to: new Date(w.window.testTo).toISOString() },
              chosen: w.chosen,
              trainValue: w.trainValue,
              testRunId: w.test?.runId ?? null,
              testFigures: w.test ? figures(w.test.metrics as unknown as Record<string, unknown>) : null,
            })),
            stitched: r.walkForward.stitched ? figures(r.walkForward.stitched as unknown as Record<string, unknown>) : null,
          },
  };
}
