import { z } from 'zod';
import { Decimal } from '../../../values.js';
import type { MarketRules } from '../../market-rules.js';
import { VenueDecimal } from '../venue-decimal.js';
import type { RulesParse } from '../market-rules-parse.js';
import { BtcturkSymbolInfo } from './btcturk-answers.js';

const PriceFilter = z.looseObject({
  filterType: z.literal('PRICE_FILTER'),
  tickSize: VenueDecimal.nullish(),
  minExchangeValue: VenueDecimal.nullish(),
  minAmount: VenueDecimal.nullish(),
});

/**
 * Market rules from a BTCTurk exchangeinfo symbol entry: the quantity step is 10^-numeratorScale, the
 * tick PRICE_FILTER.tickSize (10^-denominatorScale when absent), the minimum notional minExchangeValue,
 * the minimum quantity minAmount (0 when null).
 */
export function btcturkMarketRules(symbol: string, raw: unknown): RulesParse {
  const info = BtcturkSymbolInfo.safeParse(raw);
  if (!info.success) return { ok: false, problem: 'exchangeinfo entry has an unexpected shape' };
  if (info.data.status !== 'TRADING') return { ok: false, problem: `${symbol} is not trading (status ${info.data.status})` };
  const f = info.data.filters.find((x) => x.filterType === 'PRICE_FILTER');
  const price = f ? PriceFilter.safeParse(f) : null;
  if (price && !price.success) return { ok: false, problem: `${symbol}: PRICE_FILTER malformed` };
  const pf = price?.data;
  const tick = pf?.tickSize && pf.tickSize.gt(0) ? pf.tickSize : new Decimal(10).pow(-info.data.denominatorScale);
  return {
    ok: true,
    rules: {
      symbol,
      baseAsset: info.data.numerator,
      quoteAsset: info.data.denominator,
      qtyStep: new Decimal(10).pow(-info.data.numeratorScale),
      minQty: pf?.minAmount ?? new Decimal(0),
      minNotional: pf?.minExchangeValue ?? new Decimal(0),
      priceTick: tick,
    },
  };
}
