/**
 * computeMetrics as it was before it read the equity curve through views (src/replay/metrics/series.ts):
 * kept verbatim, with its own copies of the statistics it called, as the reference the views must
 * reproduce bit for bit (test/metrics/metric-views.property.test.ts).
 */
import { Decimal } from 'decimal.js';
import { normalizeDecimal } from '../../../src/events/decimal-string.js';
import { isoTime as iso } from '../../../src/events/time.js';
import { annualization } from '../../../src/replay/metrics/annualization.js';
import { relativeFigures } from './benchmark.js';
import { drawdownStats } from './drawdown.js';
import { calendarReturns, type CalendarReturns } from '../../../src/replay/metrics/period-returns.js';
import { riskModeFigures, type ModeChange, type RiskModeFigures } from '../../../src/replay/metrics/risk-modes.js';
import type { RoundTrip } from '../../../src/replay/metrics/round-trips.js';
import { downsideDeviation, mean, sampleStdDev, simpleReturns } from './statistics.js';

/**
 * The backtest's performance figures, with empyrical's conventions (conventions.ts, checked in
 * test/metrics/empyrical-conventions.test.ts): simple returns per bar on the bar-level equity curve with
 * the initial equity as the point before the first bar; Sharpe and volatility with the sample standard
 * deviation (ddof 1), Sortino with the downside deviation over all returns, a zero risk-free rate, all
 * annualised by sqrt(periods per year) (annualization.ts; the factor used is part of the result); CAGR
 * over bars / periods per year. The figures are recorded in the run's RunEnded, so the conventions are not
 * repeated in them: they live in METRIC_CONVENTIONS, which the summary and the report print. With a benchmark (buy and hold), the same figures for it, the
 * differences, beta, alpha and the information ratio. Monetary figures are decimal strings; ratios are
 * numbers, or null with a note when undefined (JSON has no Infinity or NaN).
 */

export interface BenchmarkInput {
  /** e.g. "buy and hold". */
  label: string;
  /** How it was built, in one sentence (entry, exit, costs). */
  description: string;
  /** Its equity at each bar close, aligned with the strategy's curve. */
  equityCurve: ArrayLike<number>;
  finalEquity: Decimal.Value;
  fees: Decimal.Value;
}

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
  /** The benchmark to compare with (same bars, same starting equity). */
  benchmark?: BenchmarkInput | null;
  /** The run's risk-mode changes (RiskModeChanged), oldest first; absent: no risk-mode figures. */
  modeChanges?: readonly ModeChange[];
}

/** Figures of one equity curve. */
export interface CurveFigures {
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  /** Annualised standard deviation of per-bar returns. */
  volatility: number | null;
  maxDrawdown: number;
}

export interface BenchmarkMetrics extends CurveFigures {
  label: string;
  description: string;
  finalEquity: string;
  netProfit: string;
  fees: string;
  /** Strategy minus benchmark: return and CAGR in fractions, Sharpe and Sortino in ratio points, max drawdown in fractions (negative: shallower). */
  excess: { totalReturn: number; cagr: number | null; sharpe: number | null; sortino: number | null; maxDrawdown: number };
  beta: number | null;
  /** Annualised, per empyrical's alpha. */
  alpha: number | null;
  /** Annualised mean active return over its tracking error. */
  informationRatio: number | null;
  /** The strategy ended with more than the benchmark (net of all costs). */
  beatOnReturn: boolean;
  /** Its Sharpe ratio was higher (null when either is undefined). */
  beatOnSharpe: boolean | null;
}

export interface Metrics extends CurveFigures {
  bars: number;
  startTime: string | null;
  endTime: string | null;
  initialEquity: string;
  finalEquity: string;
  netProfit: string;
  periodsPerYear: number;
  /** sqrt(periodsPerYear). */
  annualizationFactor: number;
  annualizationBasis: string;
  intervalMs: number | null;
  /** The years CAGR compounds over: bars / periodsPerYear. */
  cagrYears: number | null;
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
  benchmark: BenchmarkMetrics | null;
  /** Monthly and yearly returns (UTC calendar), with the benchmark's beside. */
  calendar: CalendarReturns;
  riskModes: RiskModeFigures | null;
  notes: string[];
}

