import { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../events/event-factory.js';
import { applyFill, averageCost, fillAmounts } from './fill-math.js';

/**
 * The positions projection: per run and symbol, the signed quantity (short is negative), its cost basis,
 * gross realized PnL (average-cost method; long, short and flips through zero) and fees, built from
 * OrderFilled events deduplicated by fill id within the run.
 *
 * Fees charged in the run's quote asset ("QUOTE" or RunStarted.quoteAsset) are summed in `fees`; a fee in
 * any other asset is kept per asset in `otherFees` and does not change the quantity (the venue's balance
 * in that asset is its own business).
 */

export interface Position {
  symbol: string;
  qty: Decimal;
  /** What the open quantity cost: positive long, negative short, zero flat. */
  costBasis: Decimal;
  realizedPnl: Decimal;
  fees: Decimal;
  otherFees: Map<string, Decimal>;
  boughtQty: Decimal;
  soldQty: Decimal;
  fills: number;
  lastFillPrice: Decimal;
}

export interface RunPositions {
  quoteAsset: string | null;
  symbols: Map<string, Position>;
  seenFillIds: Set<string>;
  duplicateFills: number;
}

export interface PositionsState {
  runs: Map<string, RunPositions>;
}

const ZERO = new Decimal(0);

export function initialPositionsState(): PositionsState {
  return { runs: new Map() };
}

export function newRunPositions(): RunPositions {
  return { quoteAsset: null, symbols: new Map(), seenFillIds: new Set(), duplicateFills: 0 };
}

function runOf(state: PositionsState, runId: string): RunPositions {
  let run = state.runs.get(runId);
  if (!run) {
    run = newRunPositions();
    state.runs.set(runId, run);
  }
  return run;
}

export function isQuoteFee(feeAsset: string, quoteAsset: string | null): boolean {
  return feeAsset === 'QUOTE' || feeAsset === quoteAsset;
}

/** Fold one event; the state is owned by the fold and updated in place. */
export function evolvePositions(state: PositionsState, e: AnyStoredEvent): PositionsState {
  if (e.type === 'RunStarted') {
    runOf(state, e.metadata.runId).quoteAsset = e.data.quoteAsset;
    return state;
  }
  if (e.type !== 'OrderFilled') return state;
  const d = e.data;
  const run = runOf(state, e.metadata.runId);
  if (run.seenFillIds.has(d.fillId)) {
    run.duplicateFills++;
    return state;
  }
  run.seenFillIds.add(d.fillId);
  let p = run.symbols.get(d.symbol);
  if (!p) {
    p = {
      symbol: d.symbol,
      qty: ZERO,
      costBasis: ZERO,
      realizedPnl: ZERO,
      fees: ZERO,
      otherFees: new Map(),
      boughtQty: ZERO,
      soldQty: ZERO,
      fills: 0,
      lastFillPrice: ZERO,
    };
    run.symbols.set(d.symbol, p);
  }
  const { qty, price, fee } = fillAmounts(d);
  const fx = applyFill(p, d.side, qty, price);
  p.qty = fx.qty;
  p.costBasis = fx.costBasis;
  p.realizedPnl = p.realizedPnl.plus(fx.realized);
  if (d.side === 'BUY') p.boughtQty = p.boughtQty.plus(qty);
  else p.soldQty = p.soldQty.plus(qty);
  if (isQuoteFee(d.feeAsset, run.quoteAsset)) p.fees = p.fees.plus(fee);
  else p.otherFees.set(d.feeAsset, (p.otherFees.get(d.feeAsset) ?? ZERO).plus(fee));
  p.fills++;
  p.lastFillPrice = price;
  return state;
}

/** A position as callers see it: a copy, with the derived figures. */
export interface PositionView {
  runId: string;
  symbol: string;
  qty: Decimal;
  costBasis: Decimal;
  /** Average entry price of the open quantity, null when flat. */
  avgCost: Decimal | null;
  realizedPnl: Decimal;
  fees: Decimal;
  /** realizedPnl - fees. */
  netRealizedPnl: Decimal;
  fills: number;
  lastFillPrice: Decimal;
}

function view(runId: string, p: Position): PositionView {
  return {
    runId,
    symbol: p.symbol,
    qty: p.qty,
    costBasis: p.costBasis,
    avgCost: averageCost(p),
    realizedPnl: p.realizedPnl,
    fees: p.fees,
    netRealizedPnl: p.realizedPnl.minus(p.fees),
    fills: p.fills,
    lastFillPrice: p.lastFillPrice,
  };
}

export function positionOf(state: PositionsState, runId: string, symbol: string): PositionView | null {
  const p = state.runs.get(runId)?.symbols.get(symbol);
  return p ? view(runId, p) : null;
}

export function listPositions(state: PositionsState, runId: string): PositionView[] {
  const run = state.runs.get(runId);
  if (!run) return [];
  return [...run.symbols.values()].map((p) => view(runId, p)).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** Unrealized PnL at a mark price: qty x mark - costBasis. */
export function unrealizedPnl(p: Pick<Position, 'qty' | 'costBasis'>, mark: Decimal.Value): Decimal {
  return p.qty.times(mark).minus(p.costBasis);
}
