import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunActivity } from '../../src/cli/status-page/run-activity.js';
import type { EventType } from '../../src/events/catalog.js';
import { type AnyStoredEvent, createEvent } from '../../src/events/event-factory.js';

const T0 = Date.UTC(2026, 0, 5, 12);

function stored<T extends EventType>(type: T, position: number, data: Parameters<typeof createEvent<T>>[2]): AnyStoredEvent {
  const at = new Date(T0 + position * 1000).toISOString();
  const e = createEvent(type, `e${position}`, data, { runId: 'r', mode: 'live', cycleId: null, causationId: null, at });
  return { ...e, globalPosition: position, stream: 'run-r', streamVersion: position - 1, prevHash: '', hash: '' } as AnyStoredEvent;
}

describe('the status page fold of a run (RunActivity)', () => {
  it('keeps an equity series under its bound, in time order, one point per kept cycle, every cycle while few', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 4, max: 64 }).map((n) => n * 2), (cycles, max) => {
        const a = new RunActivity(20, max);
        const times: number[] = [];
        for (let i = 1; i <= cycles; i++) {
          const e = stored('CycleCompleted', i, { cycleSeq: i, phaseMs: { total: 1 }, intents: 0, orders: 0 });
          times.push(Date.parse(e.metadata.at));
          a.observe(e);
        }
        expect(a.cycles).toBe(cycles);
        expect(a.equity.length).toBeLessThan(max);
        const ts = a.equity.map((p) => p.t);
        for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
        for (const t of ts) expect(times).toContain(t);
        if (cycles < max) expect(ts).toEqual(times);
        // Thinned evenly: never more than half the series lost at the end.
        if (cycles > 0) expect(ts.length).toBeGreaterThanOrEqual(Math.min(cycles, max / 2 - 1));
      }),
      { numRuns: 60 },
    );
  });

  it('shows the last `keep` fills once each (a resent fill id is not a new fill), newest last', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 120 }), fc.integer({ min: 1, max: 25 }), (ids, keep) => {
        const a = new RunActivity(keep);
        ids.forEach((n, i) =>
          a.observe(
            stored('OrderFilled', i + 1, {
              clientOrderId: `o${n}`, venueOrderId: null, fillId: `f${n}`, symbol: 'SYN', side: 'BUY', qty: '1', price: '100', fee: '0', feeAsset: 'QUOTE', liquidity: 'TAKER', time: null,
            }),
          ),
        );
        const distinct = [...new Set(ids)].map((n) => `f${n}`);
        expect(a.fills.map((f) => f.fillId)).toEqual(distinct.slice(-keep));
        // Each distinct fill bought 1 at 100: the equity is the position at its cost (no mark yet), from zero cash.
        expect(a.equityNow()).toBe('0');
      }),
      { numRuns: 100 },
    );
  });
});
