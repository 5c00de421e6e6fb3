import type { OrderRecord } from '../../projections/orders/orders-projection.js';
import type { CycleEmitter } from '../cycle/emitter.js';
import type { CycleReconciler } from '../cycle/cycle.js';
import type { CycleState } from '../cycle/state.js';
import type { OrderLookup, Venue, VenueOrderView } from '../ports.js';
import { type ReconcilePolicy, type UnknownOrderFacts, DEFAULT_RECONCILE_POLICY, decideReconciliation } from './decide.js';

/** Statuses whose venue outcome we do not know: the reconciler asks the venue about them. */
const UNRESOLVED = new Set(['REQUESTED', 'UNKNOWN', 'THROTTLED', 'ESCALATED']);
/** Statuses of orders the venue has: the reconciler only watches for a cancel the venue did on its own. */
const AT_VENUE = new Set(['ACCEPTED', 'COMMITTED', 'PARTIALLY_FILLED']);

export interface ReconcilerOptions {
  venue: Venue;
  /** The run's orders that are not terminal, as the orders projection currently folds them. */
  orders: () => OrderRecord[];
  /** One order of the run, terminal or not (null when the log has none). */
  order: (clientOrderId: string) => OrderRecord | null;
  policy?: ReconcilePolicy;
}

interface Pending extends UnknownOrderFacts {
  /** After escalation only a resolution is recorded (no STILL_UNKNOWN every cycle). */
  quiet: boolean;
}

/**
 * The reconciler runner (DESIGN.md "Orders whose outcome is unknown"). Each pass, for every order of
 * the run whose outcome is not known (REQUESTED after a crash, UNKNOWN, THROTTLED, ESCALATED) it asks
 * the venue by client order id, then among open orders (one query per pass), and judges with
 * decideReconciliation(): OrderReconciled COMMITTED / FAILED / STILL_UNKNOWN, and UnknownOrderEscalated
 * when decide() says so. Escalated orders that are still unresolved are counted into
 * RiskState.unresolvedUnknownOrders, which holds the risk mode at OBSERVE until they resolve.
 *
 * Fills are the third source: a fill recorded for an unknown order moves it to PARTIALLY_FILLED or
 * FILLED in the projection; the next pass records that it was COMMITTED via FILLS.
 * Orders the venue has (ACCEPTED, COMMITTED, PARTIALLY_FILLED) are checked too: when the venue ended
 * one by itself (e.g. canceled for want of balance) with every fill already recorded, OrderCanceled is
 * recorded so the order reaches a terminal state.
 */
export class Reconciler implements CycleReconciler {
  private readonly pending = new Map<string, Pending>();
  private readonly policy: ReconcilePolicy;

  constructor(private readonly options: ReconcilerOptions) {
    this.policy = options.policy ?? DEFAULT_RECONCILE_POLICY;
  }

  /**
   * Start tracking the unresolved orders among these (a restarted engine, before it takes in the fills
   * the venue reports again): an order whose outcome a fill then proves is recorded COMMITTED via FILLS.
   */
  adopt(orders: readonly OrderRecord[]): void {
    for (const o of orders) if (UNRESOLVED.has(o.status)) this.factsFor(o);
  }

