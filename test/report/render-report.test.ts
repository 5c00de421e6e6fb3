import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minMaxDownsample, renderReport } from '../../src/replay/report/index.js';
import { sampleRun } from './sample-run.js';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);

/** Tags balance like XML (void HTML elements aside); returns the first problem or null. */
function tagProblem(html: string): string | null {
  const stack: string[] = [];
  const body = html.replace(/^<!doctype html>/i, '').replace(/<title>[^<]*<\/title>/g, '<title></title>').replace(/<style>[^<]*<\/style>/, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^<>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing || VOID.has(name!)) continue;
    if (!closing) stack.push(name!);
    else if (stack.pop() !== name) return `unexpected </${name}> at ${m.index}`;
  }
  return stack.length === 0 ? null : `unclosed <${stack.join('>, <')}>`;
}

describe('HTML report', () => {
  const run = sampleRun();
  const html = renderReport({ title: 'sma-cross on SYN', subtitle: 'seed 42', metrics: run.metrics, equity: { times: run.times, values: run.values }, trades: run.trades, params: run.params });

  it('is self-contained: no network reference, no script, no external stylesheet or font', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
  });

  it('is well-formed: balanced tags; equity, drawdown and distribution charts (no price chart without prices)', () => {
    expect(tagProblem(html)).toBeNull();
    expect([...html.matchAll(/<svg\b[^>]*data-chart="(\w+)"/g)].map((m) => m[1])).toEqual(['equity', 'drawdown', 'distribution']);
    expect(html.match(/<\/svg>/g)).toHaveLength(3);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('draws one entry and one exit marker per trade, and lists every trade', () => {
    expect(run.trades.length).toBeGreaterThan(2);
    expect(run.trades.length).toBeLessThan(50);
    const sides = [...html.matchAll(/data-side="(BUY|SELL)"/g)].map((m) => m[1]);
    expect(sides).toHaveLength(2 * run.trades.length);
    expect(sides.filter((s) => s === 'BUY')).toHaveLength(run.trades.length); // long-only: one buy per trade
    expect(html).toContain(`Trades (${run.trades.length})`);
    expect(html.match(/<tr class="(win|loss)">/g)).toHaveLength(run.trades.length);
  });

  it('shows the metrics, the annualisation factor and the params', () => {
    expect(html).toContain('Sharpe');
    expect(html).toContain(`= ${run.metrics.annualizationFactor.toFixed(2)}`);
    expect(html).toContain('<th>fast</th><td>5</td>');
  });

  it('escapes a hostile strategy name, subtitle and parameter', () => {
    const hostile = renderReport({
      title: '<script>alert("x")</script>',
      subtitle: 'a & b',
      metrics: run.metrics,
      equity: { times: run.times, values: run.values },
      trades: run.trades,
      params: { 'k"><img src=x onerror=alert(1)>': '<b>v</b>' },
    });
    expect(hostile).not.toMatch(/<script|<img|<b>/i);
    expect(hostile).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(hostile).toContain('a &amp; b');
    expect(tagProblem(hostile)).toBeNull();
  });

  it('downsamples a long curve to about 2000 points and summarises many trades', () => {
    const big = sampleRun(6_000, 60_000);
    const page = renderReport({ title: 't', metrics: big.metrics, equity: { times: big.times, values: big.values }, trades: big.trades, maxTradeRows: 20 });
    const equityPath = /<path class="equity" d="([^"]+)"/.exec(page)![1]!;
    expect(equityPath.split(/[ML]/).length - 1).toBeLessThanOrEqual(2000);
    expect(page).toContain('6000 bars drawn as');
    expect(page.match(/<tr class="(win|loss)">/g)).toHaveLength(20);
    expect(page).toContain(`${big.trades.length - 20} trades not shown`);
    expect(tagProblem(page)).toBeNull();
  });

  it('renders a run with no trades and a single bar without failing', () => {
    const one = renderReport({ title: 'empty', metrics: run.metrics, equity: { times: [0], values: [100] }, trades: [] });
    expect(one).toContain('No trades.');
    expect(tagProblem(one)).toBeNull();
  });
});

