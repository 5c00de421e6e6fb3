import { Decimal } from 'decimal.js';

/**
 * The one fold of a fill (average cost), shared by everything that folds fills: the decider's run state,
 * the positions and ledger projections, the backtest's trade list and the exports.
 *
 * A book is a signed quantity and a signed cost basis (what the open quantity cost: positive for a long,
 * negative for a short, zero when flat), the gross realized PnL and quote-valued fees so far, and the
 * round trip that is open. The cost basis is kept instead of an average price so that the identities hold
 * exactly in decimal arithmetic: the only rounding is the share of the cost basis removed by a partial close
 * (and the split of a fill that flips through zero), to DIVISION_SCALE places, and realized PnL is derived
 * from that share by subtraction, so
 *   realized + (qty x mark - costBasis) == sum(sell notional) - sum(buy notional) + qty x mark
 * and every ledger posting balances to the last digit.
 *
 * A round trip opens when the position leaves zero and closes when it returns to zero (or flips through
 * it); scaling in and out is averaged (VWAP entry and exit), and a flipping fill's fee is split pro rata
 * between the trip it closes and the one it opens.
 */

type Side = 'BUY' | 'SELL';
export type TradeSide = 'LONG' | 'SHORT';

/** A fill as the fold needs it: its fee already valued in the quote asset (see fillInQuote). */
export interface BookFill {
  side: Side;
  qty: Decimal;
  price: Decimal;
  /** In the quote asset. */
  fee: Decimal;
  /** When the fill happened (the venue's time), epoch ms. */
  time: number;
}

export interface RoundTrip {
  side: TradeSide;
  /** Total quantity opened (equal to the quantity closed). */
  qty: Decimal;
  entryTime: number;
  exitTime: number;
  /** Volume-weighted average entry and exit prices. */
  entryPrice: Decimal;
  exitPrice: Decimal;
  /** Net of every fee of the trip, entry and exit. */
  pnl: Decimal;
  fees: Decimal;
  /** The position was still open after the last bar and was closed by the end-of-data close-out. */
  openAtEnd: boolean;
}

export interface OpenTrip {
  readonly side: TradeSide;
  readonly entryTime: number;
  readonly entryQty: Decimal;
  readonly entryNotional: Decimal;
  readonly exitQty: Decimal;
  readonly exitNotional: Decimal;
  readonly fees: Decimal;
}

export interface PositionBook {
  /** Signed quantity: negative is short. */
  readonly qty: Decimal;
  /** What the open quantity cost: positive long, negative short, zero flat. */
  readonly costBasis: Decimal;
  /** Gross of fees. */
  readonly realizedPnl: Decimal;
  /** Quote-valued fees of every fill. */
  readonly fees: Decimal;
  readonly openTrip: OpenTrip | null;
}

export interface FillEffect {
  /** Cash moved by the fill, fees excluded: +notional for a sell, -notional for a buy. */
  cashFlow: Decimal;
  /** Gross realized PnL of the part of the fill that closed the position (fees excluded). */
  realized: Decimal;
  /** The round trip this fill completed, if any (its pnl is net of all its fees). */
  closedTrip: RoundTrip | null;
}

const ZERO = new Decimal(0);

/**
 * Results of a division are rounded to this many decimal places (half-even). Everything else is sums and
 * products of the events' own decimals, so amounts stay fixed-point and their sums exact within the
 * 40-digit context; an unrounded 40-significant-digit quotient added to a large amount would be rounded
 * by the context instead, and postings would stop balancing to the last digit.
 */
export const DIVISION_SCALE = 20;

export const FLAT_BOOK: PositionBook = Object.freeze({ qty: ZERO, costBasis: ZERO, realizedPnl: ZERO, fees: ZERO, openTrip: null });

