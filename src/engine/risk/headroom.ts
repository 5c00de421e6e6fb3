import { equityOf } from '../decider/equity.js';
import type { RunState } from '../decider/run-state.js';
import { Decimal } from '../values.js';
import { effectiveMode } from './decide.js';
import { maxPositionFor, maxPositionFractionFor, type RiskLimits } from './limits.js';
import { drawdown } from './modes.js';

/**
 * How close a run stands to each of its risk limits (what `engine risk` shows): pure, over the run's own state
 * (the fold of its events) and the limits its RunStarted recorded. Each limit is named by the reason code a
 * breach records; `used` is current / limit (1 = at the limit).
 */

export type LimitStatus = 'OFF' | 'OK' | 'NEAR' | 'AT_LIMIT' | 'PER_ORDER';

export interface LimitUse {
  code: string;
  /** The instrument, for per-instrument limits. */
  symbol: string | null;
  /** What is measured, in words. */
  measure: string;
  current: Decimal | null;
  limit: Decimal | null;
  used: Decimal | null;
  status: LimitStatus;
}

export interface RiskHeadroom {
  mode: RunState['risk']['mode'];
  /** OBSERVE while an order's outcome is unknown, whatever the drawdown says. */
  effectiveMode: RunState['risk']['mode'];
  modeReasonCode: string | null;
  modeSince: number | null;
  unresolvedUnknownOrders: number;
  equity: Decimal;
  peakEquity: Decimal;
  dayStartEquity: Decimal;
  day: string;
  cash: Decimal;
  reserve: Decimal;
  limits: LimitUse[];
}

/** At or above this share of a limit a figure is NEAR. */
export const NEAR_SHARE = new Decimal('0.8');
const ZERO = new Decimal(0);

function use(code: string, symbol: string | null, measure: string, current: Decimal | null, limit: Decimal | null): LimitUse {
  if (limit === null) return { code, symbol, measure, current, limit, used: null, status: 'OFF' };
  if (current === null) return { code, symbol, measure, current, limit, used: null, status: 'PER_ORDER' };
  const used = limit.isZero() ? (current.gt(0) ? new Decimal(Infinity) : ZERO) : current.div(limit);
  return { code, symbol, measure, current, limit, used, status: used.gte(1) ? 'AT_LIMIT' : used.gte(NEAR_SHARE) ? 'NEAR' : 'OK' };
}

/** `now`: engine time (epoch ms) of the point read, for the rate limit and the age of the market data. */
export function riskHeadroom(s: RunState, limits: RiskLimits, now: number): RiskHeadroom {
  const equity = equityOf(s);
  const r = s.risk;
  const dd = drawdown(r.peakEquity, equity);
  const dayLoss = r.dayStartEquity.gt(0) ? Decimal.max(r.dayStartEquity.minus(equity).div(r.dayStartEquity), ZERO) : ZERO;
  const out: LimitUse[] = [
    use('RISK_MODE_REDUCE', null, 'drawdown from peak equity', dd, limits.modes.reduceAtDrawdown),
    use('RISK_MODE_OBSERVE', null, 'drawdown from peak equity', dd, limits.modes.observeAtDrawdown),
    use('DAILY_LOSS_LIMIT', null, `loss since the start of ${r.day || 'the day'}`, dayLoss, limits.dailyLossLimitFraction),
    use('NOTIONAL_CAP_PER_ORDER', null, 'notional of one order', null, limits.maxOrderNotional),
    use('NOTIONAL_CAP_PER_CYCLE', null, 'notional of one cycle', null, limits.maxCycleNotional),
  ];
  let gross = ZERO;
  const symbols = Object.keys(s.positions).sort();
  for (const symbol of symbols) {
    const p = s.positions[symbol]!;
    const mark = s.marks[symbol];
    const exposure = mark === undefined ? p.costBasis.abs() : p.qty.times(mark).abs();
    gross = gross.plus(exposure);
    out.push(use('POSITION_CAP', symbol, 'quantity held', p.qty.abs(), maxPositionFor(limits, symbol)));
    out.push(use('POSITION_CAP', symbol, 'exposure / equity', equity.gt(0) ? exposure.div(equity) : null, maxPositionFractionFor(limits, symbol)));
  }
  out.push(use('PORTFOLIO_CAP', null, 'gross exposure / equity', equity.gt(0) ? gross.div(equity) : null, limits.maxGrossExposureFraction));
  const required = Decimal.max(equity.minus(s.account.reserve), ZERO).mul(limits.cashReserveFraction);
  // Cash kept back: how much of the required reserve the cash covers is the headroom; used = required / cash.
  out.push(use('CASH_RESERVE', null, 'cash reserve required / cash', required.isZero() ? ZERO : s.account.cash.gt(0) ? required.div(s.account.cash) : new Decimal(Infinity), required.isZero() ? null : new Decimal(1)));
  if (limits.rateLimit) {
    const recent = r.recentOrderTimes.filter((t) => t > now - limits.rateLimit!.windowMs && t <= now).length;
    out.push(use('RATE_LIMIT', null, `orders in the last ${limits.rateLimit.windowMs} ms`, new Decimal(recent), new Decimal(limits.rateLimit.maxOrders)));
  } else {
    out.push(use('RATE_LIMIT', null, 'orders per window', null, null));
  }
  const lastMarket = Math.max(-Infinity, ...Object.values(s.marketTimes));
  out.push(
    use('STALE_DATA', null, 'age of the market data (ms)', Number.isFinite(lastMarket) ? new Decimal(Math.max(0, now - lastMarket)) : null, limits.maxSnapshotAgeMs === null ? null : new Decimal(limits.maxSnapshotAgeMs)),
  );
  return {
    mode: r.mode,
    effectiveMode: effectiveMode(r),
    modeReasonCode: r.modeReasonCode ?? null,
    modeSince: r.modeSince ?? null,
    unresolvedUnknownOrders: r.unresolvedUnknownOrders,
    equity,
    peakEquity: r.peakEquity,
    dayStartEquity: r.dayStartEquity,
    day: r.day,
    cash: s.account.cash,
    reserve: s.account.reserve,
    limits: out,
  };
}
