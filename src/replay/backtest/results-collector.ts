import type { AnyNewEvent } from '../../events/event-factory.js';
import type { BookFill } from '../../projections/position-book.js';
import { RunTradesFold } from '../metrics/run-trades.js';

/** A fill as the results need it, from the OrderFilled events the run recorded. */
export interface FillRecord {
  symbol: string;
  clientOrderId: string;
  cycleId: string | null;
  /** As the one fill fold takes it: the venue's fill time, the fee valued in the quote asset. */
  fill: BookFill;
}

/**
 * Folds the run's recorded events into what the summary needs: fills, round trips, denials by reason code,
 * counts. It sees the same decisions in both event modes, so both modes get the same results. The fills are
 * the trade fold's own objects (each fill once, by fill id, its fee valued in the run's quote asset): one copy
 * of every fill in memory, not two.
 */
export class ResultsCollector {
  readonly fills: FillRecord[] = [];
  readonly denials: Record<string, number> = {};
  readonly reductions: Record<string, number> = {};
  /** Venue rejections ("Rejected" is the venue's word, "Denied" ours). */
  readonly rejections: Record<string, number> = {};
  intents = 0;
  orders = 0;

  /** The run's round trips: the same fold as `engine export trades` (src/replay/metrics/run-trades.ts). */
  readonly trades = new RunTradesFold();

  observe = (e: AnyNewEvent): void => {
    const folded = this.trades.observe(e);
    switch (e.type) {
      case 'IntentProposed':
        this.intents++;
        return;
      case 'RiskDecisionMade':
        if (e.data.verdict === 'DENIED') this.count(this.denials, e.data.reasonCode ?? 'UNSPECIFIED');
        else if (e.data.verdict === 'REDUCED') this.count(this.reductions, e.data.reasonCode ?? 'UNSPECIFIED');
        return;
      case 'OrderDenied':
        this.count(this.denials, e.data.reasonCode);
        return;
      case 'OrderSubmitRequested':
        if (e.data.attempt === 1) this.orders++;
        return;
      case 'OrderRejected':
        this.count(this.rejections, e.data.reasonCode);
        return;
      case 'OrderFilled':
        if (folded !== null) this.fills.push({ symbol: e.data.symbol, clientOrderId: e.data.clientOrderId, cycleId: e.metadata.cycleId, fill: folded });
        return;
      default:
        return;
    }
  };

  private count(into: Record<string, number>, code: string): void {
    into[code] = (into[code] ?? 0) + 1;
  }
}