/** Pure: the book after one fill, and what the fill did. */
export function foldFill(book: PositionBook, fill: BookFill): { book: PositionBook; effect: FillEffect } {
  const { side, qty: fillQty, price, fee } = fill;
  const signedQty = side === 'BUY' ? fillQty : fillQty.neg();
  const notional = fillQty.times(price);
  const cashFlow = side === 'BUY' ? notional.neg() : notional;
  const q = book.qty;
  const closing = !q.isZero() && q.isNegative() !== signedQty.isNegative();
  const fees = book.fees.plus(fee);
  const tripSide: TradeSide = side === 'BUY' ? 'LONG' : 'SHORT';

  if (!closing) {
    return {
      book: { qty: q.plus(signedQty), costBasis: book.costBasis.minus(cashFlow), realizedPnl: book.realizedPnl, fees, openTrip: addEntry(book.openTrip, tripSide, fillQty, notional, fee, fill.time) },
      effect: { cashFlow, realized: ZERO, closedTrip: null },
    };
  }
  const open = q.abs();
  const trip = book.openTrip ?? { side: q.isNegative() ? 'SHORT' : 'LONG', entryTime: fill.time, entryQty: open, entryNotional: book.costBasis.abs(), exitQty: ZERO, exitNotional: ZERO, fees: ZERO };
  if (fillQty.lt(open)) {
    // Partial close: remove the closed share of the cost basis; realized is what is left of the cash flow.
    const removed = book.costBasis.times(fillQty).div(open).toDecimalPlaces(DIVISION_SCALE);
    const realized = cashFlow.minus(removed);
    return {
      book: {
        qty: q.plus(signedQty),
        costBasis: book.costBasis.minus(removed),
        realizedPnl: book.realizedPnl.plus(realized),
        fees,
        openTrip: { ...trip, exitQty: trip.exitQty.plus(fillQty), exitNotional: trip.exitNotional.plus(notional), fees: trip.fees.plus(fee) },
      },
      effect: { cashFlow, realized, closedTrip: null },
    };
  }
  // Full close, possibly flipping through zero: the whole cost basis goes; the excess opens a new trip.
  const flips = fillQty.gt(open);
  // Products, not quotients: the closing part's cash flow is exactly open x price.
  const closeFlow = flips ? (side === 'BUY' ? open.times(price).neg() : open.times(price)) : cashFlow;
  const closeFee = flips ? fee.times(open).div(fillQty).toDecimalPlaces(DIVISION_SCALE) : fee;
  const openFlow = cashFlow.minus(closeFlow);
  const realized = closeFlow.minus(book.costBasis);
  const closedTrip = finishTrip({ ...trip, exitQty: trip.exitQty.plus(open), exitNotional: trip.exitNotional.plus(closeFlow.abs()), fees: trip.fees.plus(closeFee) }, fill.time);
  const remainder = fillQty.minus(open);
  return {
    book: {
      qty: q.plus(signedQty),
      costBasis: ZERO.minus(openFlow),
      realizedPnl: book.realizedPnl.plus(realized),
      fees,
      openTrip: flips ? addEntry(null, tripSide, remainder, openFlow.abs(), fee.minus(closeFee), fill.time) : null,
    },
    effect: { cashFlow, realized, closedTrip },
  };
}

/** Average entry price of the open quantity (positive), or null when flat. */
export function averageCost(book: Pick<PositionBook, 'qty' | 'costBasis'>): Decimal | null {
  return book.qty.isZero() ? null : book.costBasis.div(book.qty);
}

/** Unrealized PnL at a mark price: qty x mark - costBasis. */
export function unrealizedPnl(book: Pick<PositionBook, 'qty' | 'costBasis'>, mark: Decimal.Value): Decimal {
  return book.qty.times(mark).minus(book.costBasis);
}

/** The open trip closed at `price` without a fill (a report's view of a position left open), marked openAtEnd. */
export function closeTripAt(book: PositionBook, price: Decimal, time: number): RoundTrip | null {
  const t = book.openTrip;
  if (t === null || book.qty.isZero()) return null;
  const qty = book.qty.abs();
  return finishTrip({ ...t, exitQty: t.exitQty.plus(qty), exitNotional: t.exitNotional.plus(qty.times(price)) }, time, true);
}

function addEntry(open: OpenTrip | null, side: TradeSide, qty: Decimal, notional: Decimal, fee: Decimal, time: number): OpenTrip {
  if (open === null) return { side, entryTime: time, entryQty: qty, entryNotional: notional, exitQty: ZERO, exitNotional: ZERO, fees: fee };
  return { ...open, entryQty: open.entryQty.plus(qty), entryNotional: open.entryNotional.plus(notional), fees: open.fees.plus(fee) };
}

function finishTrip(t: OpenTrip, exitTime: number, openAtEnd = false): RoundTrip {
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
