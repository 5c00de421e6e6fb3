import { Decimal } from 'decimal.js';
import { EngineConfigSchema, type RiskConfig } from '../../src/engine/config/schema.js';
import type { ProposedOrder, RiskContext, RiskState } from '../../src/engine/risk/port.js';
import '../../src/engine/values.js';

export const D = (v: Decimal.Value) => new Decimal(v);

/** Risk config with every limit switched off, then the overrides. */
export function riskConfig(over: Record<string, unknown> = {}): RiskConfig {
  return EngineConfigSchema.parse({
    risk: {
      maxOrderNotional: null,
      maxCycleNotional: null,
      maxPositionQty: null,
      cashReserveFraction: '0',
      priceBufferBps: 0,
      dailyLossLimitFraction: null,
      maxSnapshotAgeMs: null,
      rateLimit: null,
      minNotional: '0',
      qtyStep: '0.0001',
      priceTick: '0.01',
      ...over,
    },
  }).risk;
}

export const NOW = Date.UTC(2024, 0, 2, 12, 0, 0);

export function state(over: Partial<RiskState> = {}): RiskState {
  return {
    mode: 'NORMAL',
    killSwitch: false,
    peakEquity: D(100_000),
    day: '2024-01-02',
    dayStartEquity: D(100_000),
    recentOrderTimes: [],
    unresolvedUnknownOrders: 0,
    ...over,
  };
}

export function ctx(over: Partial<RiskContext> = {}, st: Partial<RiskState> = {}): RiskContext {
  return {
    now: NOW,
    snapshotTime: NOW,
    portfolio: { cash: D(100_000), reserve: D(0), positions: {}, equity: D(100_000) },
    state: state(st),
    cycleNotional: D(0),
    dryRun: false,
    ...over,
  };
}

export function buy(qty: Decimal.Value, price: Decimal.Value = 100, symbol = 'SYN'): ProposedOrder {
  return { intentId: 'i-1', symbol, side: 'BUY', orderType: 'MARKET', qty: D(qty), limitPrice: null, refPrice: D(price) };
}

export function sell(qty: Decimal.Value, price: Decimal.Value = 100, symbol = 'SYN'): ProposedOrder {
  return { ...buy(qty, price, symbol), side: 'SELL' };
}
