import type { Decimal } from '../values.js';

/**
 * What a venue allows for one instrument: the grid quantities and prices must sit on, and the smallest
 * order it takes. Live runs read them from the venue (and record them in RunStarted, so a replay decides
 * with the same rules); backtests take them from the configuration.
 */
export interface MarketRules {
  /** The run's name for the instrument, e.g. BTC/USDT. */
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Quantities are multiples of this (rounded down). */
  qtyStep: Decimal;
  /** Smallest quantity the venue accepts (0: none beyond the step). */
  minQty: Decimal;
  /** Smallest price x quantity the venue accepts (0: none). */
  minNotional: Decimal;
  /** Limit prices are multiples of this. */
  priceTick: Decimal;
}