  /** Escalated orders not yet resolved. */
  unresolvedEscalations(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.escalated) n++;
    return n;
  }

  async reconcile(emitter: CycleEmitter, state: CycleState, now: number, causationId: string | null): Promise<CycleState> {
    const orders = this.options.orders();
    this.resolveByFills(emitter, causationId);
    let openOrders: VenueOrderView[] | null | undefined;
    const open = async (): Promise<VenueOrderView[] | null> => {
      if (openOrders === undefined) {
        try {
          openOrders = await this.options.venue.openOrders();
        } catch {
          openOrders = null;
        }
      }
      return openOrders;
    };

    for (const order of orders) {
      if (AT_VENUE.has(order.status)) {
        if (await this.watchVenueCancel(emitter, order, causationId)) state.liveOrders.delete(order.clientOrderId);
        continue;
      }
      if (!UNRESOLVED.has(order.status)) continue;
      const facts = this.factsFor(order);
      const byId = await this.lookup(order.clientOrderId);
      const evidence = { byClientOrderId: byId, openOrders: byId.kind === 'found' ? [] : await open(), fills: [] };
      const verdict = decideReconciliation(facts, evidence, now, this.policy);
      facts.attempts = verdict.attempt;
      if (verdict.outcome === 'STILL_UNKNOWN') {
        facts.notFoundStreak = verdict.notFoundStreak;
        if (!facts.quiet) {
          emitter.emit('OrderReconciled', reconciled(order.clientOrderId, 'STILL_UNKNOWN', 'NONE', null, verdict.attempt), causationId);
        }
        if (verdict.escalate) {
          const ageMs = Math.max(0, Math.round(now - facts.unknownSince));
          emitter.emit('UnknownOrderEscalated', { clientOrderId: order.clientOrderId, attempts: verdict.attempt, ageMs, reasonCode: 'ESCALATED' }, causationId);
          facts.escalated = true;
          facts.quiet = true;
        }
        continue;
      }
      this.pending.delete(order.clientOrderId);
      if (verdict.outcome === 'FAILED') {
        emitter.emit('OrderReconciled', reconciled(order.clientOrderId, 'FAILED', 'NONE', null, verdict.attempt), causationId);
        state.liveOrders.delete(order.clientOrderId);
        continue;
      }
      emitter.emit('OrderReconciled', reconciled(order.clientOrderId, 'COMMITTED', verdict.via, verdict.venueOrderId, verdict.attempt), causationId);
      const seen = byId.kind === 'found' ? byId.order : evidence.openOrders?.find((o) => o.clientOrderId === order.clientOrderId);
      if (seen && endedWithoutMissingFills(seen, order)) {
        emitter.emit('OrderCanceled', { clientOrderId: order.clientOrderId, reason: `venue reports ${seen.status}` }, causationId);
        state.liveOrders.delete(order.clientOrderId);
      }
    }
    const unresolved = this.unresolvedEscalations();
    if (unresolved === state.risk.unresolvedUnknownOrders) return state;
    return { ...state, risk: { ...state.risk, unresolvedUnknownOrders: unresolved } };
  }

  /** Unknown orders the log has since seen filled: COMMITTED via FILLS. */
  private resolveByFills(emitter: CycleEmitter, causationId: string | null): void {
    for (const [id, facts] of this.pending) {
      const order = this.options.order(id);
      if (order && UNRESOLVED.has(order.status)) continue;
      this.pending.delete(id);
      if (order === null || order.fills === 0) continue; // resolved another way (rejected, canceled)
      emitter.emit('OrderReconciled', reconciled(id, 'COMMITTED', 'FILLS', order.venueOrderId, facts.attempts + 1), causationId);
    }
  }

  private factsFor(order: OrderRecord): Pending {
    let facts = this.pending.get(order.clientOrderId);
    if (!facts) {
      facts = {
        clientOrderId: order.clientOrderId,
        unknownSince: Date.parse(order.requestedAt),
        attempts: order.reconcileAttempts,
        notFoundStreak: 0,
        escalated: order.escalated,
        quiet: order.escalated,
      };
      this.pending.set(order.clientOrderId, facts);
    }
    return facts;
  }

  /** True when the venue ended the order and OrderCanceled was recorded. */
  private async watchVenueCancel(emitter: CycleEmitter, order: OrderRecord, causationId: string | null): Promise<boolean> {
    const found = await this.lookup(order.clientOrderId);
    if (found.kind !== 'found' || !endedWithoutMissingFills(found.order, order)) return false;
    emitter.emit('OrderCanceled', { clientOrderId: order.clientOrderId, reason: `venue reports ${found.order.status}` }, causationId);
    return true;
  }

  private async lookup(clientOrderId: string): Promise<OrderLookup> {
    try {
      return await this.options.venue.queryOrder(clientOrderId);
    } catch (err) {
      return { kind: 'unknown', detail: err instanceof Error ? err.message : String(err) };
    }
  }
}

/** The venue ended the order without filling it completely, and the log already holds every fill it made. */
function endedWithoutMissingFills(v: VenueOrderView, o: OrderRecord): boolean {
  return (v.status === 'CANCELED' || v.status === 'REJECTED') && v.filledQty.eq(o.filledQty);
}

function reconciled(clientOrderId: string, outcome: 'COMMITTED' | 'FAILED' | 'STILL_UNKNOWN', via: 'CLIENT_ORDER_ID' | 'OPEN_ORDERS' | 'FILLS' | 'NONE', venueOrderId: string | null, attempt: number) {
  return { clientOrderId, outcome, reasonCode: outcome, via, venueOrderId, attempt };
}
