import { z } from 'zod';
import type { VenueOrderStatus } from '../../../ports.js';
import { VenueDecimal, VenueId } from '../venue-decimal.js';

/** The parts of BTCTurk answers the adapter reads, as BTCTurk writes them (money as strings). */

const ErrorBody = z.looseObject({ success: z.literal(false), message: z.string().nullish(), code: z.union([z.number(), z.string()]).nullish() });

/** The venue's error message in a body ({"success":false,"message":"BALANCE_NOT_ENOUGH",...}), or null. */
export function btcturkErrorMessage(body: string): string | null {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(body));
    if (!parsed.success) return null;
    return parsed.data.message ?? String(parsed.data.code ?? 'error');
  } catch {
    return null;
  }
}

const Millis = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform((v) => Number(v));
const Side = z.enum(['buy', 'sell', 'Buy', 'Sell']).transform((s) => (s.toLowerCase() === 'buy' ? ('BUY' as const) : ('SELL' as const)));

export const BtcturkCreated = z.looseObject({
  data: z.looseObject({ id: VenueId, newOrderClientId: z.string().nullish(), quantity: VenueDecimal, pairSymbol: z.string() }),
});

/** An entry of openOrders (bids/asks) or allOrders. */
export const BtcturkOrder = z.looseObject({
  id: VenueId,
  quantity: VenueDecimal,
  leftAmount: VenueDecimal,
  pairSymbol: z.string(),
  type: Side,
  orderClientId: z.string().nullish(),
  status: z.string(),
});
export type BtcturkOrder = z.infer<typeof BtcturkOrder>;

export const BtcturkTrade = z.looseObject({
  id: VenueId,
  orderId: VenueId,
  price: VenueDecimal,
  amount: VenueDecimal,
  fee: VenueDecimal,
  tax: VenueDecimal.optional(),
  numeratorSymbol: z.string(),
  denominatorSymbol: z.string(),
  orderType: Side,
  timestamp: Millis,
});
export type BtcturkTrade = z.infer<typeof BtcturkTrade>;

export const BtcturkTrades = z.looseObject({ data: z.array(BtcturkTrade) });

export const BtcturkBalances = z.looseObject({
  data: z.array(z.looseObject({ asset: z.string(), free: VenueDecimal, locked: VenueDecimal })),
});

const Scale = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform((v) => Number(v));
export const BtcturkSymbolInfo = z.looseObject({
  name: z.string(),
  status: z.string(),
  numerator: z.string(),
  denominator: z.string(),
  numeratorScale: Scale,
  denominatorScale: Scale,
  filters: z.array(z.looseObject({ filterType: z.string() })),
});

export const BtcturkKlines = z.looseObject({
  s: z.literal('ok'),
  t: z.array(z.string()),
  o: z.array(z.string()),
  h: z.array(z.string()),
  l: z.array(z.string()),
  c: z.array(z.string()),
  v: z.array(z.string()),
});

export function btcturkStatus(status: string): VenueOrderStatus {
  switch (status) {
    case 'Untouched':
      return 'OPEN';
    case 'Partial':
      return 'PARTIALLY_FILLED';
    case 'Closed':
      return 'FILLED';
    default:
      return 'CANCELED';
  }
}
