import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderLookup, VenueOrderView } from '../../src/engine/ports.js';
import { type ReconcilePolicy, type UnknownOrderFacts, type VenueEvidence, decideReconciliation } from '../../src/engine/reconciliation/decide.js';

const policy: ReconcilePolicy = { visibilityWindowMs: 1000, notFoundConfirmations: 2, maxAttempts: 5, maxAgeMs: 10_000 };
const order: UnknownOrderFacts = { clientOrderId: 'c1', unknownSince: 0, attempts: 0, notFoundStreak: 0, escalated: false };
const view = (clientOrderId: string): VenueOrderView => ({
  clientOrderId, venueOrderId: `v-${clientOrderId}`, symbol: 'X', side: 'BUY', qty: new Decimal(1), filledQty: new Decimal(0), status: 'OPEN',
});
const notFound: VenueEvidence = { byClientOrderId: { kind: 'not_found' }, openOrders: [], fills: [] };

describe('decideReconciliation', () => {
  it('any sighting commits, checked by id, then open orders, then fills', () => {
    expect(decideReconciliation(order, { ...notFound, byClientOrderId: { kind: 'found', order: view('c1') } }, 0, policy)).toMatchObject({ outcome: 'COMMITTED', via: 'CLIENT_ORDER_ID' });
    expect(decideReconciliation(order, { ...notFound, openOrders: [view('other'), view('c1')] }, 0, policy)).toMatchObject({ outcome: 'COMMITTED', via: 'OPEN_ORDERS', venueOrderId: 'v-c1' });
    const fill = { fillId: 'f', clientOrderId: 'c1', venueOrderId: 'v9', symbol: 'X', side: 'BUY' as const, qty: new Decimal(1), price: new Decimal(1), fee: new Decimal(0), feeAsset: 'Q', liquidity: 'TAKER' as const, time: 0 };
    expect(decideReconciliation(order, { ...notFound, fills: [fill] }, 0, policy)).toMatchObject({ outcome: 'COMMITTED', via: 'FILLS', venueOrderId: 'v9' });
  });

  it('a lost ack: early not-founds are not believed, a later sighting commits', () => {
    let facts = order;
    const first = decideReconciliation(facts, notFound, 100, policy);
    expect(first.outcome).toBe('STILL_UNKNOWN');
    facts = { ...facts, attempts: 1, notFoundStreak: first.outcome === 'STILL_UNKNOWN' ? first.notFoundStreak : 0 };
    const second = decideReconciliation(facts, notFound, 500, policy); // streak met, but inside the window
    expect(second.outcome).toBe('STILL_UNKNOWN');
    expect(decideReconciliation(facts, { ...notFound, byClientOrderId: { kind: 'found', order: view('c1') } }, 600, policy).outcome).toBe('COMMITTED');
  });

  it('concludes FAILED only after enough clean not-founds past the window', () => {
    const facts = { ...order, attempts: 1, notFoundStreak: 1 };
    expect(decideReconciliation(facts, notFound, 1000, policy).outcome).toBe('FAILED');
    const failedQuery: VenueEvidence = { byClientOrderId: { kind: 'unknown', detail: 'timeout' }, openOrders: null, fills: null };
    const v = decideReconciliation(facts, failedQuery, 1000, policy);
    expect(v).toMatchObject({ outcome: 'STILL_UNKNOWN', notFoundStreak: 0 });
  });

  it('escalates once, at the attempt or age bound', () => {
    const failing: VenueEvidence = { byClientOrderId: { kind: 'unknown', detail: 'timeout' }, openOrders: null, fills: null };
    expect(decideReconciliation({ ...order, attempts: 3 }, failing, 10, policy)).toMatchObject({ escalate: false });
    expect(decideReconciliation({ ...order, attempts: 4 }, failing, 10, policy)).toMatchObject({ escalate: true });
    expect(decideReconciliation(order, failing, 10_000, policy)).toMatchObject({ escalate: true });
    expect(decideReconciliation({ ...order, attempts: 9, escalated: true }, failing, 99_999, policy)).toMatchObject({ escalate: false });
  });

  it('never concludes FAILED while any source could not answer or the order was seen', () => {
    const lookup = fc.constantFrom<OrderLookup>({ kind: 'not_found' }, { kind: 'unknown', detail: 'x' }, { kind: 'found', order: view('c1') });
    fc.assert(
      fc.property(lookup, fc.boolean(), fc.boolean(), fc.nat(20), fc.nat(50_000), (byId, openOk, fillsOk, streak, now) => {
        const ev: VenueEvidence = { byClientOrderId: byId, openOrders: openOk ? [] : null, fills: fillsOk ? [] : null };
        const v = decideReconciliation({ ...order, notFoundStreak: streak }, ev, now, policy);
        if (v.outcome === 'FAILED') {
          expect(byId.kind).toBe('not_found');
          expect(openOk && fillsOk).toBe(true);
          expect(now).toBeGreaterThanOrEqual(policy.visibilityWindowMs);
        }
        if (byId.kind === 'found') expect(v.outcome).toBe('COMMITTED');
      }),
    );
  });
});
