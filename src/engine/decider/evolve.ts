import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import type { EventData, EventType } from '../../events/catalog.js';
import type { EventMetadata } from '../../events/envelope.js';
import { instrumentAssets, valueFill } from '../../projections/fill-valuation.js';
import { type OrderEventKind, transitionTarget } from '../../projections/orders/transition-table.js';
import { isTerminal, isUnresolved, type OrderStatus } from '../../projections/orders/order-status.js';
import { FLAT_BOOK, foldFill } from '../../projections/position-book.js';
import { cycleSeqOf } from '../ids.js';
import { parseInterval } from '../interval.js';
import { isReasonCode } from '../reason-codes.js';
import { Decimal } from '../values.js';
import type { Bar } from '../bar.js';
import type { MarketSnapshot } from '../ports.js';
import type { IntentDraft, MarketView } from '../strategy.js';
import { DECODED_AT, DECODED_SNAPSHOT, snapshotOf, type WithDecodedSnapshot } from './bars.js';
import type { DeciderConfig } from './decider-config.js';
import { accountView, equityOf } from './equity.js';
import { changeRunState, type RunOrder, type RunState } from './run-state.js';

/** An event as evolve reads it: what the decider just made, or what the log holds (upcast). */
export type FoldableEvent = { [T in EventType]: { eventId: string; type: T; data: EventData<T>; metadata: EventMetadata } }[EventType];

const ZERO = new Decimal(0);

export function initialRunState(config: Pick<DeciderConfig, 'runId' | 'strategy'>): RunState {
  return {
    runId: config.runId,
    started: false,
    ended: false,
    armed: false,
    quoteAsset: 'QUOTE',
    account: { cash: ZERO, reserve: ZERO, otherFees: {} },
    positions: {},
    marks: {},
    barTimes: {},
    marketTimes: {},
    risk: { mode: 'NORMAL', killSwitch: false, peakEquity: ZERO, day: '', dayStartEquity: ZERO, recentOrderTimes: [], unresolvedUnknownOrders: 0 },
    pendingTransition: null,
    strategyState: config.strategy.initialState(),
    pendingIntents: [],
    orders: ImmutableMap(),
    activeOrderIds: [],
    fillIds: ImmutableSet(),
    lastClosedTrip: null,
    lastCycleSeq: 0,
    resumes: 0,
    primaryBars: 0,
    cycle: null,
  };
}

/**
 * evolve(state, event) -> state: pure, synchronous, never mutates its arguments. The one place a run's
 * state changes; the decider calls it on every event it makes (recorded or not), a resumed process on
 * every event of the log.
 */
