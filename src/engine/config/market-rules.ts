import { instrumentAssets } from '../../projections/fill-valuation.js';
import { Decimal } from '../values.js';
import type { MarketRules } from '../venues/market-rules.js';
import type { EngineConfig } from './schema.js';

/** The market rules the configuration gives its instrument (risk.qtyStep, minNotional, priceTick): the simulated venues'. */
export function configMarketRules(config: Pick<EngineConfig, 'symbol' | 'quoteAsset' | 'risk'>): MarketRules {
  const assets = instrumentAssets(config.symbol, config.quoteAsset);
  return {
    symbol: config.symbol,
    baseAsset: assets.base,
    quoteAsset: assets.quote,
    qtyStep: new Decimal(config.risk.qtyStep),
    minQty: new Decimal(0),
    minNotional: new Decimal(config.risk.minNotional),
    priceTick: new Decimal(config.risk.priceTick),
  };
}

/** Fees plus slippage of the configured simulation, in basis points. */
export function executionCostBps(config: Pick<EngineConfig, 'simulation'>): Decimal {
  return new Decimal(config.simulation.feeBps).plus(config.simulation.slippageBps);
}
