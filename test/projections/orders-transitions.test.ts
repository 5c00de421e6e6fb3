import { describe, expect, it } from 'vitest';
import type { AnyStoredEvent } from '../../src/events/event-factory.js';
import { IllegalOrderTransitionError } from '../../src/projections/errors.js';
import { fingerprint } from '../../src/projections/fingerprint.js';
import { ORDER_STATUSES, isTerminal } from '../../src/projections/orders/order-status.js';
import {
  type OrdersState,
  evolveOrders,
  findOrder,
  initialOrdersState,
  nonTerminalOrders,
} from '../../src/projections/orders/orders-projection.js';
import { ORDER_EVENT_KINDS, type OrderEventKind } from '../../src/projections/orders/transition-table.js';
import { EventLog, fill, submit } from './builders.js';

const C = 'c-1';
type Log = EventLog;

/** How to bring order C into each status through real events. */
const PATHS: Record<string, (l: Log) => void> = {
  NONE: () => {},
  REQUESTED: (l) => l.add('OrderSubmitRequested', submit(C)),
  THROTTLED: (l) => {
    l.add('OrderSubmitRequested', submit(C));
    l.add('OrderSubmitThrottled', { clientOrderId: C, attempt: 1, retryAfterMs: 500, rawReason: '429' });
  },
  UNKNOWN: (l) => {
    l.add('OrderSubmitRequested', submit(C));
    l.add('OrderOutcomeUnknown', { clientOrderId: C, attempt: 1, cause: 'TIMEOUT', detail: 'no answer in 5s' });
  },
  ESCALATED: (l) => {
    PATHS.UNKNOWN!(l);
    l.add('UnknownOrderEscalated', { clientOrderId: C, attempts: 5, ageMs: 60000, reasonCode: 'ESCALATED' });
  },
  ACCEPTED: (l) => {
    l.add('OrderSubmitRequested', submit(C));
    l.add('OrderAccepted', { clientOrderId: C, venueOrderId: 'v-1' });
  },
  COMMITTED: (l) => {
    PATHS.UNKNOWN!(l);
    l.add('OrderReconciled', { clientOrderId: C, outcome: 'COMMITTED', reasonCode: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: 'v-1', attempt: 1, notFoundStreak: 0 });
  },
  PARTIALLY_FILLED: (l) => {
    PATHS.ACCEPTED!(l);
    l.add('OrderFilled', fill(C, 'f-path', { qty: '1' }));
  },
  FILLED: (l) => {
    PATHS.ACCEPTED!(l);
    l.add('OrderFilled', fill(C, 'f-path', { qty: '10' }));
  },
  CANCELED: (l) => {
    PATHS.ACCEPTED!(l);
    l.add('OrderCanceled', { clientOrderId: C, reason: 'user' });
  },
  REJECTED: (l) => {
    l.add('OrderSubmitRequested', submit(C));
    l.add('OrderRejected', { clientOrderId: C, reasonCode: 'VENUE_INVALID_ORDER', rawReason: 'LOT_SIZE' });
  },
  FAILED: (l) => {
    PATHS.UNKNOWN!(l);
    l.add('OrderReconciled', { clientOrderId: C, outcome: 'FAILED', reasonCode: 'FAILED', via: 'NONE', venueOrderId: null, attempt: 1, notFoundStreak: 0 });
  },
};

