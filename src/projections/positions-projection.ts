import { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../events/event-factory.js';
import { fillAmounts } from './fill-amounts.js';
import { instrumentAssets, valueFill } from './fill-valuation.js';
import { averageCost, foldFill } from './position-book.js';

/**
 * The positions projection: per run and symbol, the signed quantity (short is negative), its cost basis,
 * gross realized PnL (average-cost method; long, short and flips through zero) and fees, built from
 * OrderFilled events deduplicated by fill id within the run.
 *
 * Fills are folded by the one fill fold (./position-book.ts) after their fee is valued (./fill-valuation.ts):
 * a fee in the quote asset ("QUOTE" or RunStarted.quoteAsset) is summed in `fees`; a fee in the base asset
 * changes the quantity the venue delivered and is valued at the fill price; a fee in any other asset is
 * kept per asset in `otherFees`.
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
  const valued = valueFill({ side: d.side, qty, price, fee, feeAsset: d.feeAsset, time: 0 }, instrumentAssets(d.symbol, run.quoteAsset ?? 'QUOTE'));
  const step = foldFill({ qty: p.qty, costBasis: p.costBasis, realizedPnl: p.realizedPnl, fees: p.fees, openTrip: null }, valued.fill);
  p.qty = step.book.qty;
  p.costBasis = step.book.costBasis;
  p.realizedPnl = step.book.realizedPnl;
  p.fees = step.book.fees;
  if (d.side === 'BUY') p.boughtQty = p.boughtQty.plus(qty);
  else p.soldQty = p.soldQty.plus(qty);
  if (valued.otherFee) p.otherFees.set(valued.otherFee.asset, (p.otherFees.get(valued.otherFee.asset) ?? ZERO).plus(valued.otherFee.amount));
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

export { unrealizedPnl } from './position-book.js';
