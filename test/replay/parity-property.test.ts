import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { replayRun } from '../../src/replay/parity/replay-run.js';
import { backtestInto } from './support.js';

/**
 * Property: whatever the strategy, parameters, seed, fill timing, participation cap and event mode,
 * a backtest replays to PARITY, and the replay's decision fingerprint is the backtest's own.
 */
describe('replay-parity over generated backtests', () => {
  it('every generated backtest replays to PARITY with its own decision fingerprint', async () => {
    let ordered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          strategy: fc.constantFrom('sma-cross', 'donchian-breakout'),
          fast: fc.integer({ min: 2, max: 6 }),
          span: fc.integer({ min: 2, max: 15 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
          dataSeed: fc.integer({ min: 0, max: 1e6 }),
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          cap: fc.constantFrom(null, '0.05', '0.5'),
          eventsMode: fc.constantFrom('full' as const, 'decisions' as const),
        }),
        async (g) => {
          const params: Record<string, string> = g.strategy === 'sma-cross' ? { fast: String(g.fast), slow: String(g.fast + g.span) } : { entry: String(g.fast + g.span), exit: String(g.fast) };
          const store = new MemoryEventStore();
          const bt = await backtestInto({
            db: '(memory)', store, data: `synthetic:bars=300,interval=1h,seed=${g.dataSeed}`, strategy: g.strategy, params,
            seed: String(g.seed), eventsMode: g.eventsMode, fill: g.fill, participationCap: g.cap,
          });
          const rep = await replayRun(store, bt.runId);
          expect(rep.divergence).toBeNull();
          expect(rep.verdict).toBe('PARITY');
          expect(rep.fingerprints.rederived).toBe(bt.decisionFingerprint);
          expect(rep.fingerprints.recorded).toBe(bt.decisionFingerprint);
          if (bt.orders > 0) ordered++;
        },
      ),
      { numRuns: 12, seed: 6 },
    );
    expect(ordered).toBeGreaterThan(6); // the runs trade: parity is about real decisions
  }, 60_000);
});