/** One probe event per kind. A fill is 2 of the order's 10 (a partial fill unless it completes). */
function probe(l: Log, kind: OrderEventKind, attempts: number): AnyStoredEvent {
  switch (kind) {
    case 'OrderSubmitRequested':
      return l.add('OrderSubmitRequested', submit(C, { attempt: attempts + 1 }));
    case 'OrderAccepted':
      return l.add('OrderAccepted', { clientOrderId: C, venueOrderId: 'v-1' });
    case 'OrderRejected':
      return l.add('OrderRejected', { clientOrderId: C, reasonCode: 'VENUE_INVALID_ORDER', rawReason: 'x' });
    case 'OrderOutcomeUnknown':
      return l.add('OrderOutcomeUnknown', { clientOrderId: C, attempt: Math.max(1, attempts), cause: 'NETWORK', detail: 'reset' });
    case 'OrderSubmitThrottled':
      return l.add('OrderSubmitThrottled', { clientOrderId: C, attempt: Math.max(1, attempts), retryAfterMs: 100, rawReason: '429' });
    case 'OrderFilled':
      return l.add('OrderFilled', fill(C, 'f-probe', { qty: '2' }));
    case 'OrderCanceled':
      return l.add('OrderCanceled', { clientOrderId: C, reason: 'user' });
    case 'OrderReconciled:COMMITTED':
    case 'OrderReconciled:FAILED':
    case 'OrderReconciled:STILL_UNKNOWN': {
      const outcome = kind.split(':')[1] as 'COMMITTED' | 'FAILED' | 'STILL_UNKNOWN';
      return l.add('OrderReconciled', { clientOrderId: C, outcome, reasonCode: outcome, via: 'CLIENT_ORDER_ID', venueOrderId: null, attempt: 2, notFoundStreak: 0 });
    }
    case 'UnknownOrderEscalated':
      return l.add('UnknownOrderEscalated', { clientOrderId: C, attempts: 3, ageMs: 1000, reasonCode: 'ESCALATED' });
  }
}

// The lifecycle as the issue describes it, written out independently of src/: row = status before,
// columns in ORDER_EVENT_KINDS order, '-' = illegal (IllegalOrderTransitionError).
const KIND_COLUMNS = ['Submit', 'Accepted', 'Rejected', 'Unknown', 'Throttled', 'Fill(2/10)', 'Canceled', 'Rec:COMMITTED', 'Rec:FAILED', 'Rec:STILL_UNKNOWN', 'Escalated'];
const EXPECTED: Record<string, string[]> = {
  NONE:             ['REQUESTED', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-'],
  REQUESTED:        ['REQUESTED', 'ACCEPTED', 'REJECTED', 'UNKNOWN', 'THROTTLED', 'PARTIALLY_FILLED', 'CANCELED', 'COMMITTED', 'FAILED', 'UNKNOWN', 'ESCALATED'],
  THROTTLED:        ['REQUESTED', '-', 'REJECTED', '-', '-', '-', '-', 'COMMITTED', 'FAILED', 'UNKNOWN', 'ESCALATED'],
  UNKNOWN:          ['REQUESTED', 'ACCEPTED', 'REJECTED', 'UNKNOWN', '-', 'PARTIALLY_FILLED', 'CANCELED', 'COMMITTED', 'FAILED', 'UNKNOWN', 'ESCALATED'],
  ESCALATED:        ['-', 'ACCEPTED', 'REJECTED', '-', '-', 'PARTIALLY_FILLED', 'CANCELED', 'COMMITTED', 'FAILED', 'ESCALATED', 'ESCALATED'],
  ACCEPTED:         ['-', '-', '-', '-', '-', 'PARTIALLY_FILLED', 'CANCELED', 'ACCEPTED', '-', '-', '-'],
  COMMITTED:        ['-', 'ACCEPTED', '-', '-', '-', 'PARTIALLY_FILLED', 'CANCELED', 'COMMITTED', '-', '-', '-'],
  PARTIALLY_FILLED: ['-', 'PARTIALLY_FILLED', '-', '-', '-', 'PARTIALLY_FILLED', 'CANCELED', 'PARTIALLY_FILLED', '-', '-', '-'],
  FILLED:           ['-', 'FILLED', '-', '-', '-', '-', '-', 'FILLED', '-', '-', '-'],
  CANCELED:         ['-', '-', '-', '-', '-', 'CANCELED', '-', 'CANCELED', '-', '-', '-'],
  REJECTED:         ['-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-'],
  FAILED:           ['-', 'ACCEPTED', '-', '-', '-', 'PARTIALLY_FILLED', '-', 'COMMITTED', '-', '-', '-'],
};

function foldAll(events: AnyStoredEvent[]): OrdersState {
  let s = initialOrdersState();
  for (const e of events) s = evolveOrders(s, e);
  return s;
}

describe('order transition table', () => {
  it('covers every status and every event kind', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(['NONE', ...ORDER_STATUSES].sort());
    expect(KIND_COLUMNS).toHaveLength(ORDER_EVENT_KINDS.length);
  });

  for (const [from, row] of Object.entries(EXPECTED)) {
    ORDER_EVENT_KINDS.forEach((kind, i) => {
      const expected = row[i]!;
      it(`${from} x ${KIND_COLUMNS[i]} -> ${expected === '-' ? 'IllegalOrderTransitionError' : expected}`, () => {
        const log = new EventLog();
        PATHS[from]!(log);
        let state = foldAll(log.events);
        expect(findOrder(state, 'run-1', C)?.status ?? 'NONE').toBe(from);
        const attempts = findOrder(state, 'run-1', C)?.attempts ?? 0;
        const e = probe(log, kind, attempts);
        if (expected === '-') {
          const before = fingerprint(state);
          let caught: unknown;
          try {
            evolveOrders(state, e);
          } catch (err) {
            caught = err;
          }
          expect(caught).toBeInstanceOf(IllegalOrderTransitionError);
          const err = caught as IllegalOrderTransitionError;
          expect([err.clientOrderId, err.from, err.event, err.globalPosition]).toEqual([C, from, kind, e.globalPosition]);
          expect(fingerprint(state)).toBe(before); // nothing changed
        } else {
          state = evolveOrders(state, e);
          const o = findOrder(state, 'run-1', C)!;
          expect(o.status).toBe(expected);
          expect(o.terminal).toBe(isTerminal(o.status));
        }
      });
    });
  }
});