describe('HTML report: the research sections', () => {
  const run = sampleRun();
  const decisions = {
    intents: 12,
    approved: 7,
    denied: 4,
    reduced: 1,
    byCode: [
      { code: 'RISK_MODE_OBSERVE', layer: 'RISK', denied: 4, reduced: 0, firstTime: run.times[100]!, lastTime: run.times[300]! },
      { code: 'NOTIONAL_CAP_PER_ORDER', layer: 'RISK', denied: 0, reduced: 1, firstTime: run.times[10]!, lastTime: run.times[10]! },
    ],
    modeChanges: [{ time: run.times[90]!, from: 'NORMAL' as const, to: 'OBSERVE' as const, reasonCode: 'DRAWDOWN_BREACH', context: { drawdown: '0.2' } }],
  };
  const html = renderReport({
    title: 'sma-cross on SYN',
    metrics: run.metrics,
    equity: { times: run.times, values: run.values },
    trades: run.trades,
    params: run.params,
    benchmark: { label: 'buy and hold', values: run.benchmark },
    prices: { symbol: 'SYN', closes: run.closes },
    banner: 'CIRCUIT BREAKER ENDED TRADING <at> a time',
    decisions,
    riskModeLine: 'NORMAL 50%, OBSERVE 50% of the time',
    costLine: 'fee 10 bps of notional per fill',
  });
  const chart = (name: string) => new RegExp(`<svg\\b[^>]*data-chart="${name}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';

  it('is well-formed and self-contained, with the equity, drawdown, price and distribution charts', () => {
    expect(tagProblem(html)).toBeNull();
    expect(html).not.toMatch(/https?:\/\/|<script|<link|@import|url\(|src=/i);
    expect([...html.matchAll(/<svg\b[^>]*data-chart="(\w+)"/g)].map((m) => m[1])).toEqual(['equity', 'drawdown', 'price', 'distribution']);
  });

  it('the price chart marks every entry and exit at its fill price; the equity chart draws buy and hold beside the strategy', () => {
    const price = chart('price');
    const sides = [...price.matchAll(/data-side="(BUY|SELL)"/g)].map((m) => m[1]);
    expect(sides).toHaveLength(2 * run.trades.length);
    const entries = [...price.matchAll(/<title>#\d+ BUY [^@]+@ ([\d.]+)/g)].map((m) => m[1]);
    expect(entries).toEqual(run.trades.map((t) => t.entryPrice.toSignificantDigits(10).toFixed()));
    expect(chart('equity')).toMatch(/<path class="bench" d="M/);
  });

  it('the verdict and the comparison table agree with the metrics', () => {
    const b = run.metrics.benchmark!;
    expect(html).toContain(b.beatOnReturn ? 'class="verdict beat"' : 'class="verdict lost"');
    expect(html).toContain(b.beatOnReturn ? 'the strategy BEAT buy and hold' : 'the strategy did NOT beat buy and hold');
    expect(html).toContain(`<tr><td>Total return</td><td>${(run.metrics.totalReturn * 100).toFixed(2)}%</td><td>${(b.totalReturn * 100).toFixed(2)}%</td>`);
  });

  it('the monthly table has a row per year and a cell per month', () => {
    const table = /<table class="monthly">([\s\S]*?)<\/table>/.exec(html)![1]!;
    const rows = [...table.matchAll(/<tr><th>(\d{4})<\/th>((?:<td[^>]*>[^<]*<\/td>){14})<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(run.metrics.calendar.yearly.map((y) => y.period));
  });

  it('why trades did not happen: a row per reason code, the risk-mode changes, the banner first, escaped', () => {
    expect(html).toMatch(/<tr><td>RISK_MODE_OBSERVE<\/td><td>RISK<\/td><td>4<\/td><td>0<\/td>/);
    expect(html).toMatch(/<tr><td>NOTIONAL_CAP_PER_ORDER<\/td><td>RISK<\/td><td>0<\/td><td>1<\/td>/);
    expect(html).toContain('12 intents: 7 approved, 1 reduced, 4 denied');
    expect(html).toContain('Risk-mode changes (1)');
    expect(html).toContain('<p class="banner">CIRCUIT BREAKER ENDED TRADING &lt;at&gt; a time</p>');
    expect(html.indexOf('class="banner"')).toBeLessThan(html.indexOf('data-chart="equity"'));
  });

  it('states the costs and the metric conventions', () => {
    expect(html).toContain('fee 10 bps of notional per fill');
    expect(html).toContain('std(r, ddof 1)');
    expect(html).toContain('empyrical');
    expect(html).toContain('Risk-free rate</th><td>0</td>');
  });
});

describe('min/max downsampling', () => {
  it('keeps at most maxPoints points, the ends, the lowest and the highest point, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 4, max: 500 }), (xs, max) => {
        const kept = minMaxDownsample(xs, max);
        expect(kept.length).toBeLessThanOrEqual(Math.max(max, xs.length <= max ? xs.length : 0));
        expect(kept[0]).toBe(0);
        expect(kept[kept.length - 1]).toBe(xs.length - 1);
        for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
        const keptValues = kept.map((i) => xs[i]!);
        expect(Math.min(...keptValues)).toBe(Math.min(...xs));
        expect(Math.max(...keptValues)).toBe(Math.max(...xs));
      }),
    );
  });
});