export function createEvolve(config: DeciderConfig): (state: RunState, event: FoldableEvent) => RunState {
  // The events of one cycle share its id: its number is read once.
  let lastCycleId: string | null = null;
  let lastSeq: number | null = null;
  return function evolve(state, e) {
    const cycleId = e.metadata.cycleId;
    if (cycleId !== lastCycleId) {
      lastSeq = cycleSeqOf(config.runId, cycleId);
      lastCycleId = cycleId;
    }
    const seq = lastSeq;
    const s = seq !== null && seq > state.lastCycleSeq ? changeRunState(state, { lastCycleSeq: seq }) : state;
    switch (e.type) {
      case 'RunStarted': {
        const cash = new Decimal(e.data.initialCash);
        return changeRunState(s, {
          started: true,
          armed: e.data.armed,
          quoteAsset: e.data.quoteAsset,
          account: { ...s.account, cash },
          risk: { ...s.risk, peakEquity: cash, dayStartEquity: cash },
        });
      }
      case 'RunResumed':
        return changeRunState(s, { ended: false, armed: e.data.armed, resumes: s.resumes + 1, orders: awaitVerdictOfRequested(s) });
      case 'RunEnded':
        return changeRunState(s, { ended: true });
      case 'CycleStarted':
        return changeRunState(s, { risk: { ...s.risk, killSwitch: e.data.killSwitch }, pendingIntents: [], pendingTransition: null });
      case 'MarketSnapshotRecorded': {
        const decoded = e as WithDecodedSnapshot;
        return observeMarket(config, s, decoded[DECODED_SNAPSHOT] ?? snapshotOf(e.data), decoded[DECODED_AT] ?? timeOf(e.metadata.at));
      }
      case 'RiskModeChanged': {
        const reason = isReasonCode(e.data.reasonCode) ? e.data.reasonCode : undefined;
        const modeSince = s.risk.mode === e.data.to ? s.risk.modeSince : Date.parse(e.metadata.at);
        return changeRunState(s, {
          pendingTransition: null,
          risk: { ...s.risk, mode: e.data.to, ...(modeSince !== undefined ? { modeSince } : {}), ...(reason ? { modeReasonCode: reason } : {}) },
        });
      }
      case 'IntentProposed':
        return changeRunState(s, { pendingIntents: s.pendingIntents.slice(1) });
      case 'OrderSubmitRequested':
        return onSubmitRequested(config, s, e.eventId, e.data, Date.parse(e.metadata.at));
      case 'OrderAccepted':
        return updateOrder(s, e.data.clientOrderId, 'OrderAccepted', e.eventId, (o) => ({
          venueOrderId: e.data.venueOrderId,
          awaitingVerdict: o.awaitingVerdict && o.fills > 0,
        }));
      case 'OrderRejected':
        return updateOrder(s, e.data.clientOrderId, 'OrderRejected', e.eventId, () => ({ awaitingVerdict: false }));
      case 'OrderOutcomeUnknown':
        return updateOrder(s, e.data.clientOrderId, 'OrderOutcomeUnknown', e.eventId, () => ({ awaitingVerdict: true }));
      case 'OrderSubmitThrottled':
        return updateOrder(s, e.data.clientOrderId, 'OrderSubmitThrottled', e.eventId, () => ({}));
      case 'OrderCanceled':
        return updateOrder(s, e.data.clientOrderId, 'OrderCanceled', e.eventId, (o) => ({ awaitingVerdict: o.awaitingVerdict && o.fills > 0 }));
      case 'OrderReconciled': {
        const d = e.data;
        return updateOrder(s, d.clientOrderId, `OrderReconciled:${d.outcome}`, e.eventId, (o) => ({
          reconcileAttempts: Math.max(o.reconcileAttempts, d.attempt),
          notFoundStreak: d.notFoundStreak,
          awaitingVerdict: d.outcome === 'STILL_UNKNOWN',
          ...(d.venueOrderId !== null ? { venueOrderId: d.venueOrderId } : {}),
        }));
      }
      case 'UnknownOrderEscalated':
        return updateOrder(s, e.data.clientOrderId, 'UnknownOrderEscalated', e.eventId, () => ({ escalated: true, awaitingVerdict: true }));
      case 'OrderFilled':
        return onFilled(config, s, e.eventId, e.data, Date.parse(e.metadata.at));
      case 'ReserveAllocated': {
        const amount = new Decimal(e.data.amount);
        return changeRunState(s, { lastClosedTrip: null, account: { ...s.account, cash: s.account.cash.minus(amount), reserve: s.account.reserve.plus(amount) } });
      }
      default:
        return s;
    }
  };
}

