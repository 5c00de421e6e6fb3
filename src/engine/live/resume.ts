import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { EventData } from '../../events/catalog.js';
import { type OrdersState, evolveOrders, initialOrdersState } from '../../projections/orders/orders-projection.js';
import { applyFill, equityAt } from '../cycle/account.js';
import { type CycleState, initialCycleState } from '../cycle/state.js';
import type { IntentSource } from '../cycle/intent-source.js';
import type { Bar } from '../bar.js';
import type { RiskPolicy } from '../risk/port.js';
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

export function resumeRun(runId: string, events: readonly AnyStoredEvent[], policy: RiskPolicy, strategy: IntentSource): ResumedRun {
  const started = events.find((e) => e.type === 'RunStarted');
  if (!started || started.type !== 'RunStarted') throw new Error(`run ${runId}: no RunStarted in its stream`);
  let state = initialCycleState(new Decimal(started.data.initialCash));
  let orders = initialOrdersState();
  let lastCycleSeq = 0;
  let lastVersion = -1;
  let lastBar: Bar | null = null;
  let lastMode = state.risk.mode;
  const requestIds = new Map<string, string>();
  const orderTimes: number[] = [];
  for (const e of events) {
    lastVersion = Math.max(lastVersion, e.streamVersion);
    const seq = cycleSeqOf(runId, e.metadata.cycleId);
    if (seq !== null) lastCycleSeq = Math.max(lastCycleSeq, seq);
    orders = evolveOrders(orders, e);
    switch (e.type) {
      case 'MarketSnapshotRecorded': {
        const b = e.data.bar;
        lastBar = { time: Date.parse(b.openTime), open: new Decimal(b.open), high: new Decimal(b.high), low: new Decimal(b.low), close: new Decimal(b.close), volume: new Decimal(b.volume) };
        strategy.propose(lastBar, { position: state.account.position, equity: equityAt(state.account, lastBar.close).sub(state.account.reserve), cash: state.account.cash });
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
          orderTimes.push(Date.parse(e.metadata.at));
        }
        break;
      case 'RiskModeChanged':
        lastMode = e.data.to;
        break;
      case 'CycleCompleted':
        // Peak equity and the day's starting equity, as the policy would have tracked them.
        if (lastBar) state = { ...state, risk: policy.observe(state.risk, equityAt(state.account, lastBar.close), Date.parse(e.metadata.at)).state };
        break;
      default:
        break;
    }
  }
  const run = orders.runs.get(runId);
  const liveOrders: CycleState['liveOrders'] = new Map();
  let escalated = 0;
  for (const o of run?.orders.values() ?? []) {
    if (o.terminal) continue;
    const cause = requestIds.get(o.clientOrderId);
    if (cause) liveOrders.set(o.clientOrderId, { cause, remaining: o.qty.sub(o.filledQty) });
    if (o.status === 'ESCALATED') escalated++;
  }
  state = {
    ...state,
    liveOrders,
    risk: { ...state.risk, mode: lastMode, recentOrderTimes: orderTimes.slice(-MAX_REMEMBERED_ORDER_TIMES), unresolvedUnknownOrders: escalated },
  };
  return { runStarted: started.data, state, orders, lastCycleSeq, lastVersion, lastBar, events: events.length };
}

/** `${runId}:c${n}` -> n. */
export function cycleSeqOf(runId: string, cycleId: string | null): number | null {
  if (cycleId === null || !cycleId.startsWith(`${runId}:c`)) return null;
  const n = Number(cycleId.slice(runId.length + 2));
  return Number.isSafeInteger(n) ? n : null;
}
