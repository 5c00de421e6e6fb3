import type { Decimal } from 'decimal.js';

/** One OHLCV bar. `time` is the bar's open time, epoch milliseconds UTC. */
export interface Bar {
  time: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

/** Bar interval in ms, or null when unknown/irregular. */
export type IntervalMs = number | null;
