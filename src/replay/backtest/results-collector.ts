import type { AnyNewEvent } from '../../events/event-factory.js';
import { Decimal } from '../../engine/values.js';

/** A fill as the results need it, from the OrderFilled events the run emitted. */
export interface FillRecord {
  /** Engine time of the fill's cycle, epoch ms. */
  time: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  /** Filled by the end-of-data close-out. */
  atEnd: boolean;
}

/**
 * Folds the run's events into what the summary needs: fills, denials by reason code, counts. It sees
 * the same events in both event modes, so both modes get the same results.
 */
export class ResultsCollector {
  readonly fills: FillRecord[] = [];
  readonly denials: Record<string, number> = {};
  readonly reductions: Record<string, number> = {};
  /** Venue rejections ("Rejected" is the venue's word, "Denied" ours). */
  readonly rejections: Record<string, number> = {};
  intents = 0;
  orders = 0;
  private closeOutCycleId: string | null = null;

  markCloseOutCycle(cycleId: string): void {
    this.closeOutCycleId = cycleId;
  }

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
        this.orders++;
        return;
      case 'OrderRejected':
        this.count(this.rejections, e.data.reasonCode);
        return;
      case 'OrderFilled':
        this.fills.push({
          time: Date.parse(e.metadata.at),
          clientOrderId: e.data.clientOrderId,
          side: e.data.side,
          qty: new Decimal(e.data.qty),
          price: new Decimal(e.data.price),
          fee: new Decimal(e.data.fee),
          atEnd: e.metadata.cycleId !== null && e.metadata.cycleId === this.closeOutCycleId,
        });
        return;
      default:
        return;
    }
  };

  private count(into: Record<string, number>, code: string): void {
    into[code] = (into[code] ?? 0) + 1;
  }
}
