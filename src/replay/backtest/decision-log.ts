import type { AnyNewEvent } from '../../events/event-factory.js';
import type { DecisionSummary, ReasonCodeTally } from '../metrics/decisions.js';
import type { ModeChange } from '../metrics/risk-modes.js';

export type { DecisionSummary, ReasonCodeTally };

/**
 * Folds a run's RiskDecisionMade and RiskModeChanged events into why trades did not happen: every denial
 * and reduction per reason code with its layer and when it happened, and the risk-mode changes. Both event
 * modes record these events, so both get the same summary.
 */
export class DecisionLog {
  private intents = 0;
  private approved = 0;
  private denied = 0;
  private reduced = 0;
  private readonly codes = new Map<string, ReasonCodeTally>();
  private readonly modeChanges: ModeChange[] = [];

  observe = (e: AnyNewEvent): void => {
    if (e.type === 'RiskDecisionMade') {
      const d = e.data;
      this.intents++;
      if (d.verdict === 'APPROVED') {
        this.approved++;
        return;
      }
      const time = Date.parse(e.metadata.at);
      const code = d.reasonCode ?? 'UNSPECIFIED';
      const tally = this.codes.get(code) ?? { code, layer: d.layer ?? null, denied: 0, reduced: 0, firstTime: time, lastTime: time };
      if (d.verdict === 'DENIED') {
        tally.denied++;
        this.denied++;
      } else {
        tally.reduced++;
        this.reduced++;
      }
      tally.lastTime = time;
      this.codes.set(code, tally);
    } else if (e.type === 'RiskModeChanged') {
      const d = e.data;
      this.modeChanges.push({ time: Date.parse(e.metadata.at), from: d.from, to: d.to, reasonCode: d.reasonCode, context: { ...d.context } });
    }
  };

  summary(): DecisionSummary {
    const byCode = [...this.codes.values()].sort((a, b) => b.denied + b.reduced - (a.denied + a.reduced) || a.code.localeCompare(b.code));
    return { intents: this.intents, approved: this.approved, denied: this.denied, reduced: this.reduced, byCode, modeChanges: [...this.modeChanges] };
  }
}
