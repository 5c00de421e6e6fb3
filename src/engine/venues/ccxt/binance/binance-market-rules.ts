import { z } from 'zod';
import { Decimal } from '../../../values.js';
import { VenueDecimal } from '../venue-decimal.js';
import { BinanceSymbolInfo } from './binance-answers.js';
import type { RulesParse } from '../market-rules-parse.js';

const PriceFilter = z.looseObject({ filterType: z.literal('PRICE_FILTER'), tickSize: VenueDecimal });
const LotSize = z.looseObject({ filterType: z.literal('LOT_SIZE'), stepSize: VenueDecimal, minQty: VenueDecimal });
const Notional = z.looseObject({ filterType: z.literal('NOTIONAL'), minNotional: VenueDecimal });
const MinNotional = z.looseObject({ filterType: z.literal('MIN_NOTIONAL'), minNotional: VenueDecimal });


/**
 * Market rules from a Binance exchangeInfo symbol entry (raw strings): PRICE_FILTER.tickSize,
 * LOT_SIZE.stepSize/minQty, NOTIONAL (or the older MIN_NOTIONAL).minNotional.
 */
export function binanceMarketRules(symbol: string, raw: unknown): RulesParse {
  const info = BinanceSymbolInfo.safeParse(raw);
  if (!info.success) return { ok: false, problem: 'exchangeInfo entry has an unexpected shape' };
  if (info.data.status !== 'TRADING') return { ok: false, problem: `${symbol} is not trading (status ${info.data.status})` };
  const find = <T>(schema: z.ZodType<T>, type: string): T | null => {
    const f = info.data.filters.find((x) => x.filterType === type);
    if (!f) return null;
    const p = schema.safeParse(f);
    return p.success ? p.data : null;
  };
  const price = find(PriceFilter, 'PRICE_FILTER');
  const lot = find(LotSize, 'LOT_SIZE');
  if (!price || !lot) return { ok: false, problem: `${symbol}: PRICE_FILTER or LOT_SIZE missing or malformed` };
  const notional = find(Notional, 'NOTIONAL') ?? find(MinNotional, 'MIN_NOTIONAL');
  return {
    ok: true,
    rules: {
      symbol,
      baseAsset: info.data.baseAsset,
      quoteAsset: info.data.quoteAsset,
      qtyStep: lot.stepSize,
      minQty: lot.minQty,
      minNotional: notional?.minNotional ?? new Decimal(0),
      priceTick: price.tickSize,
    },
  };
}
