import type { EngineConfig } from '../../config/schema.js';
import type { Random } from '../../ports.js';
import { Decimal } from '../../values.js';
import type { PaperVenueConfig } from './paper-venue.js';

/** The paper venue an engine configuration describes: its market, walk and fill rules. */
export function paperVenueConfigFrom(config: EngineConfig, random: Random): PaperVenueConfig {
  const live = config.live;
  return {
    symbol: config.symbol,
    baseAsset: config.symbol,
    quoteAsset: config.quoteAsset,
    initialBalances: { [config.quoteAsset]: new Decimal(config.initialCash) },
    startPrice: new Decimal(live.sim.startPrice),
    walk: { seed: live.sim.seed, volatility: live.sim.volatility, barVolume: new Decimal(live.sim.barVolume), priceDecimals: 2 },
    rules: {
      slippageBps: new Decimal(config.simulation.slippageBps),
      feeBps: new Decimal(config.simulation.feeBps),
      participationCap: config.simulation.participationCap === null ? null : new Decimal(config.simulation.participationCap),
      qtyStep: new Decimal(config.risk.qtyStep),
    },
    barIntervalMs: live.barIntervalMs ?? live.intervalMs,
    random,
  };
}
