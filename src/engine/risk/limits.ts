import type { RiskConfig } from '../config/schema.js';
import { Decimal } from '../values.js';
import type { MarketRules } from '../venues/market-rules.js';

/** The risk configuration as the policy uses it: decimals parsed once, switched-off limits as null. */
export interface RiskLimits {
  maxOrderNotional: Decimal | null;
  maxCycleNotional: Decimal | null;
  maxPositionQty: Decimal | null;
  maxPositionQtyBySymbol: Readonly<Record<string, Decimal>>;
  maxPositionFraction: Decimal | null;
  maxPositionFractionBySymbol: Readonly<Record<string, Decimal>>;
  maxGrossExposureFraction: Decimal | null;
  cashReserveFraction: Decimal;
  /** 1 + max(priceBufferBps, execution cost) / 10000: the cost of one unit bought is refPrice times this. */
  costFactor: Decimal;
  dailyLossLimitFraction: Decimal | null;
  timeZone: string;
  maxSnapshotAgeMs: number | null;
  rateLimit: { maxOrders: number; windowMs: number } | null;
  allowShort: boolean;
  /** The configuration's market rules (qtyStep, minNotional, priceTick), for orders whose context brings none. */
  configRules: MarketRules;
  modes: {
    reduceAtDrawdown: Decimal;
    observeAtDrawdown: Decimal;
    normalBelowDrawdown: Decimal;
    reduceBelowDrawdown: Decimal;
    reduceFactor: Decimal;
    observeCoolOffMs: number | null;
  };
  profitReserveFraction: Decimal;
}

const dec = (s: string | null): Decimal | null => (s === null ? null : new Decimal(s));

/**
 * executionCostBps: what a fill costs beyond its price at the venue (fees plus slippage): the cost headroom
 * of a buy is the larger of it and the configured price buffer.
 */
export function riskLimitsFromConfig(c: RiskConfig, executionCostBps: Decimal.Value = 0): RiskLimits {
  const headroomBps = Decimal.max(new Decimal(c.priceBufferBps), new Decimal(executionCostBps));
  return {
    maxOrderNotional: dec(c.maxOrderNotional),
    maxCycleNotional: dec(c.maxCycleNotional),
    maxPositionQty: dec(c.maxPositionQty),
    maxPositionQtyBySymbol: Object.fromEntries(Object.entries(c.maxPositionQtyBySymbol).map(([k, v]) => [k, new Decimal(v)])),
    maxPositionFraction: dec(c.maxPositionFraction),
    maxPositionFractionBySymbol: Object.fromEntries(Object.entries(c.maxPositionFractionBySymbol).map(([k, v]) => [k, new Decimal(v)])),
    maxGrossExposureFraction: dec(c.maxGrossExposureFraction),
    cashReserveFraction: new Decimal(c.cashReserveFraction),
    costFactor: new Decimal(1).plus(headroomBps.div(10_000)),
    dailyLossLimitFraction: dec(c.dailyLossLimitFraction),
    timeZone: c.timeZone,
    maxSnapshotAgeMs: c.maxSnapshotAgeMs,
    rateLimit: c.rateLimit,
    allowShort: c.allowShort,
    configRules: {
      symbol: '*',
      baseAsset: '*',
      quoteAsset: '*',
      qtyStep: new Decimal(c.qtyStep),
      minQty: new Decimal(0),
      minNotional: new Decimal(c.minNotional),
      priceTick: new Decimal(c.priceTick),
    },
    modes: {
      reduceAtDrawdown: new Decimal(c.modes.reduceAtDrawdown),
      observeAtDrawdown: new Decimal(c.modes.observeAtDrawdown),
      normalBelowDrawdown: new Decimal(c.modes.normalBelowDrawdown),
      reduceBelowDrawdown: new Decimal(c.modes.reduceBelowDrawdown),
      reduceFactor: new Decimal(c.modes.reduceFactor),
      observeCoolOffMs: c.modes.observeCoolOffMs,
    },
    profitReserveFraction: new Decimal(c.profitReserveFraction),
  };
}

export function maxPositionFor(limits: RiskLimits, symbol: string): Decimal | null {
  return limits.maxPositionQtyBySymbol[symbol] ?? limits.maxPositionQty;
}

export function maxPositionFractionFor(limits: RiskLimits, symbol: string): Decimal | null {
  return limits.maxPositionFractionBySymbol[symbol] ?? limits.maxPositionFraction;
}
