import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/replay/report/index.js';
import { sampleRun } from './sample-run.js';

describe('stdout summary', () => {
  const run = sampleRun();
  const text = renderSummary(run.metrics, { title: 'sma-cross on SYN', params: run.params, trades: run.trades, maxTrades: 3 });
  const lines = text.split('\n');

  it('has every metric the issue asks for, with the annualisation factor', () => {
    for (const label of ['Total return', 'CAGR', 'Sharpe', 'Sortino', 'Max drawdown', 'Win rate', 'Profit factor', 'Exposure', 'Fees', 'Trades', 'Annualisation']) {
      expect(text).toContain(label);
    }
    expect(text).toContain(`sqrt(${run.metrics.periodsPerYear})`);
  });

  it('aligns the values in one column', () => {
    const rows = lines.filter((l) => /^ {2}(Total return|CAGR|Sharpe|Fees) /.test(l));
    expect(rows).toHaveLength(4);
    const valueStarts = new Set(rows.map((l) => /^ {2}\S.*? {2,}(?=\S)/.exec(l)![0].length));
    expect(valueStarts.size).toBe(1);
  });

  it('lists the last trades, flagging one closed at the end', () => {
    expect(text).toMatch(new RegExp(`Last 3 of ${run.trades.length} trades`));
    expect(text.endsWith('\n')).toBe(true);
  });
});
