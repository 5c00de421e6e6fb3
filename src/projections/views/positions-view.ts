import type { Decimal } from 'decimal.js';
import { listPositions, unrealizedPnl } from '../positions-projection.js';
import type { PositionsState } from '../positions-projection.js';

/**
 * What `engine positions` shows of one run: per instrument the signed quantity, its average cost, realized
 * PnL (gross, fees, net) and unrealized PnL at the last price. The last price is the close of the run's last
 * recorded bar when the caller found one, else the last fill's price (a decisions-mode backtest records no
 * bars), and the row says which.
 */

export interface LastPrice {
  price: Decimal;
  source: 'BAR' | 'FILL';
  /** Bar open time for BAR, null for FILL. */
  at: string | null;
}

export interface PositionRow {
  symbol: string;
  qty: Decimal;
  avgCost: Decimal | null;
  costBasis: Decimal;
  lastPrice: LastPrice | null;
  marketValue: Decimal | null;
  realizedPnl: Decimal;
  fees: Decimal;
  netRealizedPnl: Decimal;
  unrealizedPnl: Decimal | null;
  fills: number;
}

export function positionRows(state: PositionsState, runId: string, bars: ReadonlyMap<string, { price: Decimal; barTime: string }>): PositionRow[] {
  return listPositions(state, runId).map((p) => {
    const bar = bars.get(p.symbol);
    const lastPrice: LastPrice | null = bar ? { price: bar.price, source: 'BAR', at: bar.barTime } : p.fills > 0 ? { price: p.lastFillPrice, source: 'FILL', at: null } : null;
    return {
      symbol: p.symbol,
      qty: p.qty,
      avgCost: p.avgCost,
      costBasis: p.costBasis,
      lastPrice,
      marketValue: lastPrice ? p.qty.times(lastPrice.price) : null,
      realizedPnl: p.realizedPnl,
      fees: p.fees,
      netRealizedPnl: p.netRealizedPnl,
      unrealizedPnl: lastPrice ? unrealizedPnl(p, lastPrice.price) : null,
      fills: p.fills,
    };
  });
}

const s = (d: Decimal | null): string | null => (d === null ? null : d.toFixed());

/** The --json shape: decimals as strings, as in events. */
export function positionRowJson(r: PositionRow): Record<string, unknown> {
  return {
    symbol: r.symbol,
    qty: r.qty.toFixed(),
    avgCost: s(r.avgCost),
    costBasis: r.costBasis.toFixed(),
    lastPrice: r.lastPrice ? { price: r.lastPrice.price.toFixed(), source: r.lastPrice.source, at: r.lastPrice.at } : null,
    marketValue: s(r.marketValue),
    realizedPnl: r.realizedPnl.toFixed(),
    fees: r.fees.toFixed(),
    netRealizedPnl: r.netRealizedPnl.toFixed(),
    unrealizedPnl: s(r.unrealizedPnl),
    fills: r.fills,
  };
}