/** The market moved: marks, then the risk state observes the equity, then the strategy sees the bar. */
function observeMarket(config: DeciderConfig, s: RunState, snapshot: MarketSnapshot, at: number): RunState {
  const intervalMs = intervalMsOf(snapshot.interval);
  const marks = { ...s.marks };
  const barTimes = { ...s.barTimes };
  const marketTimes = { ...s.marketTimes };
  const bars: Record<string, Bar> = {};
  let time = Infinity;
  for (const { symbol, bar } of snapshot.bars) {
    marks[symbol] = bar.close;
    barTimes[symbol] = bar.time;
    marketTimes[symbol] = bar.time + intervalMs;
    bars[symbol] = bar;
    time = Math.min(time, bar.time);
  }
  const primary = bars[config.primarySymbol];
  const primaryBars = s.primaryBars + (primary ? 1 : 0);
  // What equity and the account view read of the marked state (the state itself is copied once, below).
  const marked = { account: s.account, positions: s.positions, marks };
  const equity = equityOf(marked);
  const observed = config.policy.observe(s.risk, equity, at);
  const market: MarketView = { time, instruments: instrumentsOf(config), symbol: config.primarySymbol, bar: primary, bars };
  const step = config.strategy.onBar(s.strategyState as never, market, accountView(marked, config.primarySymbol, equity));
  // Before its warm-up is over, what the strategy proposes is not acted on (its indicators are still filling).
  const warm = primaryBars > (config.strategy.warmupBars ?? 0);
  return changeRunState(s, {
    marks,
    barTimes,
    marketTimes,
    primaryBars,
    risk: observed.state,
    pendingTransition: observed.transition,
    strategyState: step.state,
    pendingIntents: warm ? step.intents : NO_INTENTS,
  });
}

const NO_INTENTS: readonly IntentDraft[] = Object.freeze([]);

let lastAt: string | null = null;
let lastAtMs = 0;

/** Date.parse of an event time, once per cycle (a cycle's events share it). */
function timeOf(at: string): number {
  if (at !== lastAt) {
    lastAtMs = Date.parse(at);
    lastAt = at;
  }
  return lastAtMs;
}

let lastInterval: string | null = null;
let lastIntervalMs = 0;

function intervalMsOf(interval: string | null): number {
  if (interval === null) return 0;
  if (interval !== lastInterval) {
    lastIntervalMs = parseInterval(interval) ?? 0;
    lastInterval = interval;
  }
  return lastIntervalMs;
}

const instrumentLists = new WeakMap<DeciderConfig, readonly string[]>();

/** The run's instruments, the first one first. */
function instrumentsOf(config: DeciderConfig): readonly string[] {
  let list = instrumentLists.get(config);
  if (!list) {
    list = Object.freeze([config.primarySymbol, ...Object.keys(config.instruments).filter((x) => x !== config.primarySymbol).sort()]);
    instrumentLists.set(config, list);
  }
  return list;
}

function onSubmitRequested(config: DeciderConfig, s: RunState, eventId: string, d: EventData<'OrderSubmitRequested'>, at: number): RunState {
  const existing = s.orders.get(d.clientOrderId);
  if (existing) {
    return updateOrder(s, d.clientOrderId, 'OrderSubmitRequested', eventId, () => ({ attempts: Math.max(existing.attempts, d.attempt) }));
  }
  const order: RunOrder = {
    clientOrderId: d.clientOrderId,
    intentId: d.intentId,
    symbol: d.symbol,
    side: d.side,
    orderType: d.orderType,
    qty: new Decimal(d.qty),
    limitPrice: d.limitPrice === null ? null : new Decimal(d.limitPrice),
    status: 'REQUESTED',
    venueOrderId: null,
    filledQty: ZERO,
    fills: 0,
    requestEventId: eventId,
    lastEventId: eventId,
    requestedAt: at,
    attempts: d.attempt,
    reconcileAttempts: 0,
    notFoundStreak: 0,
    escalated: false,
    awaitingVerdict: false,
  };
  const window = config.rateLimitWindowMs;
  const recentOrderTimes = window === null ? [] : [...s.risk.recentOrderTimes.filter((t) => t > at - window), at];
  return changeRunState(s, {
    orders: s.orders.set(order.clientOrderId, order),
    activeOrderIds: [...s.activeOrderIds, order.clientOrderId],
    risk: { ...s.risk, recentOrderTimes },
  });
}

