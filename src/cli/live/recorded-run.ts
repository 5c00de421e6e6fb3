import type { EngineConfig } from '../../engine/config/schema.js';
import { configMarketRules, executionCostBps } from '../../engine/config/market-rules.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import type { RiskPolicy } from '../../engine/risk/port.js';
import type { MarketRules } from '../../engine/venues/market-rules.js';
import { rulesOf } from '../../replay/parity/run-settings.js';
import { Decimal } from '../../engine/values.js';
import type { LiveSetup } from './live-config.js';

/**
 * The market rules a live run decides with: those the venue gave and RunStarted recorded (real venues),
 * else the configuration's (the simulated venue). A resumed run keeps its recorded rules, whatever the
 * venue says now, so the fold of its log and its replay decide alike.
 */
export function runRules(config: EngineConfig, recorded: unknown): MarketRules {
  const market = (recorded as { market?: { rules?: Record<string, string> } } | null)?.market;
  const r = market?.rules;
  if (!r) return configMarketRules(config);
  return {
    ...rulesOf(config.symbol, config.quoteAsset, r.qtyStep ?? config.risk.qtyStep, r.minNotional ?? config.risk.minNotional, r.priceTick ?? config.risk.priceTick),
    minQty: new Decimal(r.minQty ?? '0'),
  };
}

export function runPolicy(setup: Pick<LiveSetup, 'config'>): RiskPolicy {
  return createRiskPolicy(setup.config.risk, { executionCostBps: executionCostBps(setup.config) });
}
