import { Decimal } from 'decimal.js';
import { normalizeDecimal } from '../../events/decimal-string.js';
import { isoTime as iso } from '../../events/time.js';
import { annualization, DAY_MS } from './annualization.js';
import { drawdownStats } from './drawdown.js';
import type { RoundTrip } from './round-trips.js';
import { downsideDeviation, mean, sampleStdDev, simpleReturns } from './statistics.js';

/**
 * The backtest's performance figures. Returns are per bar, taken on the bar-level equity curve with
 * the initial equity as the point before the first bar; Sharpe and Sortino use the sample standard
 * deviation (n - 1) and a zero risk-free rate, annualised by sqrt(periods per year) (see
 * annualization.ts; the factor used is part of the result). Monetary figures are decimal strings;
 * ratios are numbers, or null with a note when undefined (JSON has no Infinity or NaN).
 */

export interface MetricsInput {
  /** Equity at each bar's close, in the quote asset. */
  equityCurve: Float64Array | readonly number[];
  /** Each bar's time (open time), epoch ms; same length as equityCurve. */
  times: Float64Array | readonly number[];
  /** The bar interval, or null to infer it from the times. */
  intervalMs: number | null;
  trades: readonly RoundTrip[];
  /** Total fees paid, in the quote asset. */
  fees: Decimal.Value;
  initialEquity: Decimal.Value;
  /** The exact final equity, when the caller has it; otherwise the curve's last value is used. */
  finalEquity?: Decimal.Value;
  /** Bars that ended with a non-zero position. */
  barsInMarket: number;
}

export interface Metrics {
  bars: number;
  startTime: string | null;
  endTime: string | null;
  initialEquity: string;
  finalEquity: string;
  netProfit: string;
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  /** Annualised standard deviation of per-bar returns. */
  volatility: number | null;
  periodsPerYear: number;
  /** sqrt(periodsPerYear). */
  annualizationFactor: number;
  annualizationBasis: string;
  intervalMs: number | null;
  maxDrawdown: number;
  maxDrawdownPeakTime: string | null;
  maxDrawdownTroughTime: string | null;
  /** The longest stretch below a previous equity peak: its bars, and its calendar time from the peak to the bar that regained it (or the last bar). */
  maxDrawdownDurationBars: number;
  maxDrawdownDurationMs: number | null;
  tradeCount: number;
  winRate: number | null;
  profitFactor: number | null;
  grossProfit: string;
  grossLoss: string;
  averageTradePnl: string | null;
  exposure: number;
  barsInMarket: number;
  totalFees: string;
  notes: string[];
}

export function computeMetrics(input: MetricsInput): Metrics {
  const curve = input.equityCurve;
  const n = curve.length;
  if (input.times.length !== n) throw new RangeError(`times has ${input.times.length} entries but equityCurve has ${n}`);
  const notes: string[] = [];
  const initial = new Decimal(input.initialEquity);
  const final = input.finalEquity !== undefined ? new Decimal(input.finalEquity) : n > 0 ? floatToDecimal(curve[n - 1]!) : initial;

  const levels = new Float64Array(n + 1);
  levels[0] = initial.toNumber();
  for (let i = 0; i < n; i++) levels[i + 1] = curve[i]!;

  const ann = annualization(input.times, input.intervalMs);
  const { returns, ruined } = simpleReturns(levels);
  if (ruined) notes.push('equity reached zero or below: return statistics stop there');
  const ratios = riskAdjusted(returns, ann.factor, notes);

  // levels[0] is the initial equity, at the first bar's time; levels[i] the equity at bar i - 1.
  const levelTime = (levelIndex: number): number => input.times[Math.max(0, levelIndex - 1)]!;
  const dd = drawdownStats(levels, n > 0 ? levelTime : undefined);
  const timeAt = (levelIndex: number | null): string | null => (levelIndex === null || n === 0 ? null : iso(levelTime(levelIndex)));

  const totalReturn = initial.gt(0) ? final.div(initial).minus(1).toNumber() : 0;
  const cagr = compoundAnnualGrowth(initial, final, input.times, ann.intervalMs, notes);
  const tradeStats = tradeFigures(input.trades, notes);

  return {
    bars: n,
    startTime: n > 0 ? iso(input.times[0]!) : null,
    endTime: n > 0 ? iso(input.times[n - 1]!) : null,
    initialEquity: normalizeDecimal(initial),
    finalEquity: normalizeDecimal(final),
    netProfit: normalizeDecimal(final.minus(initial)),
    totalReturn,
    cagr,
    ...ratios,
    periodsPerYear: ann.periodsPerYear,
    annualizationFactor: ann.factor,
    annualizationBasis: ann.description,
    intervalMs: ann.intervalMs,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownPeakTime: timeAt(dd.peakIndex),
    maxDrawdownTroughTime: timeAt(dd.troughIndex),
    maxDrawdownDurationBars: dd.longestBars,
    maxDrawdownDurationMs: dd.longestMs,
    ...tradeStats,
    exposure: n > 0 ? input.barsInMarket / n : 0,
    barsInMarket: input.barsInMarket,
    totalFees: normalizeDecimal(new Decimal(input.fees)),
    notes,
  };
}

