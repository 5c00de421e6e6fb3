import { Decimal } from 'decimal.js';
import { normalizeDecimal } from '../../events/decimal-string.js';
import { isoTime } from '../../events/time.js';
import { type BookFill, closeTripAt, FLAT_BOOK, foldFill, type RoundTrip, type TradeSide } from '../../projections/position-book.js';

/**
 * Round-trip trades of a fill sequence: the trips the one fill fold (src/projections/position-book.ts)
 * closes. Fees are in the quote asset (value other fees first: src/projections/fill-valuation.ts).
 */

export type TradeFill = BookFill;
export type { RoundTrip, TradeSide };

/** All round trips of a fill sequence; with `end`, a position left open is closed at end.price (openAtEnd). */
export function roundTrips(fills: Iterable<TradeFill>, end?: { price: Decimal; time: number }): RoundTrip[] {
  const trades: RoundTrip[] = [];
  let book = FLAT_BOOK;
  for (const fill of fills) {
    if (fill.qty.lte(0)) continue;
    const step = foldFill(book, fill);
    book = step.book;
    if (step.effect.closedTrip) trades.push(step.effect.closedTrip);
  }
  if (end) {
    const last = closeTripAt(book, end.price, end.time);
    if (last) trades.push(last);
  }
  return trades;
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
    entryTime: isoTime(t.entryTime),
    exitTime: isoTime(t.exitTime),
    entryPrice: normalizeDecimal(t.entryPrice.toDecimalPlaces(12)),
    exitPrice: normalizeDecimal(t.exitPrice.toDecimalPlaces(12)),
    pnl: normalizeDecimal(t.pnl.toDecimalPlaces(12)),
    fees: normalizeDecimal(t.fees.toDecimalPlaces(12)),
    openAtEnd: t.openAtEnd,
  };
}
