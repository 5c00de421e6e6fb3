import type { Bar } from '../../engine/bar.js';

/** The bars' closes as the report and the benchmark need them, aligned with the equity curve. */
export interface PriceSeries {
  symbol: string;
  /** Close of each bar (float: charts and statistics), in bar order. */
  closes: Float64Array;
  /** The first two bars and the last, exact (where the buy-and-hold benchmark trades). */
  firstBars: readonly Bar[];
  lastBar: Bar | null;
}

/**
 * Records each bar the backtest's market serves: its close in a growable Float64Array (8 bytes a bar, off
 * the JS heap: a year of minute bars is 4 MB, never a million objects), and only the few bars the
 * benchmark trades at as objects.
 */
export class PriceTape {
  private closes = new Float64Array(1024);
  private n = 0;
  private readonly first: Bar[] = [];
  private last: Bar | null = null;

  constructor(private readonly symbol: string) {}

  push = (bar: Bar): void => {
    if (this.n === this.closes.length) {
      const grown = new Float64Array(this.closes.length * 2);
      grown.set(this.closes);
      this.closes = grown;
    }
    this.closes[this.n++] = bar.close.toNumber();
    if (this.first.length < 2) this.first.push(bar);
    this.last = bar;
  };

  series(): PriceSeries {
    return { symbol: this.symbol, closes: this.closes.subarray(0, this.n), firstBars: [...this.first], lastBar: this.last };
  }
}
