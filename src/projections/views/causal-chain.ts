import { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../../events/event-factory.js';

/**
 * The causal chain of an order (`engine explain`): the market snapshot the strategy saw, the intent with its
 * rationale and indicator values, the risk decision with its verdict, reason code and compared values, each
 * submit request, the venue's answers, the reconciliation steps, every fill and the reserve allocations they
 * caused. Pure: the caller gathers the events (following causationId links and the order's client order id);
 * this orders them, names each step and says what, if anything, is missing.
 */

export type Stage = 'CYCLE' | 'MARKET' | 'RISK_MODE' | 'INTENT' | 'RISK' | 'SUBMIT' | 'VENUE' | 'RECONCILIATION' | 'FILL' | 'RESERVE' | 'CANCEL' | 'RUN' | 'CONTROL';

export interface ChainStep {
  stage: Stage;
  type: string;
  eventId: string;
  position: number;
  at: string;
  cycleId: string | null;
  causationId: string | null;
  summary: string;
  data: unknown;
}

export interface CausalChain {
  runId: string;
  clientOrderId: string | null;
  intentId: string | null;
  steps: ChainStep[];
  /** True when nothing below is missing. */
  complete: boolean;
  /** What the chain lacks, in words (empty when complete). */
  missing: string[];
  notes: string[];
}

export function stageOf(type: string): Stage {
  switch (type) {
    case 'CycleStarted':
    case 'CycleCompleted':
      return 'CYCLE';
    case 'MarketSnapshotRecorded':
      return 'MARKET';
    case 'RiskModeChanged':
      return 'RISK_MODE';
    case 'IntentProposed':
      return 'INTENT';
    case 'RiskDecisionMade':
    case 'OrderDenied':
      return 'RISK';
    case 'OrderSubmitRequested':
      return 'SUBMIT';
    case 'OrderAccepted':
    case 'OrderRejected':
    case 'OrderOutcomeUnknown':
    case 'OrderSubmitThrottled':
      return 'VENUE';
    case 'OrderReconciled':
    case 'UnknownOrderEscalated':
      return 'RECONCILIATION';
    case 'OrderFilled':
      return 'FILL';
    case 'ReserveAllocated':
      return 'RESERVE';
    case 'OrderCanceled':
      return 'CANCEL';
    case 'KillSwitchEngaged':
    case 'KillSwitchReleased':
      return 'CONTROL';
    default:
      return 'RUN';
  }
}

const ctx = (c: Record<string, string>): string => {
  const parts = Object.entries(c).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
};

/** One line saying what the event means. */
export function summarize(e: AnyStoredEvent): string {
  switch (e.type) {
    case 'MarketSnapshotRecorded':
      return e.data.bars.map((b) => `${b.symbol} bar ${b.openTime} O ${b.open} H ${b.high} L ${b.low} C ${b.close} V ${b.volume}`).join('; ');
    case 'CycleStarted':
      return `cycle ${e.data.cycleSeq} began, kill switch ${e.data.killSwitch ? 'ENGAGED' : 'released'}`;
    case 'RiskModeChanged':
      return `risk mode ${e.data.from} -> ${e.data.to} (${e.data.reasonCode})${ctx(e.data.context)}`;
    case 'IntentProposed':
      return `${e.data.strategy} wants ${e.data.side} ${e.data.qty} ${e.data.symbol} ${e.data.orderType}${e.data.limitPrice ? ` at ${e.data.limitPrice}` : ''}: ${e.data.rationale}${ctx(e.data.context)}`;
    case 'RiskDecisionMade':
      return `${e.data.verdict} ${e.data.approvedQty} of ${e.data.requestedQty}${e.data.reasonCode ? ` ${e.data.reasonCode} (${e.data.layer ?? '-'})` : ''}, mode ${e.data.riskMode}${ctx(e.data.context)}`;
    case 'OrderDenied':
      return `DENIED ${e.data.reasonCode} (${e.data.layer})${ctx(e.data.context)}`;
    case 'OrderSubmitRequested':
      return `submit ${e.data.clientOrderId} attempt ${e.data.attempt}: ${e.data.side} ${e.data.qty} ${e.data.symbol} ${e.data.orderType}${e.data.limitPrice ? ` at ${e.data.limitPrice}` : ''}`;
    case 'OrderAccepted':
      return `venue accepted it as ${e.data.venueOrderId}`;
    case 'OrderRejected':
      return `venue rejected it: ${e.data.reasonCode} (${e.data.rawReason})`;
    case 'OrderOutcomeUnknown':
      return `outcome unknown after attempt ${e.data.attempt}: ${e.data.cause} (${e.data.detail})`;
    case 'OrderSubmitThrottled':
      return `venue throttled attempt ${e.data.attempt} (429), retry after ${e.data.retryAfterMs} ms: ${e.data.rawReason}`;
    case 'OrderReconciled':
      return `reconciliation attempt ${e.data.attempt}: ${e.data.outcome} (${e.data.reasonCode}) via ${e.data.via}${e.data.venueOrderId ? `, venue id ${e.data.venueOrderId}` : ''}, not-found streak ${e.data.notFoundStreak}`;
    case 'UnknownOrderEscalated':
      return `escalated after ${e.data.attempts} attempts, ${e.data.ageMs} ms old (${e.data.reasonCode}): risk mode OBSERVE`;
    case 'OrderFilled':
      return `fill ${e.data.fillId}: ${e.data.side} ${e.data.qty} ${e.data.symbol} at ${e.data.price}, fee ${e.data.fee} ${e.data.feeAsset} (${e.data.liquidity}${e.data.time ? `, ${e.data.time}` : ''})`;
    case 'ReserveAllocated':
      return `${e.data.amount} moved to the reserve (fraction ${e.data.fraction})${ctx(e.data.context)}`;
    case 'OrderCanceled':
      return `canceled: ${e.data.reason}`;
    case 'KillSwitchEngaged':
      return `kill switch engaged by ${e.data.by}: ${e.data.reason}`;
    case 'KillSwitchReleased':
      return `kill switch released by ${e.data.by}: ${e.data.reason}`;
    case 'RunStarted':
      return `run started: ${e.data.mode} ${e.data.strategy} on ${e.data.symbol} at ${e.data.venue}, cash ${e.data.initialCash} ${e.data.quoteAsset}${e.data.armed ? ', armed' : ''}`;
    case 'RunEnded':
      return `run ended ${e.data.reason}${e.data.detail ? `: ${e.data.detail}` : ''}`;
    default:
      return e.type;
  }
}

export function stepOf(e: AnyStoredEvent): ChainStep {
  return {
    stage: stageOf(e.type),
    type: e.type,
    eventId: e.eventId,
    position: e.globalPosition,
    at: e.metadata.at,
    cycleId: e.metadata.cycleId,
    causationId: e.metadata.causationId,
    summary: summarize(e),
    data: e.data,
  };
}

export interface ChainInput {
  runId: string;
  clientOrderId: string | null;
  intentId: string | null;
  /** Every event gathered for the chain (any order, duplicates allowed). */
  events: readonly AnyStoredEvent[];
  /** Whether the run records its market data (live runs, full-mode backtests): the snapshot must then be found. */
  recordsMarket: boolean;
  /** What the orders projection holds of the order: the chain's fills must add up to its filled quantity. */
  order?: { filledQty: Decimal; status: string } | null;
}

/** Orders the events, and checks the chain: every link it names is there, and every stage the order reached. */
export function buildChain(input: ChainInput): CausalChain {
  const byId = new Map<string, AnyStoredEvent>();
  for (const e of input.events) byId.set(e.eventId, e);
  const events = [...byId.values()].sort((a, b) => a.globalPosition - b.globalPosition);
  const missing: string[] = [];
  const notes: string[] = [];
  const has = (type: string): AnyStoredEvent[] => events.filter((e) => e.type === type);

  const intents = has('IntentProposed');
  const decisions = [...has('RiskDecisionMade'), ...has('OrderDenied')];
  const submits = has('OrderSubmitRequested');
  if (input.intentId !== null && intents.length === 0) missing.push(`the intent ${input.intentId} (IntentProposed)`);
  if (input.intentId !== null && decisions.length === 0) missing.push(`the risk decision on ${input.intentId} (RiskDecisionMade)`);
  for (const intent of intents) {
    if (intent.metadata.causationId === null) {
      if (intent.type === 'IntentProposed' && intent.data.context['reason'] === 'END_OF_DATA') notes.push('proposed by the end-of-data close-out, not on a market snapshot');
      else if (input.recordsMarket) missing.push(`the market snapshot intent ${intent.eventId} was proposed on (no causationId)`);
      else notes.push('a decisions-mode backtest records no market snapshots: the dataset hash in RunStarted stands for the bars the strategy saw');
    }
  }
  // Every link the chain names must be in the chain.
  for (const e of events) {
    const cause = e.metadata.causationId;
    if (cause !== null && !byId.has(cause) && e.type !== 'MarketSnapshotRecorded' && e.type !== 'RiskModeChanged') {
      missing.push(`${e.type} ${e.eventId} names cause ${cause}, which was not found`);
    }
  }
  const approved = decisions.some((d) => d.type === 'RiskDecisionMade' && d.data.verdict !== 'DENIED');
  if (approved && input.clientOrderId !== null && submits.length === 0) missing.push(`the submit request of ${input.clientOrderId} (OrderSubmitRequested)`);

  if (input.clientOrderId !== null && submits.length > 0) {
    const answers = events.filter((e) => stageOf(e.type) === 'VENUE');
    const reconciled = events.filter((e) => e.type === 'OrderReconciled' || e.type === 'OrderFilled' || e.type === 'OrderCanceled');
    const lastSubmit = submits[submits.length - 1]!;
    const answered = answers.some((a) => a.globalPosition > lastSubmit.globalPosition) || reconciled.some((r) => r.globalPosition > lastSubmit.globalPosition);
    if (!answered) notes.push(`no venue answer recorded after attempt ${submits.length}: the order's outcome is not yet known (the reconciler asks the venue on the next start or pass)`);
    const filled = has('OrderFilled').reduce((sum, f) => (f.type === 'OrderFilled' ? sum.plus(f.data.qty) : sum), new Decimal(0));
    const qty = lastSubmit.type === 'OrderSubmitRequested' ? new Decimal(lastSubmit.data.qty) : null;
    if (qty !== null && filled.gt(qty)) missing.push(`fills add up to ${filled.toFixed()}, more than the order's ${qty.toFixed()}`);
    for (const f of has('OrderFilled')) {
      if (f.metadata.causationId === null) missing.push(`fill ${f.eventId} names no cause`);
    }
    if (input.order) {
      // Venues resend fills: the projection counts each fill id once, so does this.
      const seen = new Map<string, Decimal>();
      for (const f of has('OrderFilled')) if (f.type === 'OrderFilled' && !seen.has(f.data.fillId)) seen.set(f.data.fillId, new Decimal(f.data.qty));
      const unique = [...seen.values()].reduce((a, b) => a.plus(b), new Decimal(0));
      if (!unique.eq(input.order.filledQty)) missing.push(`fills found add up to ${unique.toFixed()}, the order (${input.order.status}) has ${input.order.filledQty.toFixed()} filled`);
    }
  }
  return { runId: input.runId, clientOrderId: input.clientOrderId, intentId: input.intentId, steps: events.map(stepOf), complete: missing.length === 0, missing, notes };
}
