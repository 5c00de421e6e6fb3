import type { Decimal } from '../../values.js';
import type { OrderType, Side, VenueFill, VenueOrderStatus, VenueOrderView } from '../../ports.js';

/**
 * The simulated venue's state as plain data: its orders, balances and undelivered fill reports.
 * Kept in one object so a live paper run can persist it to a state file and a restarted engine meets
 * the same venue (issue 5).
 */
export interface SimOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  orderType: OrderType;
  qty: Decimal;
  limitPrice: Decimal | null;
  filled: Decimal;
  status: VenueOrderStatus;
  /** Open time of the last bar the venue had seen when the order arrived; it trades on later bars. */
  placedAfterBarTime: number | null;
  fillCount: number;
  /** Why it ended, when it ended early (e.g. "insufficient balance", "end of data"). */
  endReason: string | null;
}

export interface SimBookState {
  orders: Map<string, SimOrder>;
  /** Client order ids of orders that can still trade, in arrival order (price-time irrelevant: one symbol, no queue). */
  open: string[];
  balances: Map<string, Decimal>;
  /** Fill reports not yet delivered by pollFills(). */
  outbox: VenueFill[];
  nextVenueOrderSeq: number;
}

export function viewOf(o: SimOrder): VenueOrderView {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    filledQty: o.filled,
    status: o.status,
  };
}

export function isOpen(status: VenueOrderStatus): boolean {
  return status === 'OPEN' || status === 'PARTIALLY_FILLED';
}
