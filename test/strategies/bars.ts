import { marketOf } from '../../src/engine/strategy.js';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import type { Bar } from '../../src/engine/bar.js';
import type { AccountView, IntentDraft, Strategy } from '../../src/engine/strategy.js';

const DAY = 86_400_000;

export function bar(i: number, high: number, low: number, close: number): Bar {
  return { time: i * DAY, open: new Decimal(close), high: new Decimal(high), low: new Decimal(low), close: new Decimal(close), volume: new Decimal(1000) };
}

/** Bars around the given closes, high/low half a unit away. */
export function barsFromCloses(closes: readonly number[]): Bar[] {
  return closes.map((c, i) => bar(i, c + 0.5, c - 0.5, c));
}

export function flat(equity: Decimal.Value = 10_000): AccountView {
  return { position: new Decimal(0), equity: new Decimal(equity), cash: new Decimal(equity) };
}

export interface Step {
  index: number;
  intents: IntentDraft[];
}

/**
 * Runs a strategy over bars with an idealised account: every intent fills at once at the close, so the
 * next bar sees the new position. Equity is held constant (sizing tests vary it explicitly).
 */
export function runWithInstantFills(strategy: Strategy, bars: readonly Bar[], equity: Decimal.Value = 10_000): Step[] {
  let state = strategy.initialState();
  let position = new Decimal(0);
  const steps: Step[] = [];
  bars.forEach((b, index) => {
    const out = strategy.onBar(state, marketOf(b), { position, equity: new Decimal(equity), cash: new Decimal(equity) });
    state = out.state;
    for (const intent of out.intents) position = intent.side === 'BUY' ? position.plus(intent.qty) : position.minus(intent.qty);
    if (out.intents.length > 0) steps.push({ index, intents: out.intents });
  });
  return steps;
}

/** Random but valid OHLC bars as a random walk (prices stay positive). */
export const arbBars = (maxLength = 120): fc.Arbitrary<Bar[]> =>
  fc
    .array(fc.tuple(fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.double({ min: 0, max: 0.03, noNaN: true }), fc.double({ min: 0, max: 0.03, noNaN: true })), { minLength: 1, maxLength })
    .map((moves) => {
      let close = 100;
      return moves.map(([ret, up, down], i) => {
        close = Math.max(0.01, close * (1 + ret));
        const c = Number(close.toFixed(6));
        return bar(i, Number((c * (1 + up)).toFixed(6)), Number((c * (1 - down)).toFixed(6)), c);
      });
    });

/** Intents in a comparable plain form. */
export function plain(intents: readonly IntentDraft[]): unknown[] {
  return intents.map((i) => ({ ...i, qty: i.qty.toString(), limitPrice: i.limitPrice?.toString() ?? null }));
}
