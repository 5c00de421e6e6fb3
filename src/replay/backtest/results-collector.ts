import type { AnyNewEvent } from '../../events/event-factory.js';
import { valueRecordedFill } from '../../projections/fill-valuation.js';
import type { BookFill } from '../../projections/position-book.js';
import { Decimal } from '../../engine/values.js';

/** A fill as the results need it, from the OrderFilled events the run recorded. */
export interface FillRecord {
  symbol: string;
  clientOrderId: string;
  cycleId: string | null;
  /** As the one fill fold takes it: the venue's fill time, the fee valued in the quote asset. */
  fill: BookFill;
}

/**
 * Folds the run's recorded events into what the summary needs: fills, denials by reason code, counts. It
 * sees the same decisions in both event modes, so both modes get the same results.
 */
export class ResultsCollector {
  readonly fills: FillRecord[] = [];
  readonly denials: Record<string, number> = {};
  readonly reductions: Record<string, number> = {};
  /** Venue rejections ("Rejected" is the venue's word, "Denied" ours). */
  readonly rejections: Record<string, number> = {};
  intents = 0;
  orders = 0;

  constructor(private readonly quoteAsset: string) {}

  observe = (e: AnyNewEvent): void => {
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
      case 'OrderFilled': {
        const d = e.data;
        const valued = valueRecordedFill(d, e.metadata, this.quoteAsset);
        this.fills.push({ symbol: d.symbol, clientOrderId: d.clientOrderId, cycleId: e.metadata.cycleId, fill: valued.fill });
        return;
      }
      default:
        return;
    }
  };

  private count(into: Record<string, number>, code: string): void {
    into[code] = (into[code] ?? 0) + 1;
  }
}