function onFilled(config: DeciderConfig, s: RunState, eventId: string, d: EventData<'OrderFilled'>, at: number): RunState {
  if (s.fillIds.has(d.fillId)) return s;
  const qty = new Decimal(d.qty);
  const price = new Decimal(d.price);
  const fee = new Decimal(d.fee);
  const assets = config.instruments[d.symbol]?.assets ?? instrumentAssets(d.symbol, s.quoteAsset);
  const time = d.time === null ? at : Date.parse(d.time);
  const valued = valueFill({ side: d.side, qty, price, fee, feeAsset: d.feeAsset, time }, assets);
  const step = foldFill(s.positions[d.symbol] ?? FLAT_BOOK, valued.fill);
  const otherFees = valued.otherFee
    ? { ...s.account.otherFees, [valued.otherFee.asset]: (s.account.otherFees[valued.otherFee.asset] ?? ZERO).plus(valued.otherFee.amount) }
    : s.account.otherFees;
  let next: RunState = changeRunState(s, {
    fillIds: s.fillIds.add(d.fillId),
    positions: { ...s.positions, [d.symbol]: step.book },
    account: { ...s.account, cash: s.account.cash.plus(step.effect.cashFlow).minus(valued.fill.fee), otherFees },
    lastClosedTrip: step.effect.closedTrip ? { fillEventId: eventId, clientOrderId: d.clientOrderId, fillId: d.fillId, trip: step.effect.closedTrip } : null,
  });
  const order = next.orders.get(d.clientOrderId);
  if (order) {
    const filledQty = order.filledQty.plus(qty);
    const target = transitionTarget(order.status, 'OrderFilled');
    const complete = filledQty.gte(order.qty);
    const status: OrderStatus =
      target === null ? order.status : complete ? 'FILLED' : target === 'LATE_FILL' ? 'CANCELED' : target === 'FILL' ? 'PARTIALLY_FILLED' : target;
    next = replaceOrder(next, { ...order, filledQty, fills: order.fills + 1, status, venueOrderId: order.venueOrderId ?? d.venueOrderId, lastEventId: eventId });
  }
  return next;
}

/** One order moved by an event through the lifecycle table (an illegal move keeps its status). */
function updateOrder(s: RunState, clientOrderId: string, kind: OrderEventKind, eventId: string, change: (o: RunOrder) => Partial<RunOrder>): RunState {
  const order = s.orders.get(clientOrderId);
  if (!order) return s;
  const target = transitionTarget(order.status, kind);
  const status = target === null || target === 'FILL' || target === 'LATE_FILL' ? order.status : target;
  return replaceOrder(s, { ...order, ...change(order), status, lastEventId: eventId });
}

function replaceOrder(s: RunState, order: RunOrder): RunState {
  const wasActive = s.activeOrderIds.includes(order.clientOrderId);
  const active = !isTerminal(order.status) || order.awaitingVerdict;
  const activeOrderIds =
    active === wasActive ? s.activeOrderIds : active ? [...s.activeOrderIds, order.clientOrderId] : s.activeOrderIds.filter((id) => id !== order.clientOrderId);
  const next = changeRunState(s, { orders: s.orders.set(order.clientOrderId, order), activeOrderIds });
  const unresolvedUnknownOrders = countEscalated(next);
  return unresolvedUnknownOrders === s.risk.unresolvedUnknownOrders ? next : changeRunState(next, { risk: { ...next.risk, unresolvedUnknownOrders } });
}

/** Escalated orders still unresolved: any holds the risk mode at OBSERVE. */
function countEscalated(s: RunState): number {
  let n = 0;
  for (const id of s.activeOrderIds) {
    const o = s.orders.get(id);
    if (o && o.escalated && isUnresolved(o.status)) n++;
  }
  return n;
}

/**
 * A process that resumes a run does not know what became of the orders whose request the log holds without
 * an answer (it died between the call and the append): each awaits a verdict, which fills can also give.
 */
function awaitVerdictOfRequested(s: RunState): RunState['orders'] {
  let orders = s.orders;
  for (const id of s.activeOrderIds) {
    const o = orders.get(id);
    if (o && (o.status === 'REQUESTED' || o.status === 'THROTTLED') && !o.awaitingVerdict) orders = orders.set(id, { ...o, awaitingVerdict: true });
  }
  return orders;
}
