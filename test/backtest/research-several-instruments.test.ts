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

/**
 * With several instruments the benchmark is an equal-weight buy and hold: half the cash into each, each entered
 * at ITS OWN second bar's open (next-open fills) even when the other's data starts earlier, marked through the
 * cycles where it has no bar, sold at its last close; the summary and the report render.
 */

const D = (v: Decimal.Value) => new Decimal(v);
const idle: Strategy<null> = { name: 'idle', params: {}, initialState: () => null, onBar: (s) => ({ state: s, intents: [] }) };

describe('research figures of a run over two instruments', () => {
  it('equal-weight buy and hold, each instrument from its own bars, through the aligned cycles', async () => {
    // AAA (the first instrument) starts 10 hours after BBB.
    const aaaSpec = 'synthetic:bars=200,interval=1h,seed=11,symbol=AAA,start=2024-01-01T10:00:00Z';
    const settings = {
      symbol: 'AAA', moreSymbols: ['BBB'], quoteAsset: 'USD', strategy: 'idle', params: {}, seed: '1', fill: 'next-open' as const,
      feeBps: D(10), slippageBps: D(5), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(10), priceTick: D('0.01'), tz: 'UTC', risk: defaultEngineConfig('dev').risk,
    };
    const bbbSpec = 'synthetic:bars=210,interval=1h,seed=12,symbol=BBB,price=50';
    const r = await runBacktest(new MemoryEventStore(), {
      settings,
      source: openBarSource(aaaSpec, { symbol: 'AAA' }),
      more: [{ symbol: 'BBB', source: openBarSource(bbbSpec, { symbol: 'BBB' }) }],
      strategy: idle, policy: permissivePolicy, rateLimitWindowMs: null, eventsMode: 'decisions', packageVersion: 'test', gitCommit: null,
    });
    expect(r.equity.values.length).toBe(210);
    expect(r.prices.closes.length).toBe(210);
    expect(Number.isNaN(r.prices.closes[9]!)).toBe(true);
    expect(r.prices.firstBars.map((f) => f.index)).toEqual([10, 11]);

    // By hand, per instrument: 50,000 buys at its second bar's open slipped 5 bps, as many 0.0001 units as the cash
    // covers with the 10 bps fee; sold at its last close slipped 5 bps, fee 10 bps.
    const held = async (spec: string, symbol: string) => {
      const bars = [];
      for await (const b of openBarSource(spec, { symbol }).bars()) bars.push(b);
      const buyAt = bars[1]!.open.mul('1.0005');
      const qty = D(50_000).div(buyAt.mul('1.001')).toDecimalPlaces(4, Decimal.ROUND_DOWN);
      const cash = D(50_000).minus(qty.mul(buyAt)).minus(qty.mul(buyAt).mul('0.001'));
      const sellAt = bars.at(-1)!.close.mul('0.9995');
      return cash.plus(qty.mul(sellAt)).minus(qty.mul(sellAt).mul('0.001'));
    };
    const expected = (await held(aaaSpec, 'AAA')).plus(await held(bbbSpec, 'BBB'));
    expect(r.metrics.benchmark!.label).toBe('equal-weight buy and hold');
    expect(r.metrics.benchmark!.finalEquity).toBe(expected.toFixed());
    expect(r.metrics.benchmark!.excess.totalReturn).toBeCloseTo(-r.metrics.benchmark!.totalReturn, 12); // the idle strategy made 0

    const summary = formatBacktestSummary(r, { symbol: 'AAA', strategy: 'idle', params: {}, db: 'memory', report: null }).join('\n');
    expect(summary).toContain('the cash split evenly over AAA, BBB');
    const html = renderBacktestReport(r, { strategy: 'idle', symbol: 'AAA', params: {} });
    expect(html).toContain('data-chart="price"');
    expect(html).not.toContain('NaN');
  });
});
