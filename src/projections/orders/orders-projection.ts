import { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../../events/event-factory.js';
import { IllegalOrderTransitionError } from '../errors.js';
import { fillAmounts } from '../fill-amounts.js';
import { NO_ORDER, type OrderStatus, isTerminal } from './order-status.js';
import { type OrderEventKind, transitionTarget } from './transition-table.js';

/**
 * The orders projection: every order of every run, keyed by run id then client order id, moved through
 * the lifecycle of ./transition-table.ts.
 *
 * OrderDenied creates no order: a denial means nothing was sent, so there is nothing to reconcile. Denials
 * are counted per run and reason code instead (`denials`).
 *
 * Fills are deduplicated per run by fill id: a repeated fill id is counted in `duplicateFills` and
 * otherwise ignored, whatever status the order is in.
 */

export type Side = 'BUY' | 'SELL';

export interface OrderRecord {
  runId: string;
  clientOrderId: string;
  intentId: string;
  symbol: string;
  side: Side;
  orderType: 'MARKET' | 'LIMIT';
  qty: Decimal;
  limitPrice: Decimal | null;
  status: OrderStatus;
  terminal: boolean;
  /** Set once UnknownOrderEscalated was recorded; stays set after the order is resolved. */
  escalated: boolean;
  /** Highest submit attempt recorded (1 for the first try). */
  attempts: number;
  /** Highest reconciliation attempt recorded (0 if never reconciled). */
  reconcileAttempts: number;
  venueOrderId: string | null;
  filledQty: Decimal;
  /** Sum of fill qty x price; avgFillPrice = filledNotional / filledQty. */
  filledNotional: Decimal;
  avgFillPrice: Decimal | null;
  /** Sum of fill fees, in feeAsset. */
  fees: Decimal;
  feeAsset: string | null;
  fills: number;
  /** The last reason code an event gave this order (rejection, reconciliation, escalation). */
  reasonCode: string | null;
  /** The venue's own words on a rejection, or the cancel reason. */
  rawReason: string | null;
  requestedAt: string;
  updatedAt: string;
  firstPosition: number;
  lastPosition: number;
}

export interface RunOrders {
  orders: Map<string, OrderRecord>;
  seenFillIds: Set<string>;
  duplicateFills: number;
  /** Reason code -> number of OrderDenied events. */
  denials: Map<string, number>;
}

export interface OrdersState {
  runs: Map<string, RunOrders>;
}

export function initialOrdersState(): OrdersState {
  return { runs: new Map() };
}

const ZERO = new Decimal(0);

export function newRunOrders(): RunOrders {
  return { orders: new Map(), seenFillIds: new Set(), duplicateFills: 0, denials: new Map() };
}

function runOf(state: OrdersState, runId: string): RunOrders {
  let run = state.runs.get(runId);
  if (!run) {
    run = newRunOrders();
    state.runs.set(runId, run);
  }
  return run;
}

/**
 * Fold one event. The state passed in is owned by the fold and updated in place; use the returned value.
 * The event is checked completely before anything changes, so an IllegalOrderTransitionError leaves the
 * state as it was.
 */
export function evolveOrders(state: OrdersState, e: AnyStoredEvent): OrdersState {
  switch (e.type) {
    case 'OrderSubmitRequested':
      onSubmitRequested(state, e);
      return state;
    case 'OrderDenied': {
      const run = runOf(state, e.metadata.runId);
      run.denials.set(e.data.reasonCode, (run.denials.get(e.data.reasonCode) ?? 0) + 1);
      return state;
    }
    case 'OrderAccepted': {
      const o = step(state, e, e.data.clientOrderId, 'OrderAccepted');
      o.venueOrderId = e.data.venueOrderId;
      return state;
    }
    case 'OrderRejected': {
      const o = step(state, e, e.data.clientOrderId, 'OrderRejected');
      o.reasonCode = e.data.reasonCode;
      o.rawReason = e.data.rawReason;
      return state;
    }
    case 'OrderOutcomeUnknown':
      step(state, e, e.data.clientOrderId, 'OrderOutcomeUnknown');
      return state;
    case 'OrderSubmitThrottled': {
      const o = step(state, e, e.data.clientOrderId, 'OrderSubmitThrottled');
      o.rawReason = e.data.rawReason;
      return state;
    }
    case 'OrderCanceled': {
      const o = step(state, e, e.data.clientOrderId, 'OrderCanceled');
      o.rawReason = e.data.reason;
      return state;
    }
    case 'OrderReconciled': {
      const kind = `OrderReconciled:${e.data.outcome}` as const;
      const o = step(state, e, e.data.clientOrderId, kind);
      o.reasonCode = e.data.reasonCode;
      o.reconcileAttempts = Math.max(o.reconcileAttempts, e.data.attempt);
      if (e.data.venueOrderId !== null) o.venueOrderId = e.data.venueOrderId;
      return state;
    }
    case 'UnknownOrderEscalated': {
      const o = step(state, e, e.data.clientOrderId, 'UnknownOrderEscalated');
      o.escalated = true;
      o.reasonCode = e.data.reasonCode;
      return state;
    }
    case 'OrderFilled':
      onFilled(state, e);
      return state;
    default:
      return state;
  }
}

function illegal(e: AnyStoredEvent, clientOrderId: string, from: string, kind: OrderEventKind, detail?: string): never {
  throw new IllegalOrderTransitionError(e.metadata.runId, clientOrderId, from, kind, e.globalPosition, detail ?? null);
}

/** Apply a transition whose target is a plain status; returns the (mutated) order for the caller's details. */
function step(state: OrdersState, e: AnyStoredEvent, clientOrderId: string, kind: OrderEventKind): OrderRecord {
  const order = state.runs.get(e.metadata.runId)?.orders.get(clientOrderId);
  const from = order?.status ?? NO_ORDER;
  const target = transitionTarget(from, kind);
  if (!order || target === null || target === 'FILL' || target === 'LATE_FILL') return illegal(e, clientOrderId, from, kind);
  setStatus(order, target, e);
  return order;
}

function setStatus(order: OrderRecord, status: OrderStatus, e: AnyStoredEvent): void {
  order.status = status;
  order.terminal = isTerminal(status);
  order.updatedAt = e.metadata.at;
  order.lastPosition = e.globalPosition;
}

function onSubmitRequested(state: OrdersState, e: Extract<AnyStoredEvent, { type: 'OrderSubmitRequested' }>): void {
  const d = e.data;
  const run = runOf(state, e.metadata.runId);
  const existing = run.orders.get(d.clientOrderId);
  const from = existing?.status ?? NO_ORDER;
  const target = transitionTarget(from, 'OrderSubmitRequested');
  if (target === null) illegal(e, d.clientOrderId, from, 'OrderSubmitRequested');
  const qty = new Decimal(d.qty);
  const limitPrice = d.limitPrice === null ? null : new Decimal(d.limitPrice);
  if (existing) {
    if (d.attempt !== existing.attempts + 1) {
      illegal(e, d.clientOrderId, from, 'OrderSubmitRequested', `retry attempt ${d.attempt} does not follow attempt ${existing.attempts}`);
    }
    const differs =
      d.intentId !== existing.intentId ||
      d.symbol !== existing.symbol ||
      d.side !== existing.side ||
      d.orderType !== existing.orderType ||
      !qty.eq(existing.qty) ||
      (limitPrice === null) !== (existing.limitPrice === null) ||
      (limitPrice !== null && existing.limitPrice !== null && !limitPrice.eq(existing.limitPrice));
    if (differs) illegal(e, d.clientOrderId, from, 'OrderSubmitRequested', 'a retry must repeat the same order (intent, symbol, side, type, qty, limit)');
    existing.attempts = d.attempt;
    setStatus(existing, 'REQUESTED', e);
    return;
  }
  run.orders.set(d.clientOrderId, {
    runId: e.metadata.runId,
    clientOrderId: d.clientOrderId,
    intentId: d.intentId,
    symbol: d.symbol,
    side: d.side,
    orderType: d.orderType,
    qty,
    limitPrice,
    status: 'REQUESTED',
    terminal: false,
    escalated: false,
    attempts: d.attempt,
    reconcileAttempts: 0,
    venueOrderId: null,
    filledQty: ZERO,
    filledNotional: ZERO,
    avgFillPrice: null,
    fees: ZERO,
    feeAsset: null,
    fills: 0,
    reasonCode: null,
    rawReason: null,
    requestedAt: e.metadata.at,
    updatedAt: e.metadata.at,
    firstPosition: e.globalPosition,
    lastPosition: e.globalPosition,
  });
}

function onFilled(state: OrdersState, e: Extract<AnyStoredEvent, { type: 'OrderFilled' }>): void {
  const d = e.data;
  const run = state.runs.get(e.metadata.runId);
  if (run?.seenFillIds.has(d.fillId)) {
    run.duplicateFills++;
    return;
  }
  const order = run?.orders.get(d.clientOrderId);
  const from = order?.status ?? NO_ORDER;
  const target = transitionTarget(from, 'OrderFilled');
  if (!run || !order || target === null) return illegal(e, d.clientOrderId, from, 'OrderFilled');
  if (d.symbol !== order.symbol || d.side !== order.side) {
    illegal(e, d.clientOrderId, from, 'OrderFilled', `fill ${d.fillId} is ${d.side} ${d.symbol}, the order is ${order.side} ${order.symbol}`);
  }
  const { qty, price, fee } = fillAmounts(d);
  const filledQty = order.filledQty.plus(qty);
  if (filledQty.gt(order.qty)) {
    illegal(e, d.clientOrderId, from, 'OrderFilled', `fill ${d.fillId} of ${d.qty} overfills the order (${order.filledQty.toFixed()} of ${order.qty.toFixed()} filled)`);
  }
  const complete = filledQty.eq(order.qty);
  const next: OrderStatus = complete ? 'FILLED' : target === 'LATE_FILL' ? 'CANCELED' : target === 'FILL' ? 'PARTIALLY_FILLED' : target;
  run.seenFillIds.add(d.fillId);
  order.filledQty = filledQty;
  order.filledNotional = order.filledNotional.plus(qty.times(price));
  order.avgFillPrice = order.filledNotional.div(filledQty);
  order.fees = order.fees.plus(fee);
  order.feeAsset ??= d.feeAsset;
  order.fills++;
  if (d.venueOrderId !== null) order.venueOrderId ??= d.venueOrderId;
  setStatus(order, next, e);
}

/** Orders that still need the reconciler or the venue (not terminal), oldest first; copies, not live state. */
export function nonTerminalOrders(state: OrdersState, runId?: string): OrderRecord[] {
  const out: OrderRecord[] = [];
  const runs = runId === undefined ? [...state.runs.values()] : [state.runs.get(runId)].filter((r) => r !== undefined);
  for (const run of runs) for (const o of run.orders.values()) if (!o.terminal) out.push({ ...o });
  return out.sort((a, b) => a.firstPosition - b.firstPosition);
}

/** One order (a copy), or null. */
export function findOrder(state: OrdersState, runId: string, clientOrderId: string): OrderRecord | null {
  const o = state.runs.get(runId)?.orders.get(clientOrderId);
  return o ? { ...o } : null;
}

/** Number of orders per status for a run. */
export function orderStatusCounts(state: OrdersState, runId: string): Partial<Record<OrderStatus, number>> {
  const counts: Partial<Record<OrderStatus, number>> = {};
  for (const o of state.runs.get(runId)?.orders.values() ?? []) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
