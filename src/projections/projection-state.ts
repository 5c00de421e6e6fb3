import type { EventType } from '../events/catalog.js';
import type { AnyStoredEvent } from '../events/event-factory.js';
import { EventOrderError } from './errors.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger/ledger-projection.js';
import { evolveOrders, initialOrdersState, type OrdersState } from './orders/orders-projection.js';
import { evolvePositions, initialPositionsState, type PositionsState } from './positions-projection.js';
import { evolveRiskState, initialRiskState, type RiskStateView } from './risk-state-projection.js';
import { evolveRunIndex, initialRunIndexState, type RunIndexState } from './run-index-projection.js';

/** All projections together, with the last global position folded into them. */
export interface ProjectionState {
  /** Global position of the last event folded (0: nothing yet). */
  position: number;
  events: number;
  orders: OrdersState;
  positions: PositionsState;
  ledger: LedgerState;
  risk: RiskStateView;
  runs: RunIndexState;
}

export function initialProjectionState(): ProjectionState {
  return {
    position: 0,
    events: 0,
    orders: initialOrdersState(),
    positions: initialPositionsState(),
    ledger: initialLedgerState(),
    risk: initialRiskState(),
    runs: initialRunIndexState(),
  };
}

/**
 * Fold one typed event into every projection: evolve(state, event) -> state. The state is owned by the
 * fold (updated in place for rebuild speed); keep using the returned value, and take a copy with
 * cloneProjectionState() if an earlier state must survive. Events must come in increasing global order.
 *
 * Orders go first: an illegal order transition throws before positions or the ledger have seen the event,
 * so a throw leaves the state as it was.
 */
export function evolve(state: ProjectionState, e: AnyStoredEvent): ProjectionState {
  if (e.globalPosition <= state.position) throw new EventOrderError(e.globalPosition, state.position);
  evolveOrders(state.orders, e);
  evolveLedger(state.ledger, e);
  evolvePositions(state.positions, e);
  evolveRiskState(state.risk, e);
  evolveRunIndex(state.runs, e);
  state.position = e.globalPosition;
  state.events++;
  return state;
}

/** Fold a sequence of events into a state (a fresh one by default). */
export function foldEvents(events: Iterable<AnyStoredEvent>, state: ProjectionState = initialProjectionState()): ProjectionState {
  let s = state;
  for (const e of events) s = evolve(s, e);
  return s;
}

/**
 * The event types that change the orders, positions, ledger and risk projections (every other type only
 * counts in the run index). A fold of just these (ProjectionRunner.foldUpTo with types) gives those four
 * projections exactly as a fold of everything does; test/read/state-event-types.test.ts holds it to that.
 */
export const STATE_EVENT_TYPES: readonly EventType[] = [
  'RunStarted',
  'OrderSubmitRequested',
  'OrderDenied',
  'OrderAccepted',
  'OrderRejected',
  'OrderOutcomeUnknown',
  'OrderSubmitThrottled',
  'OrderCanceled',
  'OrderReconciled',
  'UnknownOrderEscalated',
  'OrderFilled',
  'ReserveAllocated',
  'RiskModeChanged',
  'KillSwitchEngaged',
  'KillSwitchReleased',
];
