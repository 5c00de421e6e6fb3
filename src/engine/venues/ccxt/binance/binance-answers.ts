import { z } from 'zod';
import type { VenueOrderStatus } from '../../../ports.js';
import { VenueDecimal, VenueId } from '../venue-decimal.js';

/**
 * The parts of Binance spot answers the adapter reads, as Binance writes them (money as strings).
 * Read from the raw JSON (ccxt's `.info`), never from ccxt's parsed floats.
 */

export const BinanceErrorBody = z.looseObject({ code: z.number().int(), msg: z.string() });

/** The venue's error message in a body, or null. */
export function binanceErrorMessage(body: string): string | null {
  try {
    const parsed = BinanceErrorBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.msg : null;
  } catch {
    return null;
  }
}

export function binanceErrorCode(body: string): number | null {
  try {
    const parsed = BinanceErrorBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.code : null;
  } catch {
    return null;
  }
}

const Side = z.enum(['BUY', 'SELL']);

/** POST/GET/DELETE /api/v3/order. On a cancel, clientOrderId is the cancel's own id: origClientOrderId is the order's. */
export const BinanceOrder = z.looseObject({
  symbol: z.string(),
  orderId: VenueId,
  clientOrderId: z.string(),
  origClientOrderId: z.string().optional(),
  origQty: VenueDecimal,
  executedQty: VenueDecimal,
  status: z.string(),
  side: Side,
});
export type BinanceOrder = z.infer<typeof BinanceOrder>;

export const BinanceTrade = z.looseObject({
  symbol: z.string(),
  id: z.number().int().nonnegative(),
  orderId: VenueId,
  price: VenueDecimal,
  qty: VenueDecimal,
  commission: VenueDecimal,
  commissionAsset: z.string(),
  time: z.number().int(),
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
});
export type BinanceTrade = z.infer<typeof BinanceTrade>;

export const BinanceAccount = z.looseObject({
  balances: z.array(z.looseObject({ asset: z.string(), free: VenueDecimal, locked: VenueDecimal })),
});

const Filter = z.looseObject({ filterType: z.string() });
export const BinanceSymbolInfo = z.looseObject({
  symbol: z.string(),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  filters: z.array(Filter),
});

export const BinanceKline = z.tuple([z.number().int(), VenueDecimal, VenueDecimal, VenueDecimal, VenueDecimal, VenueDecimal, z.number().int()]).rest(z.unknown());

export const BinanceServerTime = z.looseObject({ serverTime: z.number().int() });

/** Binance order statuses as the engine sees them. EXPIRED (an IOC/market remainder) ended without filling the rest: CANCELED. */
export function binanceStatus(status: string): VenueOrderStatus {
  switch (status) {
    case 'NEW':
    case 'PENDING_NEW':
    case 'PENDING_CANCEL':
      return 'OPEN';
    case 'PARTIALLY_FILLED':
      return 'PARTIALLY_FILLED';
    case 'FILLED':
      return 'FILLED';
    case 'REJECTED':
      return 'REJECTED';
    default:
      // CANCELED, EXPIRED, EXPIRED_IN_MATCH
      return 'CANCELED';
  }
}

/** Binance error codes the adapter relies on. */
export const BINANCE_CODES = {
  /** "Order does not exist." on a lookup. */
  NO_SUCH_ORDER: -2013,
  /** "Unknown order sent." on a cancel: not open (never existed, or already ended). */
  CANCEL_UNKNOWN: -2011,
  /** NEW_ORDER_REJECTED; its message says why ("Duplicate order sent.", "Account has insufficient balance..."). */
  NEW_ORDER_REJECTED: -2010,
} as const;

export function isBinanceDuplicate(body: string): boolean {
  const msg = binanceErrorMessage(body);
  return msg !== null && /duplicate order/i.test(msg);
}
