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
    const metricBlock = lines.slice(0, lines.indexOf('', 2));
    const rows = metricBlock.filter((l) => /^ {2}(Total return|CAGR|Sharpe|Fees) /.test(l));
    expect(rows).toHaveLength(4);
    const valueStarts = new Set(rows.map((l) => /^ {2}\S.*? {2,}(?=\S)/.exec(l)![0].length));
    expect(valueStarts.size).toBe(1);
  });

  it('lists the last trades, flagging one closed at the end', () => {
    expect(text).toMatch(new RegExp(`Last 3 of ${run.trades.length} trades`));
    expect(text.endsWith('\n')).toBe(true);
  });

  it('sets the strategy beside buy and hold, with the differences and a verdict', () => {
    const b = run.metrics.benchmark!;
    const header = lines.find((l) => /^ {2}\s+strategy\s+buy and hold\s+difference$/.test(l));
    expect(header).toBeDefined();
    const total = lines.find((l) => l.startsWith('  Total return') && l.includes('pp'))!;
    const pp = `${b.excess.totalReturn >= 0 ? '+' : ''}${(b.excess.totalReturn * 100).toFixed(2)} pp`;
    expect(total.split(/\s{2,}/).slice(2)).toEqual([`${(run.metrics.totalReturn * 100).toFixed(2)}%`, `${(b.totalReturn * 100).toFixed(2)}%`, pp]);
    expect(text).toContain(b.beatOnReturn ? '=> the strategy BEAT buy and hold' : '=> the strategy did NOT beat buy and hold');
  });

  it('prints the monthly returns as a year x month grid', () => {
    const at = lines.findIndex((l) => l.startsWith('Monthly returns'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/Jan\s+Feb.*Dec\s+year\s+B&H$/);
    const years = run.metrics.calendar.yearly.map((y) => y.period);
    expect(lines.slice(at + 2, at + 2 + years.length).map((l) => l.trim().slice(0, 4))).toEqual(years);
  });

  it('puts a banner right under the title', () => {
    const withBanner = renderSummary(run.metrics, { title: 'sma-cross on SYN', banner: 'CIRCUIT BREAKER ENDED TRADING at 2024-01-05 00:00 UTC' }).split('\n');
    expect(withBanner[2]).toBe('  !! CIRCUIT BREAKER ENDED TRADING at 2024-01-05 00:00 UTC');
  });
});