describe('orders projection', () => {
  it('accepts a fill after a cancel (venues do that) and stays CANCELED until the order is complete', () => {
    const log = new EventLog();
    PATHS.CANCELED!(log);
    log.add('OrderFilled', fill(C, 'late-1', { qty: '4', price: '100' }));
    let s = foldAll(log.events);
    let o = findOrder(s, 'run-1', C)!;
    expect([o.status, o.filledQty.toFixed(), o.terminal]).toEqual(['CANCELED', '4', true]);
    s = evolveOrders(s, log.add('OrderFilled', fill(C, 'late-2', { qty: '6', price: '110' })));
    o = findOrder(s, 'run-1', C)!;
    expect([o.status, o.filledQty.toFixed(), o.avgFillPrice!.toFixed()]).toEqual(['FILLED', '10', '106']);
  });

  it('ignores a repeated fill id, whatever the status, and counts it', () => {
    const log = new EventLog();
    PATHS.ACCEPTED!(log);
    log.add('OrderFilled', fill(C, 'f-1', { qty: '4', fee: '0.5' }));
    log.add('OrderFilled', fill(C, 'f-1', { qty: '4', fee: '0.5' }));
    log.add('OrderFilled', fill(C, 'f-2', { qty: '6', fee: '0.25' }));
    log.add('OrderFilled', fill(C, 'f-2', { qty: '6', fee: '0.25' })); // on FILLED: still just a duplicate
    const s = foldAll(log.events);
    const o = findOrder(s, 'run-1', C)!;
    expect([o.status, o.filledQty.toFixed(), o.fees.toFixed(), o.fills]).toEqual(['FILLED', '10', '0.75', 2]);
    expect(s.runs.get('run-1')!.duplicateFills).toBe(2);
  });

  it('refuses an overfill, and a fill on the wrong side', () => {
    const log = new EventLog();
    PATHS.PARTIALLY_FILLED!(log);
    const s = foldAll(log.events);
    expect(() => evolveOrders(s, log.add('OrderFilled', fill(C, 'f-big', { qty: '9.5' })))).toThrow(/overfills/);
    expect(() => evolveOrders(s, log.add('OrderFilled', fill(C, 'f-side', { qty: '1', side: 'SELL' })))).toThrow(IllegalOrderTransitionError);
    expect(findOrder(s, 'run-1', C)!.filledQty.toFixed()).toBe('1');
  });

  it('takes a retry only as attempt + 1 of the same order', () => {
    const log = new EventLog();
    PATHS.UNKNOWN!(log);
    const s = foldAll(log.events);
    expect(() => evolveOrders(s, log.add('OrderSubmitRequested', submit(C, { attempt: 3 })))).toThrow(/does not follow attempt 1/);
    expect(() => evolveOrders(s, log.add('OrderSubmitRequested', submit(C, { attempt: 2, qty: '11' })))).toThrow(/same order/);
    evolveOrders(s, log.add('OrderSubmitRequested', submit(C, { attempt: 2 })));
    expect(findOrder(s, 'run-1', C)).toMatchObject({ status: 'REQUESTED', attempts: 2 });
  });

  it('keeps runs apart: the same client order id in two runs is two orders', () => {
    const log = new EventLog();
    log.add('OrderSubmitRequested', submit(C), 'run-a');
    log.add('OrderSubmitRequested', submit(C), 'run-b');
    log.add('OrderAccepted', { clientOrderId: C, venueOrderId: 'v' }, 'run-b');
    const s = foldAll(log.events);
    expect(findOrder(s, 'run-a', C)!.status).toBe('REQUESTED');
    expect(findOrder(s, 'run-b', C)!.status).toBe('ACCEPTED');
  });

  it('lists non-terminal orders oldest first, per run or all, as copies', () => {
    const log = new EventLog();
    log.add('OrderSubmitRequested', submit('a'), 'r1');
    log.add('OrderSubmitRequested', submit('b'), 'r2');
    log.add('OrderSubmitRequested', submit('c'), 'r1');
    log.add('OrderOutcomeUnknown', { clientOrderId: 'a', attempt: 1, cause: 'TIMEOUT', detail: '' }, 'r1');
    log.add('OrderRejected', { clientOrderId: 'c', reasonCode: 'VENUE_INVALID_ORDER', rawReason: '' }, 'r1');
    log.add('UnknownOrderEscalated', { clientOrderId: 'a', attempts: 3, ageMs: 10, reasonCode: 'ESCALATED' }, 'r1');
    const s = foldAll(log.events);
    expect(nonTerminalOrders(s).map((o) => [o.runId, o.clientOrderId, o.status, o.escalated])).toEqual([
      ['r1', 'a', 'ESCALATED', true],
      ['r2', 'b', 'REQUESTED', false],
    ]);
    expect(nonTerminalOrders(s, 'r1').map((o) => o.clientOrderId)).toEqual(['a']);
    nonTerminalOrders(s)[0]!.status = 'FILLED';
    expect(findOrder(s, 'r1', 'a')!.status).toBe('ESCALATED');
  });

  it('creates no order for OrderDenied, and counts denials by reason code', () => {
    const log = new EventLog();
    const denied = (code: string) => ({ intentId: 'i', clientOrderId: null, reasonCode: code, layer: 'RISK' as const, context: {} });
    log.add('OrderDenied', denied('POSITION_CAP'));
    log.add('OrderDenied', denied('POSITION_CAP'));
    log.add('OrderDenied', denied('CASH_RESERVE'));
    const s = foldAll(log.events);
    expect(s.runs.get('run-1')!.orders.size).toBe(0);
    expect(Object.fromEntries(s.runs.get('run-1')!.denials)).toEqual({ POSITION_CAP: 2, CASH_RESERVE: 1 });
  });
});