export function computeMetrics(input: MetricsInput): Metrics {
  const curve = input.equityCurve;
  const n = curve.length;
  if (input.times.length !== n) throw new RangeError(`times has ${input.times.length} entries but equityCurve has ${n}`);
  const notes: string[] = [];
  const initial = new Decimal(input.initialEquity);
  const final = input.finalEquity !== undefined ? new Decimal(input.finalEquity) : n > 0 ? floatToDecimal(curve[n - 1]!) : initial;

  const ann = annualization(input.times, input.intervalMs);
  const own = curveFigures(curve, initial, final, ann.periodsPerYear, notes, '');
  const cagrYears = n > 0 ? n / ann.periodsPerYear : null;
  if (cagrYears !== null && cagrYears < 1 && own.figures.cagr !== null) notes.push(`CAGR is extrapolated from ${n} bars (${cagrYears.toFixed(2)} years at ${fmt(ann.periodsPerYear)} a year)`);

  // levels[0] is the initial equity, at the first bar's time; levels[i] the equity at bar i - 1.
  const levelTime = (levelIndex: number): number => input.times[Math.max(0, levelIndex - 1)]!;
  const dd = drawdownStats(own.levels, n > 0 ? levelTime : undefined);
  const timeAt = (levelIndex: number | null): string | null => (levelIndex === null || n === 0 ? null : iso(levelTime(levelIndex)));
  const tradeStats = tradeFigures(input.trades, notes);
  const benchmark = input.benchmark && n > 0 ? benchmarkMetrics(input.benchmark, own, initial, final, ann.periodsPerYear, notes) : null;
  const end = n > 0 ? input.times[n - 1]! + (ann.intervalMs ?? 0) : 0;

  return {
    bars: n,
    startTime: n > 0 ? iso(input.times[0]!) : null,
    endTime: n > 0 ? iso(input.times[n - 1]!) : null,
    initialEquity: normalizeDecimal(initial),
    finalEquity: normalizeDecimal(final),
    netProfit: normalizeDecimal(final.minus(initial)),
    ...own.figures,
    periodsPerYear: ann.periodsPerYear,
    annualizationFactor: ann.factor,
    annualizationBasis: ann.description,
    intervalMs: ann.intervalMs,
    cagrYears,
    maxDrawdownPeakTime: timeAt(dd.peakIndex),
    maxDrawdownTroughTime: timeAt(dd.troughIndex),
    maxDrawdownDurationBars: dd.longestBars,
    maxDrawdownDurationMs: dd.longestMs,
    ...tradeStats,
    exposure: n > 0 ? input.barsInMarket / n : 0,
    barsInMarket: input.barsInMarket,
    totalFees: normalizeDecimal(new Decimal(input.fees)),
    benchmark,
    calendar: calendarReturns(input.times, curve, initial.toNumber(), input.benchmark && n > 0 ? input.benchmark.equityCurve : null),
    riskModes: input.modeChanges && n > 0 ? riskModeFigures(input.modeChanges, input.times[0]!, end) : null,
    notes,
  };
}

interface CurveResult {
  figures: CurveFigures;
  levels: Float64Array;
  returns: Float64Array;
}

/** The figures of one curve; `who` prefixes its notes ('' for the strategy). */
function curveFigures(curve: ArrayLike<number>, initial: Decimal, final: Decimal, periodsPerYear: number, notes: string[], who: string): CurveResult {
  const n = curve.length;
  const levels = new Float64Array(n + 1);
  levels[0] = initial.toNumber();
  for (let i = 0; i < n; i++) levels[i + 1] = curve[i]!;
  const { returns, ruined } = simpleReturns(levels);
  if (ruined) notes.push(`${who}equity reached zero or below: return statistics stop there`);
  const ratios = riskAdjusted(returns, Math.sqrt(periodsPerYear), notes, who);
  return {
    figures: {
      totalReturn: initial.gt(0) ? final.div(initial).minus(1).toNumber() : 0,
      cagr: compoundAnnualGrowth(initial, final, n, periodsPerYear),
      ...ratios,
      maxDrawdown: drawdownStats(levels).maxDrawdown,
    },
    levels,
    returns,
  };
}

function riskAdjusted(returns: Float64Array, factor: number, notes: string[], who: string): { sharpe: number | null; sortino: number | null; volatility: number | null } {
  if (returns.length < 2) {
    notes.push(`${who}fewer than two returns: Sharpe, Sortino and volatility are undefined`);
    return { sharpe: null, sortino: null, volatility: null };
  }
  const m = mean(returns);
  const sd = sampleStdDev(returns)!;
  const down = downsideDeviation(returns)!;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (sd > 0) sharpe = (m / sd) * factor;
  else notes.push(`${who}returns have zero variance: Sharpe is undefined`);
  if (down > 0) sortino = (m / down) * factor;
  else notes.push(`${who}no negative returns: Sortino is undefined (infinite)`);
  return { sharpe, sortino, volatility: sd * factor };
}

/** empyrical's annual_return: (final / initial)^(1 / years) - 1 with years = bars / periods per year. */
function compoundAnnualGrowth(initial: Decimal, final: Decimal, bars: number, periodsPerYear: number): number | null {
  if (bars === 0 || initial.lte(0)) return null;
  if (final.lte(0)) return -1;
  return Math.pow(final.div(initial).toNumber(), periodsPerYear / bars) - 1;
}

function benchmarkMetrics(b: BenchmarkInput, own: CurveResult, initial: Decimal, final: Decimal, periodsPerYear: number, notes: string[]): BenchmarkMetrics {
  if (b.equityCurve.length !== own.levels.length - 1) throw new RangeError(`the benchmark has ${b.equityCurve.length} points but the equity curve ${own.levels.length - 1}`);
  const theirFinal = new Decimal(b.finalEquity);
  const theirs = curveFigures(b.equityCurve, initial, theirFinal, periodsPerYear, notes, `${b.label}: `);
  const f = theirs.figures;
  const o = own.figures;
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : x - y);
  return {
    label: b.label,
    description: b.description,
    finalEquity: normalizeDecimal(theirFinal),
    netProfit: normalizeDecimal(theirFinal.minus(initial)),
    fees: normalizeDecimal(new Decimal(b.fees)),
    ...f,
    excess: {
      totalReturn: o.totalReturn - f.totalReturn,
      cagr: diff(o.cagr, f.cagr),
      sharpe: diff(o.sharpe, f.sharpe),
      sortino: diff(o.sortino, f.sortino),
      maxDrawdown: o.maxDrawdown - f.maxDrawdown,
    },
    ...relativeFigures(own.returns, theirs.returns, periodsPerYear),
    beatOnReturn: final.gt(theirFinal),
    beatOnSharpe: o.sharpe === null || f.sharpe === null ? null : o.sharpe > f.sharpe,
  };
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

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function floatToDecimal(x: number): Decimal {
  return new Decimal(x.toPrecision(15));
}
