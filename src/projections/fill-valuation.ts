import { Decimal } from 'decimal.js';
import type { BookFill } from './position-book.js';

type Side = 'BUY' | 'SELL';

/**
 * A fill's fee as the position book values it. Venues charge fees in the quote asset (cash), in the base
 * asset (taken from the bought or sold quantity) or in a third asset (e.g. BNB on Binance).
 * - quote ("QUOTE" or the run's quote asset): the fee as it is;
 * - base: the book sees the quantity that really moved (a buy delivers qty - fee, a sell takes qty + fee)
 *   and a fee of fee x price in the quote asset, which moves cash exactly as the venue did;
 * - anything else cannot be valued without that asset's price: the book sees no fee, and the fee is
 *   returned for the caller to keep per asset.
 */
export interface VenueFillFacts {
  side: Side;
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  feeAsset: string;
  time: number;
}

export interface InstrumentAssets {
  base: string;
  quote: string;
}

export interface ValuedFill {
  fill: BookFill;
  /** A fee in an asset the book cannot value, or null. */
  otherFee: { asset: string; amount: Decimal } | null;
}

const ZERO = new Decimal(0);

export function valueFill(f: VenueFillFacts, assets: InstrumentAssets): ValuedFill {
  if (f.fee.isZero() || f.feeAsset === 'QUOTE' || f.feeAsset === assets.quote) return { fill: bookFill(f, f.qty, f.fee), otherFee: null };
  if (f.feeAsset === assets.base) {
    const qty = f.side === 'BUY' ? f.qty.minus(f.fee) : f.qty.plus(f.fee);
    if (qty.gt(0)) return { fill: bookFill(f, qty, f.fee.times(f.price)), otherFee: null };
  }
  return { fill: bookFill(f, f.qty, ZERO), otherFee: { asset: f.feeAsset, amount: f.fee } };
}

/**
 * One object literal, so every fill shares one hidden class: `{ ...base, fee }` gave each fill a map of its
 * own (about 200 bytes more per fill, and a run keeps every fill for its results).
 */
function bookFill(f: VenueFillFacts, qty: Decimal, fee: Decimal): BookFill {
  return { side: f.side, qty, price: f.price, time: f.time, fee };
}

/**
 * Base and quote assets of an instrument: "BTC/USDT" -> BTC, USDT; "BTCUSDT" with quote USDT -> BTC;
 * a plain name such as "SPY" -> SPY and the run's quote asset.
 */
export function instrumentAssets(symbol: string, quoteAsset: string): InstrumentAssets {
  const slash = symbol.indexOf('/');
  if (slash > 0) return { base: symbol.slice(0, slash), quote: symbol.slice(slash + 1) };
  if (symbol.length > quoteAsset.length && symbol.endsWith(quoteAsset)) return { base: symbol.slice(0, -quoteAsset.length), quote: quoteAsset };
  return { base: symbol, quote: quoteAsset };
}

/** When a recorded fill happened: the venue's time (OrderFilled v3), else the engine time its event was recorded at. */
export function fillTime(d: { time: string | null }, metadata: { at: string }): number {
  return Date.parse(d.time ?? metadata.at);
}

/** A fill as OrderFilled recorded it (decimal strings), valued for the book of its instrument. */
export function valueRecordedFill(
  d: { symbol: string; side: Side; qty: string; price: string; fee: string; feeAsset: string; time: string | null },
  metadata: { at: string },
  quoteAsset: string,
): ValuedFill {
  return valueFill(
    { side: d.side, qty: new Decimal(d.qty), price: new Decimal(d.price), fee: new Decimal(d.fee), feeAsset: d.feeAsset, time: fillTime(d, metadata) },
    instrumentAssets(d.symbol, quoteAsset),
  );
}
