import { Decimal } from 'decimal.js';
import { normalizeDecimal } from '../../events/decimal-string.js';
import type { Side } from '../../engine/ports.js';

/**
 * Round-trip trades as a fold over fills. A trade opens when the position leaves zero and closes when
 * it returns to zero; scaling in and out within a trade is averaged (VWAP entry and exit). A fill that
 * crosses zero closes the trade and opens the opposite one with the remainder, its fee split pro rata.
 * Fees are in the quote asset (the caller converts fees charged in another asset).
 */

export interface TradeFill {
  side: Side;
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  /** Epoch ms. */
  time: number;
}

export type TradeSide = 'LONG' | 'SHORT';

export interface RoundTrip {
  side: TradeSide;
  /** Total quantity opened (equal to the quantity closed). */
  qty: Decimal;
  entryTime: number;
  exitTime: number;
  /** Volume-weighted average entry and exit prices. */
  entryPrice: Decimal;
  exitPrice: Decimal;
  /** Net of fees. */
  pnl: Decimal;
  fees: Decimal;
  /** The position was still open at the end and was closed at the last close (no fee). */
  openAtEnd: boolean;
}

interface OpenTrade {
  readonly side: TradeSide;
  readonly entryTime: number;
  readonly entryQty: Decimal;
  readonly entryNotional: Decimal;
  readonly exitQty: Decimal;
  readonly exitNotional: Decimal;
  readonly fees: Decimal;
}

export interface TradeTrackerState {
  /** Signed position. */
  readonly position: Decimal;
  readonly open: OpenTrade | null;
}

export const INITIAL_TRACKER: TradeTrackerState = { position: new Decimal(0), open: null };

/** One step of the fold: the next state and the trade this fill completed, if any. */
export function applyFill(state: TradeTrackerState, fill: TradeFill): { state: TradeTrackerState; closed: RoundTrip | null } {
  if (fill.qty.lte(0)) return { state: { position: state.position, open: state.open }, closed: null };
  const delta = fill.side === 'BUY' ? fill.qty : fill.qty.neg();
  const open = state.open;
  const reduces = !state.position.isZero() && state.position.isNeg() !== delta.isNeg();
  if (open === null || !reduces) {
    const side: TradeSide = fill.side === 'BUY' ? 'LONG' : 'SHORT';
    return { state: { position: state.position.plus(delta), open: addEntry(open, side, fill.qty, fill.price, fill.fee, fill.time) }, closed: null };
  }
  const closing = Decimal.min(fill.qty, state.position.abs());
  const remainder = fill.qty.minus(closing);
  const closingFee = remainder.isZero() ? fill.fee : fill.fee.mul(closing).div(fill.qty);
  const afterExit: OpenTrade = {
    ...open,
    exitQty: open.exitQty.plus(closing),
    exitNotional: open.exitNotional.plus(closing.mul(fill.price)),
    fees: open.fees.plus(closingFee),
  };
  const position = state.position.plus(delta);
  if (closing.lt(state.position.abs())) return { state: { position, open: afterExit }, closed: null };
  const closed = finish(afterExit, fill.time, false);
  if (remainder.isZero()) return { state: { position, open: null }, closed };
  const side: TradeSide = fill.side === 'BUY' ? 'LONG' : 'SHORT';
  return { state: { position, open: addEntry(null, side, remainder, fill.price, fill.fee.minus(closingFee), fill.time) }, closed };
}

/** Closes a position still open at the end at `price` (the last close), marked openAtEnd. */
export function closeAtEnd(state: TradeTrackerState, price: Decimal, time: number): RoundTrip | null {
  const open = state.open;
  if (open === null || state.position.isZero()) return null;
  const qty = state.position.abs();
  return finish({ ...open, exitQty: open.exitQty.plus(qty), exitNotional: open.exitNotional.plus(qty.mul(price)) }, time, true);
}

/** All round trips of a fill sequence; with `end`, a position left open is closed at end.price. */
export function roundTrips(fills: Iterable<TradeFill>, end?: { price: Decimal; time: number }): RoundTrip[] {
  const trades: RoundTrip[] = [];
  let state = INITIAL_TRACKER;
  for (const fill of fills) {
    const step = applyFill(state, fill);
    state = step.state;
    if (step.closed) trades.push(step.closed);
  }
  if (end) {
    const last = closeAtEnd(state, end.price, end.time);
    if (last) trades.push(last);
  }
  return trades;
}

function addEntry(open: OpenTrade | null, side: TradeSide, qty: Decimal, price: Decimal, fee: Decimal, time: number): OpenTrade {
  if (open === null) {
    return { side, entryTime: time, entryQty: qty, entryNotional: qty.mul(price), exitQty: new Decimal(0), exitNotional: new Decimal(0), fees: fee };
  }
  return { ...open, entryQty: open.entryQty.plus(qty), entryNotional: open.entryNotional.plus(qty.mul(price)), fees: open.fees.plus(fee) };
}

function finish(t: OpenTrade, exitTime: number, openAtEnd: boolean): RoundTrip {
  const gross = t.side === 'LONG' ? t.exitNotional.minus(t.entryNotional) : t.entryNotional.minus(t.exitNotional);
  return {
    side: t.side,
    qty: t.entryQty,
    entryTime: t.entryTime,
    exitTime,
    entryPrice: t.entryNotional.div(t.entryQty),
    exitPrice: t.exitNotional.div(t.exitQty),
    pnl: gross.minus(t.fees),
    fees: t.fees,
    openAtEnd,
  };
}

export interface RoundTripJson {
  side: TradeSide;
  qty: string;
  entryTime: string;
  exitTime: string;
  entryPrice: string;
  exitPrice: string;
  pnl: string;
  fees: string;
  openAtEnd: boolean;
}

/** JSON form: decimal strings, ISO-8601 UTC times; VWAP prices rounded to 12 decimal places. */
export function roundTripToJson(t: RoundTrip): RoundTripJson {
  return {
    side: t.side,
    qty: normalizeDecimal(t.qty),
    entryTime: new Date(t.entryTime).toISOString(),
    exitTime: new Date(t.exitTime).toISOString(),
    entryPrice: normalizeDecimal(t.entryPrice.toDecimalPlaces(12)),
    exitPrice: normalizeDecimal(t.exitPrice.toDecimalPlaces(12)),
    pnl: normalizeDecimal(t.pnl.toDecimalPlaces(12)),
    fees: normalizeDecimal(t.fees.toDecimalPlaces(12)),
    openAtEnd: t.openAtEnd,
  };
}
