import { describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/index.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { Decimal } from '../../src/engine/values.js';
import { toTypedEvent, type AnyStoredEvent } from '../../src/events/event-factory.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { BacktestSettings } from '../../src/replay/backtest/backtest-config.js';
import { renderBacktestReport } from '../../src/replay/backtest/report.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { formatBacktestSummary } from '../../src/replay/backtest/summary.js';
import { openBarSource } from '../../src/replay/data/index.js';

/**
 * What the summary and the report say about a real run agrees with the run's own log: denials and
 * reductions per reason code with their first and last times, the risk-mode changes, the bars' closes.
 */

const D = (v: Decimal.Value) => new Decimal(v);
const DATA = 'synthetic:bars=3000,interval=1h,seed=7';

async function run() {
  const config = defaultEngineConfig('dev');
  const risk = { ...config.risk, maxOrderNotional: '20000', modes: { ...config.risk.modes, reduceAtDrawdown: '0.03', observeAtDrawdown: '0.06', normalBelowDrawdown: '0.01', reduceBelowDrawdown: '0.04' } };
  const strategy = createStrategy('sma-cross', { fast: '5', slow: '20' });
  const settings: BacktestSettings = {
    symbol: 'SYN', quoteAsset: 'USD', strategy: strategy.name, params: strategy.params, seed: '1', fill: 'next-open',
    feeBps: D(10), slippageBps: D(5), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(10), priceTick: D('0.01'), tz: 'UTC', risk,
  };
  const store = new MemoryEventStore();
  const r = await runBacktest(store, {
    settings, source: openBarSource(DATA, { symbol: 'SYN' }), strategy, policy: createRiskPolicy(risk, { executionCostBps: 15 }), rateLimitWindowMs: null, eventsMode: 'full', packageVersion: 'test', gitCommit: null,
  });
  const events: AnyStoredEvent[] = [];
  for await (const e of store.readStream(r.stream)) events.push(toTypedEvent(e));
  return { r, events };
}

describe('research summary of a real run', async () => {
  const { r, events } = await run();

  it('tallies every denial and reduction per reason code, with the times the log recorded', () => {
    const decided = events.filter((e) => e.type === 'RiskDecisionMade');
    expect(r.decisions.intents).toBe(decided.length);
    expect(r.decisions.byCode.length).toBeGreaterThan(0);
    for (const tally of r.decisions.byCode) {
      const mine = decided.filter((e) => e.type === 'RiskDecisionMade' && e.data.reasonCode === tally.code && e.data.verdict !== 'APPROVED');
      expect(tally.denied).toBe(mine.filter((e) => e.type === 'RiskDecisionMade' && e.data.verdict === 'DENIED').length);
      expect(tally.reduced).toBe(mine.filter((e) => e.type === 'RiskDecisionMade' && e.data.verdict === 'REDUCED').length);
      expect(tally.firstTime).toBe(Date.parse(mine[0]!.metadata.at));
      expect(tally.lastTime).toBe(Date.parse(mine.at(-1)!.metadata.at));
      // The older counters, folded separately, agree.
      expect(tally.denied).toBe(r.denials[tally.code] ?? 0);
      expect(tally.reduced).toBe(r.reductions[tally.code] ?? 0);
    }
    const changes = events.filter((e) => e.type === 'RiskModeChanged');
    expect(changes.length).toBeGreaterThan(1);
    expect(r.decisions.modeChanges.map((c) => [new Date(c.time).toISOString(), c.from, c.to])).toEqual(
      changes.map((e) => e.type === 'RiskModeChanged' && [e.metadata.at, e.data.from, e.data.to]),
    );
  });

  it('keeps one close per bar, the closes the log recorded', () => {
    const snapshots = events.filter((e) => e.type === 'MarketSnapshotRecorded');
    expect(r.prices.closes.length).toBe(snapshots.length);
    snapshots.forEach((e, i) => {
      if (e.type === 'MarketSnapshotRecorded') expect(r.prices.closes[i]).toBe(Number(e.data.bars[0]!.close));
    });
  });

  it('the summary lists why trades did not happen, the risk modes, the costs and the conventions', () => {
    const lines = formatBacktestSummary(r, { symbol: 'SYN', strategy: 'sma-cross', params: r.settings.params, db: 'memory', report: null });
    const at = lines.findIndex((l) => l.startsWith('Why trades did not happen'));
    expect(lines[at]).toContain(`(${r.decisions.intents} intents: ${r.decisions.approved} approved, ${r.decisions.reduced} reduced, ${r.decisions.denied} denied)`);
    for (const t of r.decisions.byCode) expect(lines.some((l) => new RegExp(`^ {2}${t.code}\\s+${t.layer}\\s+${t.denied}\\s+${t.reduced}\\s`).test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('  risk modes   NORMAL'))).toBe(true);
    expect(lines.find((l) => l.startsWith('  costs'))).toContain("fee 10 bps of notional per fill (in USD); slippage 5 bps against market fills; market orders fill at the next bar's open");
    expect(lines.find((l) => l.startsWith('  conventions'))).toContain('ddof 1');
    const banner = lines.some((l) => l.includes('CIRCUIT BREAKER'));
    expect(banner).toBe(r.metrics.riskModes!.lockedOutAtEnd !== null);
  });

  it('the report is self-contained and draws the price chart and buy and hold', () => {
    const html = renderBacktestReport(r, { strategy: 'sma-cross', symbol: 'SYN', params: r.settings.params });
    expect(html).not.toMatch(/https?:\/\/|<script|<link|@import|url\(|src=/i);
    expect(html).toContain('data-chart="price"');
    expect(html).toContain('<path class="bench"');
    expect(html).toContain('Why trades did not happen');
  });
});
