import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { permissivePolicy } from '../../src/engine/risk/permissive-policy.js';
import type { Strategy } from '../../src/engine/strategy.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { renderBacktestReport } from '../../src/replay/backtest/report.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { formatBacktestSummary } from '../../src/replay/backtest/summary.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { buyAndHold } from '../../src/replay/metrics/index.js';

/**
 * With several instruments the benchmark is buy and hold of the first one, entered at ITS second bar's open
 * (next-open fills) even when another instrument's data starts earlier, marked through the cycles where it
 * has no bar; the summary and the report render.
 */

const D = (v: Decimal.Value) => new Decimal(v);
const idle: Strategy<null> = { name: 'idle', params: {}, initialState: () => null, onBar: (s) => ({ state: s, intents: [] }) };

describe('research figures of a run over two instruments', () => {
  it('buy and hold of the first instrument, from its own bars, through the aligned cycles', async () => {
    // AAA (the first instrument) starts 10 hours after BBB.
    const aaaSpec = 'synthetic:bars=200,interval=1h,seed=11,symbol=AAA,start=2024-01-01T10:00:00Z';
    const settings = {
      symbol: 'AAA', moreSymbols: ['BBB'], quoteAsset: 'USD', strategy: 'idle', params: {}, seed: '1', fill: 'next-open' as const,
      feeBps: D(10), slippageBps: D(5), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(10), priceTick: D('0.01'), tz: 'UTC', risk: defaultEngineConfig('dev').risk,
    };
    const r = await runBacktest(new MemoryEventStore(), {
      settings,
      source: openBarSource(aaaSpec, { symbol: 'AAA' }),
      more: [{ symbol: 'BBB', source: openBarSource('synthetic:bars=210,interval=1h,seed=12,symbol=BBB,price=50', { symbol: 'BBB' }) }],
      strategy: idle, policy: permissivePolicy, rateLimitWindowMs: null, eventsMode: 'decisions', packageVersion: 'test', gitCommit: null,
    });
    expect(r.equity.values.length).toBe(210);
    expect(r.prices.closes.length).toBe(210);
    expect(Number.isNaN(r.prices.closes[9]!)).toBe(true);
    expect(r.prices.firstBars.map((f) => f.index)).toEqual([10, 11]);

    // Independently: AAA's own bars, all cash in at its second bar's open, out at its last close.
    const bars = [];
    for await (const b of openBarSource(aaaSpec, { symbol: 'AAA' }).bars()) bars.push(b);
    const closes = [...new Array<number>(10).fill(Number.NaN), ...bars.map((b) => b.close.toNumber())];
    const held = buyAndHold({ closes, entry: { price: bars[1]!.open, barIndex: 11, time: bars[1]!.time }, exitPrice: bars.at(-1)!.close, initialCash: D(100_000), feeBps: D(10), slippageBps: D(5), qtyStep: D('0.0001') })!;
    expect(r.metrics.benchmark!.finalEquity).toBe(held.finalEquity.toFixed());
    expect(r.metrics.benchmark!.excess.totalReturn).toBeCloseTo(-r.metrics.benchmark!.totalReturn, 12); // the idle strategy made 0

    const summary = formatBacktestSummary(r, { symbol: 'AAA', strategy: 'idle', params: {}, db: 'memory', report: null }).join('\n');
    expect(summary).toContain('all cash into AAA at its second bar');
    const html = renderBacktestReport(r, { strategy: 'idle', symbol: 'AAA', params: {} });
    expect(html).toContain('data-chart="price"');
    expect(html).not.toContain('NaN');
  });
});
