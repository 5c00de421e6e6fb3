import type { CycleReconciler } from '../../engine/cycle/cycle.js';
import type { CycleEmitter } from '../../engine/cycle/emitter.js';
import type { CycleState } from '../../engine/cycle/state.js';
import type { RecordedCursor } from './cursor.js';

const RECONCILIATION_TYPES = new Set(['OrderReconciled', 'UnknownOrderEscalated', 'OrderCanceled']);

/**
 * The reconciliation step of a replayed cycle. What the reconciler recorded (OrderReconciled,
 * UnknownOrderEscalated, a venue-side OrderCanceled) is the venue's answer to lookups that were never
 * logged one by one, so the replay takes it as given: it re-emits the recorded events of this step and
 * applies their one effect on the cycle state, the count of escalated orders still unresolved, which
 * holds the risk mode at OBSERVE. Whatever the engine decides from that (RiskModeChanged, denials)
 * is re-derived and compared as usual.
 */
export class ReplayReconciler implements CycleReconciler {
  private readonly escalated: Set<string>;

  constructor(
    private readonly cursor: RecordedCursor,
    escalatedAtStart: Iterable<string> = [],
  ) {
    this.escalated = new Set(escalatedAtStart);
  }

  async reconcile(emitter: CycleEmitter, state: CycleState, _now: number, causationId: string | null): Promise<CycleState> {
    const recorded = this.cursor.runOfCurrentCycle((e) => RECONCILIATION_TYPES.has(e.type));
    for (const e of recorded) {
      switch (e.type) {
        case 'OrderReconciled':
          emitter.emit('OrderReconciled', e.data, causationId);
          if (e.data.outcome !== 'STILL_UNKNOWN') this.escalated.delete(e.data.clientOrderId);
          break;
        case 'UnknownOrderEscalated':
          emitter.emit('UnknownOrderEscalated', e.data, causationId);
          this.escalated.add(e.data.clientOrderId);
          break;
        case 'OrderCanceled':
          emitter.emit('OrderCanceled', e.data, causationId);
          this.escalated.delete(e.data.clientOrderId);
          break;
        default:
          break;
      }
    }
    const unresolved = this.escalated.size;
    if (unresolved === state.risk.unresolvedUnknownOrders) return state;
    return { ...state, risk: { ...state.risk, unresolvedUnknownOrders: unresolved } };
  }
}
