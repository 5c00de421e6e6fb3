import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../../src/events/errors.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { decodeTrusted } from '../../src/projections/decode.js';
import { findOrder } from '../../src/projections/orders/orders-projection.js';
import { positionOf } from '../../src/projections/positions-projection.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { EventLog, runStarted, submit } from './builders.js';

describe('trusted decoding', () => {
  it('still upcasts an older schemaVersion (OrderFilled v1 has no fee asset) and folds it like validation does', async () => {
    const log = new EventLog();
    const store = new MemoryEventStore();
    await store.append('run-r', [log.newEvent('RunStarted', runStarted(), 'r'), log.newEvent('OrderSubmitRequested', submit('c', { qty: '2' }), 'r')], 'no_stream');
    const v1 = {
      eventId: 'fill-v1',
      type: 'OrderFilled',
      schemaVersion: 1,
      data: { clientOrderId: 'c', venueOrderId: null, fillId: 'f1', symbol: 'BTCUSDT', side: 'BUY', qty: '2', price: '100', fee: '0.2' },
      metadata: { runId: 'r', mode: 'backtest' as const, cycleId: null, causationId: null, at: '2024-01-01T00:00:10.000Z' },
    };
    await store.append('run-r', [v1], 'any');
    const stored = [];
    for await (const e of store.readAll()) stored.push(e);
    const typed = decodeTrusted(stored[2]!);
    expect(typed.schemaVersion).toBe(3);
    expect(typed.data).toMatchObject({ feeAsset: 'QUOTE', liquidity: 'UNKNOWN' });
    expect(typed).toEqual(toTypedEvent(stored[2]!));

    const trusted = new ProjectionRunner({ store, decode: 'trusted' });
    const validated = new ProjectionRunner({ store, decode: 'validate' });
    await trusted.rebuild();
    await validated.rebuild();
    expect(trusted.fingerprint()).toBe(validated.fingerprint());
    expect(trusted.query((s) => findOrder(s.orders, 'r', 'c'))!.status).toBe('FILLED');
    expect(trusted.query((s) => positionOf(s.positions, 'r', 'BTCUSDT'))!.fees.toFixed()).toBe('0.2');
  });

  it('refuses an unknown event type', () => {
    const e = { globalPosition: 1, stream: 's', streamVersion: 0, eventId: 'x', type: 'OrderTeleported', schemaVersion: 1, data: {}, metadata: { runId: 'r', mode: 'backtest' as const, cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' }, prevHash: '', hash: '' };
    expect(() => decodeTrusted(e)).toThrow(EventValidationError);
  });
});
