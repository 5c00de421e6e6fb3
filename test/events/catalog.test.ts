import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, DESCRIPTIONS, EVENT_TYPES, schemas } from '../../src/events/catalog.js';
import { createEvent, parseEventData, toTypedEvent } from '../../src/events/event-factory.js';
import { EventValidationError } from '../../src/events/errors.js';
import type { StoredEvent } from '../../src/events/envelope.js';

const meta = { runId: 'r1', mode: 'backtest' as const, cycleId: 'c1', causationId: null, at: '2024-01-01T00:00:00.000Z' };

describe('event catalog', () => {
  it('has the DESIGN.md types, past-tense PascalCase, each described', () => {
    for (const t of [
      'RunStarted', 'CycleStarted', 'MarketSnapshotRecorded', 'IntentProposed', 'RiskDecisionMade', 'OrderSubmitRequested',
      'OrderAccepted', 'OrderRejected', 'OrderDenied', 'OrderOutcomeUnknown', 'OrderFilled', 'OrderCanceled', 'OrderReconciled',
      'UnknownOrderEscalated', 'RiskModeChanged', 'KillSwitchEngaged', 'KillSwitchReleased', 'CycleCompleted', 'RunEnded',
    ]) expect(EVENT_TYPES).toContain(t);
    for (const t of EVENT_TYPES) {
      expect(t).toMatch(/^[A-Z][a-zA-Z]+$/);
      expect(DESCRIPTIONS[t].length).toBeGreaterThan(10);
      expect(schemas[t]).toBeDefined();
    }
  });

  it('normalises decimals on creation and refuses a number where money belongs', () => {
    const e = createEvent('OrderAccepted', 'e1', { clientOrderId: 'c', venueOrderId: 'v' }, meta);
    expect(e.schemaVersion).toBe(1);
    const fill = {
      clientOrderId: 'c', venueOrderId: null, fillId: 'f1', symbol: 'BTCUSD', side: 'BUY' as const,
      qty: '1.2500', price: '100.10', fee: '0.0', feeAsset: 'QUOTE', liquidity: 'TAKER' as const, time: '2024-01-01T00:00:00.000Z',
    };
    const f = createEvent('OrderFilled', 'e2', fill, meta);
    expect(f.data.qty).toBe('1.25');
    expect(f.data.fee).toBe('0');
    expect(() => createEvent('OrderFilled', 'e3', { ...fill, qty: 1.25 as unknown as string }, meta)).toThrow(EventValidationError);
    expect(() => createEvent('OrderFilled', 'e4', { ...fill, price: '-1' }, meta)).toThrow(/price/);
  });
});

describe('schema upcasting', () => {
  const v1 = { clientOrderId: 'c', venueOrderId: null, fillId: 'f1', symbol: 'BTCUSD', side: 'SELL', qty: '2', price: '10', fee: '0.01' };

  it('reads an OrderFilled v1 as v3 without touching the stored data', () => {
    expect(CURRENT_SCHEMA_VERSION.OrderFilled).toBe(3);
    const stored: StoredEvent = {
      globalPosition: 1, stream: 's', streamVersion: 0, eventId: 'e', type: 'OrderFilled', schemaVersion: 1,
      data: structuredClone(v1), metadata: meta, prevHash: '0'.repeat(64), hash: 'x',
    };
    const typed = toTypedEvent(stored);
    expect(typed.schemaVersion).toBe(3);
    expect(typed.data).toMatchObject({ ...v1, feeAsset: 'QUOTE', liquidity: 'UNKNOWN', time: null });
    expect(stored.data).toEqual(v1);
  });

  it('refuses a version newer than the engine and an unknown type', () => {
    expect(parseEventData('OrderFilled', 4, v1).ok).toBe(false);
    expect(parseEventData('OrderExploded', 1, {}).ok).toBe(false);
  });

  it('reads the v1 shapes of the other evolved types at their current version', () => {
    const lift = (type: string, v: number, data: unknown) => {
      const r = parseEventData(type, v, data);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    expect(lift('CycleStarted', 1, { cycleSeq: 3 })).toEqual({ cycleSeq: 3, killSwitch: false });
    const bar = { openTime: '2024-01-01T00:00:00.000Z', open: '1', high: '2', low: '0.5', close: '1.5', volume: '10' };
    expect(lift('MarketSnapshotRecorded', 1, { symbol: 'SPY', interval: '1d', bar })).toEqual({ interval: '1d', bars: [{ ...bar, symbol: 'SPY' }] });
    const reconciled = { clientOrderId: 'c', outcome: 'STILL_UNKNOWN', reasonCode: 'STILL_UNKNOWN', via: 'NONE', venueOrderId: null, attempt: 2 };
    expect(lift('OrderReconciled', 1, reconciled)).toEqual({ ...reconciled, notFoundStreak: 0 });
  });

  it('still validates after upcasting', () => {
    const r = parseEventData('OrderFilled', 1, { ...v1, qty: '0' });
    expect(r.ok).toBe(false);
  });
});
