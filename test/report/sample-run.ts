import { marketOf } from '../../src/engine/strategy.js';
import { Decimal } from 'decimal.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { buyAndHold, computeMetrics, roundTrips, type Metrics, type ModeChange, type RoundTrip, type TradeFill } from '../../src/replay/metrics/index.js';
import { toFloat64Array } from '../../src/replay/metrics/series.js';
import { bar } from '../strategies/bars.js';

export interface SampleRun {
  times: number[];
  values: number[];
  closes: number[];
  /** Buy and hold on the same closes and fee. */
  benchmark: Float64Array;
  trades: RoundTrip[];
  metrics: Metrics;
  params: Readonly<Record<string, string>>;
}

/**
 * A tiny deterministic backtest for report tests: a sine-plus-drift price path, sma-cross, fills at the
 * signal bar's close with a 10 bps fee. Not the real runner; just enough to feed the report.
 */
export function sampleRun(bars = 400, intervalMs = 3_600_000, params: Record<string, string> = { fast: '5', slow: '20' }): SampleRun {
  const strategy = createStrategy('sma-cross', params);
  let state = strategy.initialState();
  let cash = new Decimal(10_000);
  let position = new Decimal(0);
  const times: number[] = [];
  const values: number[] = [];
  const closes: number[] = [];
  const fills: TradeFill[] = [];
  let fees = new Decimal(0);
  let inMarket = 0;
  let close = new Decimal(100);
  for (let i = 0; i < bars; i++) {
    const c = 100 + 10 * Math.sin(i / 25) + i * 0.02 + 3 * Math.sin(i * 1.7);
    close = new Decimal(c.toFixed(2));
    const b = { ...bar(i, c + 1, c - 1, Number(close)), time: Date.UTC(2024, 0, 1) + i * intervalMs };
    const equity = cash.plus(position.mul(close));
    const out = strategy.onBar(state, marketOf(b), { position, equity, cash });
    state = out.state;
    for (const intent of out.intents) {
      const fee = intent.qty.mul(close).mul('0.001');
      fills.push({ side: intent.side, qty: intent.qty, price: close, fee, time: b.time });
      const notional = intent.qty.mul(close);
      cash = intent.side === 'BUY' ? cash.minus(notional) : cash.plus(notional);
      cash = cash.minus(fee);
      fees = fees.plus(fee);
      position = intent.side === 'BUY' ? position.plus(intent.qty) : position.minus(intent.qty);
    }
    if (!position.isZero()) inMarket++;
    times.push(b.time);
    closes.push(close.toNumber());
    values.push(cash.plus(position.mul(close)).toNumber());
  }
  const trades = roundTrips(fills, { price: close, time: times[times.length - 1]! });
  const held = buyAndHold({ closes, entry: { price: new Decimal(closes[0]!), barIndex: 0, time: times[0]! }, exitPrice: close, initialCash: new Decimal(10_000), feeBps: new Decimal(10), slippageBps: new Decimal(0), qtyStep: new Decimal('0.0001') })!;
  const metrics = computeMetrics({
    equityCurve: values,
    times,
    intervalMs,
    trades,
    fees,
    initialEquity: 10_000,
    finalEquity: cash.plus(position.mul(close)),
    barsInMarket: inMarket,
    benchmark: { label: 'buy and hold', description: 'all cash in at the first close, out at the last', equityCurve: held.equityCurve, finalEquity: held.finalEquity, fees: held.fees },
    modeChanges: [] as ModeChange[],
  });
  return { times, values, closes, benchmark: toFloat64Array(held.equityCurve), trades, metrics, params: strategy.params };
}