function riskAdjusted(returns: Float64Array, factor: number, notes: string[]): { sharpe: number | null; sortino: number | null; volatility: number | null } {
  if (returns.length < 2) {
    notes.push('fewer than two returns: Sharpe, Sortino and volatility are undefined');
    return { sharpe: null, sortino: null, volatility: null };
  }
  const m = mean(returns);
  const sd = sampleStdDev(returns)!;
  const down = downsideDeviation(returns)!;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (sd > 0) sharpe = (m / sd) * factor;
  else notes.push('returns have zero variance: Sharpe is undefined');
  if (down > 0) sortino = (m / down) * factor;
  else notes.push('no negative returns: Sortino is undefined (infinite)');
  return { sharpe, sortino, volatility: sd * factor };
}

function compoundAnnualGrowth(initial: Decimal, final: Decimal, times: ArrayLike<number>, intervalMs: number | null, notes: string[]): number | null {
  const n = times.length;
  if (n === 0 || initial.lte(0)) return null;
  const spanMs = times[n - 1]! - times[0]! + (intervalMs ?? 0);
  if (!(spanMs > 0)) {
    notes.push('the data spans no time: CAGR is undefined');
    return null;
  }
  const years = spanMs / (365.25 * DAY_MS);
  if (final.lte(0)) return -1;
  if (years < 1) notes.push(`CAGR is extrapolated from ${(spanMs / DAY_MS).toFixed(1)} days of data`);
  return Math.pow(final.div(initial).toNumber(), 1 / years) - 1;
}

function tradeFigures(trades: readonly RoundTrip[], notes: string[]): Pick<Metrics, 'tradeCount' | 'winRate' | 'profitFactor' | 'grossProfit' | 'grossLoss' | 'averageTradePnl'> {
  let grossProfit = new Decimal(0);
  let grossLoss = new Decimal(0);
  let wins = 0;
  let total = new Decimal(0);
  for (const t of trades) {
    total = total.plus(t.pnl);
    if (t.pnl.gt(0)) {
      wins++;
      grossProfit = grossProfit.plus(t.pnl);
    } else grossLoss = grossLoss.plus(t.pnl.neg());
  }
  const count = trades.length;
  let profitFactor: number | null = null;
  if (count === 0) notes.push('no trades: win rate and profit factor are undefined');
  else if (grossLoss.isZero()) notes.push(grossProfit.gt(0) ? 'no losing trades: profit factor is infinite (reported as null)' : 'no profit and no loss: profit factor is undefined');
  else profitFactor = grossProfit.div(grossLoss).toNumber();
  return {
    tradeCount: count,
    winRate: count > 0 ? wins / count : null,
    profitFactor,
    grossProfit: normalizeDecimal(grossProfit.toDecimalPlaces(12)),
    grossLoss: normalizeDecimal(grossLoss.toDecimalPlaces(12)),
    averageTradePnl: count > 0 ? normalizeDecimal(total.div(count).toDecimalPlaces(12)) : null,
  };
}

function floatToDecimal(x: number): Decimal {
  return new Decimal(x.toPrecision(15));
}
