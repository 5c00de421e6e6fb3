import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { EventData } from '../../events/catalog.js';
import { type OrdersState, evolveOrders, initialOrdersState } from '../../projections/orders/orders-projection.js';
import { applyFill, equityAt } from '../cycle/account.js';
import { type CycleState, initialCycleState } from '../cycle/state.js';
import type { IntentSource } from '../cycle/intent-source.js';
import type { Bar } from '../bar.js';
import type { RiskPolicy } from '../risk/port.js';
import { isReasonCode } from '../reason-codes.js';
import { Decimal } from '../values.js';

/**
 * What a restarted engine knows of the run it resumes, rebuilt from the run's own events: the cycle
 * state (account from the recorded fills, fill ids seen, orders still live, risk mode), the orders view,
 * the strategy warmed up on the recorded snapshots, and the next free cycle number (past every cycle id
 * the log holds, complete or not, so no event id or client order id is ever reused).
 */
export interface ResumedRun {
  runStarted: EventData<'RunStarted'>;
  state: CycleState;
  orders: OrdersState;
  lastCycleSeq: number;
  lastVersion: number;
  lastBar: Bar | null;
  events: number;
}

const MAX_REMEMBERED_ORDER_TIMES = 1000;

/** Events a cycle records before its decisions: the fills (and reserve moves, cancels) it takes in first. */
const BEFORE_DECISIONS = new Set(['CycleStarted', 'MarketSnapshotRecorded', 'OrderFilled', 'OrderCanceled', 'ReserveAllocated']);

/**
 * Folds the run's events the way the live loop evolved its state, so a resumed engine decides exactly as
 * one that never stopped would: at each cycle's decision point (after the fills it took in, before its
 * first decision) the policy observes the equity at that cycle's close with the escalation count as it
 * stood when the cycle began, and the strategy sees the bar with the account view of that moment.
 * `orderTimesWindowMs` is the cycle's (CycleEnv.orderTimesWindowMs).
 */
export function resumeRun(
  runId: string,
  events: readonly AnyStoredEvent[],
  policy: RiskPolicy,
  strategy: IntentSource,
  orderTimesWindowMs?: number | null,
): ResumedRun {
  const started = events.find((e) => e.type === 'RunStarted');
  if (!started || started.type !== 'RunStarted') throw new Error(`run ${runId}: no RunStarted in its stream`);
  let state = initialCycleState(new Decimal(started.data.initialCash));
  let orders = initialOrdersState();
  let lastCycleSeq = 0;
  let lastVersion = -1;
  let lastBar: Bar | null = null;
  let lastMode = state.risk.mode;
  let lastModeReason = state.risk.modeReasonCode;
  let lastAt = 0;
  /** The bar of the cycle whose decision point has not been passed yet. */
  let pending: { bar: Bar; escalated: number } | null = null;
  let escalatedAtCycleStart = 0;
  const requestIds = new Map<string, string>();
  const orderTimes: number[] = [];

  const decisionPoint = (at: number): void => {
    if (!pending) return;
    const { bar, escalated } = pending;
    pending = null;
    const risk = policy.observe({ ...state.risk, unresolvedUnknownOrders: escalated }, equityAt(state.account, bar.close), at).state;
    state = { ...state, risk };
    strategy.propose(bar, { position: state.account.position, equity: equityAt(state.account, bar.close).sub(state.account.reserve), cash: state.account.cash });
  };

  for (const e of events) {
    lastVersion = Math.max(lastVersion, e.streamVersion);
    lastAt = Date.parse(e.metadata.at);
    const seq = cycleSeqOf(runId, e.metadata.cycleId);
    if (seq !== null) lastCycleSeq = Math.max(lastCycleSeq, seq);
    if (!BEFORE_DECISIONS.has(e.type)) decisionPoint(lastAt);
    if (e.type === 'CycleStarted') {
      decisionPoint(lastAt);
      escalatedAtCycleStart = countEscalated(orders, runId);
    }
    orders = evolveOrders(orders, e);
    switch (e.type) {
      case 'MarketSnapshotRecorded': {
        const b = e.data.bar;
        lastBar = { time: Date.parse(b.openTime), open: new Decimal(b.open), high: new Decimal(b.high), low: new Decimal(b.low), close: new Decimal(b.close), volume: new Decimal(b.volume) };
        pending = { bar: lastBar, escalated: escalatedAtCycleStart };
        break;
      }
      case 'OrderFilled':
        if (state.seenFillIds.has(e.data.fillId)) break;
        state.seenFillIds.add(e.data.fillId);
        state = { ...state, account: applyFill(state.account, { side: e.data.side, qty: new Decimal(e.data.qty), price: new Decimal(e.data.price), fee: new Decimal(e.data.fee) }) };
        break;
      case 'ReserveAllocated': {
        const amount = new Decimal(e.data.amount);
        state = { ...state, account: { ...state.account, cash: state.account.cash.sub(amount), reserve: state.account.reserve.add(amount) } };
        break;
      }
      case 'OrderSubmitRequested':
        if (e.data.attempt === 1) {
          requestIds.set(e.data.clientOrderId, e.eventId);
          orderTimes.push(lastAt);
        }
        break;
      case 'RiskModeChanged':
        lastMode = e.data.to;
        if (isReasonCode(e.data.reasonCode)) lastModeReason = e.data.reasonCode;
        break;
      default:
        break;
    }
  }
  decisionPoint(lastAt);
  const run = orders.runs.get(runId);
  const liveOrders: CycleState['liveOrders'] = new Map();
  for (const o of run?.orders.values() ?? []) {
    if (o.terminal) continue;
    const cause = requestIds.get(o.clientOrderId);
    if (cause) liveOrders.set(o.clientOrderId, { cause, remaining: o.qty.sub(o.filledQty) });
  }
  const recentOrderTimes =
    orderTimesWindowMs === undefined ? orderTimes.slice(-MAX_REMEMBERED_ORDER_TIMES) : orderTimesWindowMs === null ? [] : orderTimes.filter((t) => t > lastAt - orderTimesWindowMs);
  state = {
    ...state,
    liveOrders,
    risk: { ...state.risk, mode: lastMode, ...(lastModeReason ? { modeReasonCode: lastModeReason } : {}), recentOrderTimes, unresolvedUnknownOrders: countEscalated(orders, runId) },
  };
  return { runStarted: started.data, state, orders, lastCycleSeq, lastVersion, lastBar, events: events.length };
}

function countEscalated(orders: OrdersState, runId: string): number {
  let n = 0;
  for (const o of orders.runs.get(runId)?.orders.values() ?? []) if (o.status === 'ESCALATED') n++;
  return n;
}

/** `${runId}:c${n}` -> n. */
export function cycleSeqOf(runId: string, cycleId: string | null): number | null {
  if (cycleId === null || !cycleId.startsWith(`${runId}:c`)) return null;
  const n = Number(cycleId.slice(runId.length + 2));
  return Number.isSafeInteger(n) ? n : null;
}
