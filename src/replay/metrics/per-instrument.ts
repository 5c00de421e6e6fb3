import { Decimal } from 'decimal.js';
import type { BookFill } from '../../projections/position-book.js';
import type { RunTrade } from './run-trades.js';

/** One instrument's share of a run (several-instrument backtests): its fills, volume, fees and round trips. */
export interface InstrumentFigures {
  symbol: string;
  fills: number;
  /** Quantity x price of every fill, bought and sold. */
  turnover: string;
  fees: string;
  trades: number;
  wins: number;
  /** Sum of its round trips' P&L, each net of its fees. */
  netProfit: string;
}

/**
 * Per instrument, in the order the run names them. The totals are the run's own figures: the instruments'
 * net profits add up to the run's (every round trip belongs to one instrument).
 */
export function perInstrument(
  symbols: readonly string[],
  fills: ReadonlyArray<{ symbol: string; fill: BookFill }>,
  trades: readonly RunTrade[],
): InstrumentFigures[] {
  return symbols.map((symbol) => {
    let turnover = new Decimal(0);
    let fees = new Decimal(0);
    let count = 0;
    for (const f of fills) {
      if (f.symbol !== symbol) continue;
      count++;
      turnover = turnover.plus(f.fill.qty.mul(f.fill.price));
      fees = fees.plus(f.fill.fee);
    }
    const own = trades.filter((t) => t.symbol === symbol);
    return {
      symbol,
      fills: count,
      turnover: turnover.toFixed(),
      fees: fees.toFixed(),
      trades: own.length,
      wins: own.filter((t) => t.pnl.gt(0)).length,
      netProfit: own.reduce((s, t) => s.plus(t.pnl), new Decimal(0)).toFixed(),
    };
  });
}
