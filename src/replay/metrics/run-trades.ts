import { Decimal } from 'decimal.js';
import type { EventData, EventType } from '../../events/catalog.js';
import type { EventMetadata } from '../../events/envelope.js';
import { valueRecordedFill } from '../../projections/fill-valuation.js';
import { type BookFill, type RoundTrip } from '../../projections/position-book.js';
import { roundTrips } from './round-trips.js';

/**
 * The round trips of one run, as a pure function of its events: what the backtest summary reports and
 * what `engine export trades` writes, so the two agree by construction.
 *
 * - Fills are folded per instrument by the one fill fold (src/projections/position-book.ts), each once
 *   (by fill id), with its fee valued in the run's quote asset (src/projections/fill-valuation.ts; the
 *   quote asset comes from RunStarted).
 * - A fill's time is the venue's (`OrderFilled.time`, v3); fills recorded before v3 have none and take
 *   the engine time of their event (`metadata.at`).
 * - The trip closed by the end-of-data close-out (the fill of an order whose intent says END_OF_DATA,
 *   when it is the instrument's last fill) is marked `openAtEnd`.
 * - Trips are ordered by exit time, then entry time.
 */

/** A round trip and the instrument it traded. */
export interface RunTrade extends RoundTrip {
  symbol: string;
}

/** What the fold reads of an event: stored (read from a log) or new (as the backtest appends it). */
export type RunEventLike = { [T in EventType]: { type: T; data: EventData<T>; metadata: EventMetadata } }[EventType];

/** The reason an intent of the end-of-data close-out carries in its context (src/engine/decider/close-out.ts). */
export const END_OF_DATA_REASON = 'END_OF_DATA';

interface SymbolFills {
  fills: BookFill[];
  lastClientOrderId: string;
}

/** The incremental form: observe() each event of the run in order, then trades(). */
export class RunTradesFold {
  private quoteAsset = 'QUOTE';
  private readonly bySymbol = new Map<string, SymbolFills>();
  private readonly fillIds = new Set<string>();
  private readonly closeOutIntents = new Set<string>();
  private readonly closeOutOrders = new Set<string>();

  /** Folds one event. For an OrderFilled not seen before: the fill as folded (shared, not copied, by a caller that keeps fills too); otherwise null. */
  observe = (e: RunEventLike): BookFill | null => {
    switch (e.type) {
      case 'RunStarted':
        this.quoteAsset = e.data.quoteAsset;
        return null;
      case 'IntentProposed':
        if (e.data.context.reason === END_OF_DATA_REASON) this.closeOutIntents.add(e.data.intentId);
        return null;
      case 'OrderSubmitRequested':
        if (this.closeOutIntents.has(e.data.intentId)) this.closeOutOrders.add(e.data.clientOrderId);
        return null;
      case 'OrderFilled': {
        const d = e.data;
        if (this.fillIds.has(d.fillId)) return null;
        this.fillIds.add(d.fillId);
        const valued = valueRecordedFill(d, e.metadata, this.quoteAsset);
        const entry = this.bySymbol.get(d.symbol);
        if (entry) {
          entry.fills.push(valued.fill);
          entry.lastClientOrderId = d.clientOrderId;
        } else this.bySymbol.set(d.symbol, { fills: [valued.fill], lastClientOrderId: d.clientOrderId });
        return valued.fill;
      }
      default:
        return null;
    }
  };

  trades(): RunTrade[] {
    const out: RunTrade[] = [];
    for (const [symbol, { fills, lastClientOrderId }] of this.bySymbol) {
      const trips = roundTrips(fills);
      const lastFill = fills[fills.length - 1]!;
      const closedOut = this.closeOutOrders.has(lastClientOrderId);
      trips.forEach((t, i) => {
        const atEnd = closedOut && i === trips.length - 1 && t.exitTime === lastFill.time;
        out.push({ ...t, openAtEnd: t.openAtEnd || atEnd, symbol });
      });
    }
    return out.sort((a, b) => a.exitTime - b.exitTime || a.entryTime - b.entryTime);
  }
}

/** The round trips of a run's events (see the module comment). */
export function runTrades(events: Iterable<RunEventLike>): RunTrade[] {
  const fold = new RunTradesFold();
  for (const e of events) fold.observe(e);
  return fold.trades();
}

export { fillTime } from '../../projections/fill-valuation.js';
