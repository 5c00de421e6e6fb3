import type { Bar } from '../../engine/bar.js';

/** The run's first instrument's closes, one per cycle, aligned with the equity curve. */
export interface PriceSeries {
  symbol: string;
  /**
   * Close at each cycle (float: charts and statistics). A cycle where the instrument has no bar (a gap, or
   * before its data starts) repeats the last close, NaN before the first.
   */
  closes: Float64Array;
  /** The instrument's first two bars, exact, with the cycle each came in (where buy and hold trades). */
  firstBars: ReadonlyArray<{ index: number; bar: Bar }>;
  lastBar: Bar | null;
}

/**
 * Records the bars the backtest's market serves, for one instrument: its close per cycle in a growable
 * Float64Array (8 bytes a cycle, off the JS heap: a year of minute bars is 4 MB, never a million objects),
 * and only the few bars the benchmark trades at as objects.
 */
export class PriceTape {
  private closes: Float64Array;
  private n = 0;
  private readonly first: Array<{ index: number; bar: Bar }> = [];
  private last: Bar | null = null;

  /** `capacity`: the cycles expected (the run's bar count), so a long run's array never regrows. */
  constructor(
    private readonly symbol: string,
    capacity = 1024,
  ) {
    this.closes = new Float64Array(Math.max(1, capacity));
  }

  push = (bars: ReadonlyArray<{ symbol: string; bar: Bar }>): void => {
    if (this.n === this.closes.length) {
      const grown = new Float64Array(this.closes.length * 2);
      grown.set(this.closes);
      this.closes = grown;
    }
    const mine = bars.find((b) => b.symbol === this.symbol)?.bar;
    if (mine) {
      if (this.first.length < 2) this.first.push({ index: this.n, bar: mine });
      this.last = mine;
    }
    this.closes[this.n] = mine ? mine.close.toNumber() : this.n > 0 ? this.closes[this.n - 1]! : Number.NaN;
    this.n++;
  };

  series(): PriceSeries {
    return { symbol: this.symbol, closes: this.closes.subarray(0, this.n), firstBars: [...this.first], lastBar: this.last };
  }
}
