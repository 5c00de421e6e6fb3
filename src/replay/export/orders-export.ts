import { normalizeDecimal } from '../../events/decimal-string.js';
import { evolveOrders, initialOrdersState, type OrderRecord } from '../../projections/orders/orders-projection.js';
import { utc, type ExportKind } from './export-kind.js';

/** Digits kept of an average fill price (a quotient). */
const PRICE_PLACES = 12;

export const ordersExport: ExportKind = {
  name: 'orders',
  row: 'one order the run sent (or was about to send: OrderSubmitRequested), as the orders projection leaves it after the run\'s last event, in the order they were first requested',
  columns: [
    { name: 'client_order_id', doc: 'our order id (the same on every retry)' },
    { name: 'intent_id', doc: 'the strategy intent it carries out (join with the decisions export)' },
    { name: 'symbol', doc: 'instrument' },
    { name: 'side', doc: 'BUY or SELL' },
    { name: 'order_type', doc: 'MARKET or LIMIT' },
    { name: 'qty', doc: 'quantity ordered' },
    { name: 'limit_price', doc: 'limit price; empty for a market order' },
    { name: 'status', doc: 'last status: REQUESTED, ACCEPTED, REJECTED, THROTTLED, UNKNOWN, COMMITTED, FAILED, ESCALATED, PARTIALLY_FILLED, FILLED, CANCELED' },
    { name: 'terminal', doc: 'true when nothing more can happen to it (REJECTED, FAILED, FILLED, CANCELED)' },
    { name: 'venue_order_id', doc: 'the venue\'s order id, when known' },
    { name: 'filled_qty', doc: 'quantity filled' },
    { name: 'avg_fill_price', doc: 'volume-weighted average fill price, rounded to 12 decimal places; empty when nothing filled' },
    { name: 'fees', doc: 'sum of its fills\' fees, in fee_asset' },
    { name: 'fee_asset', doc: 'asset of the fees (of its first fill)' },
    { name: 'fills', doc: 'number of fills' },
    { name: 'attempts', doc: 'submit attempts (a retry after a 429 or a timeout reuses the client order id)' },
    { name: 'reconcile_attempts', doc: 'times its unknown outcome was looked for at the venue' },
    { name: 'escalated', doc: 'true once it stayed unresolved too long (UnknownOrderEscalated)' },
    { name: 'reason_code', doc: 'the last reason code an event gave it: a venue rejection, a reconciliation verdict, an escalation' },
    { name: 'raw_reason', doc: 'the venue\'s own words on a rejection or a 429, or the cancel reason' },
    { name: 'decision', doc: 'the risk verdict that let it through: APPROVED or REDUCED' },
    { name: 'decision_reason_code', doc: 'that verdict\'s reason code (e.g. NOTIONAL_CAP_PER_ORDER for a reduction); empty when approved as asked' },
    { name: 'requested_at', doc: 'engine time of its first OrderSubmitRequested' },
    { name: 'updated_at', doc: 'engine time of its last event' },
  ],
  async *rows(events) {
    const state = initialOrdersState();
    const verdicts = new Map<string, { verdict: string; reasonCode: string | null }>();
    for await (const e of events) {
      if (e.type === 'RiskDecisionMade') verdicts.set(e.data.intentId, { verdict: e.data.verdict, reasonCode: e.data.reasonCode });
      evolveOrders(state, e);
    }
    for (const run of state.runs.values()) {
      for (const o of run.orders.values()) yield row(o, verdicts.get(o.intentId) ?? null);
    }
  },
};

function row(o: OrderRecord, verdict: { verdict: string; reasonCode: string | null } | null) {
  return {
    client_order_id: o.clientOrderId,
    intent_id: o.intentId,
    symbol: o.symbol,
    side: o.side,
    order_type: o.orderType,
    qty: normalizeDecimal(o.qty),
    limit_price: o.limitPrice === null ? null : normalizeDecimal(o.limitPrice),
    status: o.status,
    terminal: o.terminal,
    venue_order_id: o.venueOrderId,
    filled_qty: normalizeDecimal(o.filledQty),
    avg_fill_price: o.avgFillPrice === null ? null : normalizeDecimal(o.avgFillPrice.toDecimalPlaces(PRICE_PLACES)),
    fees: normalizeDecimal(o.fees),
    fee_asset: o.feeAsset,
    fills: o.fills,
    attempts: o.attempts,
    reconcile_attempts: o.reconcileAttempts,
    escalated: o.escalated,
    reason_code: o.reasonCode,
    raw_reason: o.rawReason,
    decision: verdict?.verdict ?? null,
    decision_reason_code: verdict?.reasonCode ?? null,
    requested_at: utc(o.requestedAt),
    updated_at: utc(o.updatedAt),
  };
}
