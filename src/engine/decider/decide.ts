import { isoTime } from '../../events/time.js';
import { AT_VENUE_STATUSES, isUnresolved } from '../../projections/orders/order-status.js';
import { clientOrderIdFor, intentIdFor, resumeEventIdFor, runEndedEventId, runStartedEventId } from '../ids.js';
import type { MarketSnapshot, OrderLookup, SubmitOutcome, VenueFill, VenueOrderView } from '../ports.js';
import { decideReconciliation } from '../reconciliation/decide.js';
import type { IntentDraft } from '../strategy.js';
import { Decimal } from '../values.js';
import { snapshotData } from './bars.js';
import { closeOutIntent } from './close-out.js';
import type { DeciderConfig } from './decider-config.js';
import { riskPortfolio } from './equity.js';
import { DecisionBuilder } from './event-builder.js';
import type { FoldableEvent } from './evolve.js';
import type { Decision, DeciderInput } from './inputs.js';
import type { RunOrder, RunState } from './run-state.js';

type Evolve = (s: RunState, e: FoldableEvent) => RunState;

/**
 * decide(state, input) -> events + venue commands (+ the state that folds them). Pure and synchronous: no
 * I/O, no clock, no randomness; everything the world said is in the input. One step of the run driver's
 * phases at a time (src/engine/driver/run-driver.ts), in this order within a strategy cycle:
 *
 *   OpenCycle         CycleStarted (the kill switch as it stood)
 *   FillsReported     OrderFilled*, ReserveAllocated* (fills since the last cycle)
 *   MarketObserved    MarketSnapshotRecorded, RiskModeChanged?, then per intent: IntentProposed,
 *                     RiskDecisionMade, OrderSubmitRequested (+ a submit command)
 *   SubmitAnswered    OrderAccepted | OrderRejected | OrderOutcomeUnknown | OrderSubmitThrottled (+ retry)
 *   FillsReported     fills the submits caused
 *   FillsProveOrders, OrderLookedUp*   reconciliation: OrderReconciled, UnknownOrderEscalated, OrderCanceled
 *   CloseCycle        CycleCompleted
 */
export function createDecide(config: DeciderConfig, evolve: Evolve): (state: RunState, input: DeciderInput) => Decision {
  return function decide(state, input) {
    const b = new DecisionBuilder(config, evolve, state);
    switch (input.type) {
      case 'StartRun':
        b.emitOutside('RunStarted', runStartedEventId(config.runId), input.started, input.at);
        break;
      case 'ResumeRun':
        b.emitOutside(
          'RunResumed',
          resumeEventIdFor(config.runId, state.resumes + 1),
          { cycleSeq: state.lastCycleSeq + 1, armed: input.armed, purpose: input.purpose, packageVersion: input.packageVersion, gitCommit: input.gitCommit },
          input.at,
        );
        break;
      case 'OpenCycle': {
        const cycle = b.openCycle(input.at, true);
        // Not recorded and folding to nothing new (the usual backtest bar): the cycle's cause stays null either way.
        if (!config.recording.cycles && cycleStartChangesNothing(b.state, input.killSwitch)) break;
        const id = b.emit('CycleStarted', { cycleSeq: cycle.seq, killSwitch: input.killSwitch }, null, config.recording.cycles);
        b.setCycle({ cause: id });
        break;
      }
      case 'OpenPass':
        b.openCycle(input.at, false);
        break;
      case 'FillsReported':
        recordFills(config, b, input.fills);
        break;
      case 'MarketObserved': {
        // A bar already seen is not news (a live venue polled faster than its bars close): only newer bars
        // are recorded, marked and shown to the strategy; a cycle with none decides nothing new.
        const observed = freshBars(input.snapshot, b.state.barTimes);
        if (observed === null) break;
        // Unrecorded, the event's data is never made (evolve reads the decoded snapshot).
        const data = config.recording.snapshots ? () => snapshotData(observed) : NOT_RECORDED;
        const id = b.emit('MarketSnapshotRecorded', data, b.cycle.cause, config.recording.snapshots, observed);
        if (id !== null) b.setCycle({ cause: id });
        const t = b.state.pendingTransition;
        if (t) b.emit('RiskModeChanged', { from: t.from, to: t.to, reasonCode: t.reasonCode, context: t.context }, b.cycle.cause);
        for (const draft of b.state.pendingIntents) decideIntent(config, b, draft, b.cycle.cause);
        break;
      }
      case 'SubmitAnswered':
        recordOutcome(config, b, input.clientOrderId, input.attempt, input.outcome);
        break;
      case 'RetryDue': {
        const o = b.state.orders.get(input.clientOrderId);
        if (o) requestSubmit(b, o, o.attempts + 1, o.lastEventId);
        break;
      }
      case 'FillsProveOrders':
        for (const id of b.state.activeOrderIds) {
          const o = b.state.orders.get(id)!;
          if (o.awaitingVerdict && !isUnresolved(o.status) && o.fills > 0) {
            b.emit('OrderReconciled', reconciled(o, 'COMMITTED', 'FILLS', o.venueOrderId, o.reconcileAttempts + 1, 0), o.requestEventId);
          }
        }
        break;
      case 'OrderLookedUp':
        reconcileOrder(config, b, input.clientOrderId, input.lookup, input.openOrders);
        break;
      case 'CancelAnswered': {
        const o = b.state.orders.get(input.clientOrderId);
        if (o && input.lookup.kind === 'found' && endedWithoutMissingFills(input.lookup.order, o)) {
          b.emit('OrderCanceled', { clientOrderId: o.clientOrderId, reason: input.reason }, o.requestEventId);
        }
        break;
      }
      case 'CloseOutPositions':
        for (const symbol of Object.keys(b.state.positions).sort()) {
          const qty = b.state.positions[symbol]!.qty;
          const mark = b.state.marks[symbol];
          if (qty.isZero() || mark === undefined) continue;
          decideIntent(config, b, closeOutIntent(symbol, qty, mark), null);
        }
        break;
      case 'CloseCycle': {
        const c = b.cycle;
        if (c.regular && config.recording.cycles) {
          b.emit('CycleCompleted', { cycleSeq: c.seq, phaseMs: { ...input.phaseMs }, intents: c.intents, orders: c.orders }, c.cause);
        }
        b.closeCycle();
        break;
      }
      case 'EndRun':
        b.emitOutside(
          'RunEnded',
          runEndedEventId(config.runId),
          { reason: input.reason, cycles: state.lastCycleSeq, detail: input.detail, ...(input.summary ? { summary: input.summary as never } : {}) },
          input.at,
        );
        break;
    }
    return { events: b.events, commands: b.commands, state: b.result() };
  };
}

/** The snapshot's bars newer than the last seen of their instrument (the snapshot itself when all are), or null. */
function freshBars(snapshot: MarketSnapshot, barTimes: RunState['barTimes']): MarketSnapshot | null {
  let all = true;
  for (const x of snapshot.bars) {
    if (!(x.bar.time > (barTimes[x.symbol] ?? -Infinity))) {
      all = false;
      break;
    }
  }
  if (all) return snapshot.bars.length > 0 ? snapshot : null;
  const fresh = snapshot.bars.filter((x) => x.bar.time > (barTimes[x.symbol] ?? -Infinity));
  return fresh.length === 0 ? null : { interval: snapshot.interval, bars: fresh };
}

const NOT_RECORDED = (): never => {
  throw new Error('decider: the data of an unrecorded market snapshot was asked for');
};

/** What folding a CycleStarted changes (evolve.ts), already so: the kill switch as given, nothing pending. */
function cycleStartChangesNothing(s: RunState, killSwitch: boolean): boolean {
  return s.risk.killSwitch === killSwitch && s.pendingIntents.length === 0 && s.pendingTransition === null;
}

/** Records each fill once (by fill id); a fill that closes a round trip in profit feeds the reserve. */
function recordFills(config: DeciderConfig, b: DecisionBuilder, fills: readonly VenueFill[]): void {
  for (const f of fills) {
    if (b.state.fillIds.has(f.fillId)) continue;
    const cause = b.state.orders.get(f.clientOrderId)?.requestEventId ?? null;
    const fillEventId = b.emit(
      'OrderFilled',
      {
        clientOrderId: f.clientOrderId,
        venueOrderId: f.venueOrderId,
        fillId: f.fillId,
        symbol: f.symbol,
        side: f.side,
        qty: f.qty.toFixed(),
        price: f.price.toFixed(),
        fee: f.fee.toFixed(),
        feeAsset: f.feeAsset,
        liquidity: f.liquidity,
        time: isoTime(f.time),
      },
      cause,
    );
    const closed = b.state.lastClosedTrip;
    if (closed === null || !config.policy.settleRealizedPnl || closed.trip.pnl.lte(0)) continue;
    const settlement = config.policy.settleRealizedPnl(closed.trip.pnl, { clientOrderId: f.clientOrderId, fillId: f.fillId });
    if (settlement.event && settlement.toReserve.gt(0)) b.emit('ReserveAllocated', settlement.event, fillEventId);
  }
}

/** The strategy's intent through the risk decision (which holds the one EXECUTION check) to a submit request. */
function decideIntent(config: DeciderConfig, b: DecisionBuilder, draft: IntentDraft, cause: string | null): void {
  const cycle = b.cycle;
  const symbol = draft.symbol ?? config.primarySymbol;
  const intentSeq = cycle.intents + 1;
  const intentId = intentIdFor(config.runId, cycle.seq, intentSeq);
  b.setCycle({ intents: intentSeq });
  const intentEvent = b.emit(
    'IntentProposed',
    {
      intentId,
      strategy: config.strategy.name,
      symbol,
      side: draft.side,
      orderType: draft.orderType,
      qty: draft.qty.toFixed(),
      limitPrice: draft.limitPrice?.toFixed() ?? null,
      rationale: draft.rationale,
      context: draft.context,
    },
    cause,
  );
  const s = b.state;
  const mark = s.marks[symbol] ?? draft.limitPrice ?? new Decimal(0);
  const refPrice = draft.limitPrice ?? mark;
  const instrument = config.instruments[symbol];
  const verdict = instrument
    ? config.policy.decide(
        { intentId, symbol, side: draft.side, orderType: draft.orderType, qty: draft.qty, limitPrice: draft.limitPrice, refPrice },
        {
          now: cycle.at,
          snapshotTime: s.marketTimes[symbol] ?? cycle.at,
          portfolio: riskPortfolio(s, draft.side),
          state: s.risk,
          cycleNotional: cycle.notional,
          dryRun: !s.armed,
          rules: instrument.rules,
        },
      )
    : null;
  const decisionEvent = b.emit(
    'RiskDecisionMade',
    verdict
      ? {
          intentId,
          verdict: verdict.verdict,
          reasonCode: verdict.reasonCode,
          layer: verdict.layer,
          requestedQty: draft.qty.toFixed(),
          approvedQty: verdict.verdict === 'DENIED' ? '0' : verdict.approvedQty.toFixed(),
          riskMode: s.risk.mode,
          context: verdict.context,
        }
      : { intentId, verdict: 'DENIED', reasonCode: 'UNKNOWN_INSTRUMENT', layer: 'EXECUTION', requestedQty: draft.qty.toFixed(), approvedQty: '0', riskMode: s.risk.mode, context: { symbol, tradable: Object.keys(config.instruments).sort().join(',') } },
    intentEvent,
  )!;
  if (!verdict || verdict.verdict === 'DENIED' || verdict.approvedQty.lte(0)) return;
  const orderSeq = cycle.orders + 1;
  const clientOrderId = clientOrderIdFor(config.runId, cycle.seq, orderSeq);
  b.setCycle({ orders: orderSeq, notional: b.cycle.notional.plus(verdict.approvedQty.mul(refPrice)) });
  const limitPrice = draft.orderType === 'LIMIT' ? (verdict.approvedLimitPrice ?? draft.limitPrice) : null;
  b.emit(
    'OrderSubmitRequested',
    { clientOrderId, intentId, symbol, side: draft.side, orderType: draft.orderType, qty: verdict.approvedQty.toFixed(), limitPrice: limitPrice?.toFixed() ?? null, attempt: 1 },
    decisionEvent,
  );
  b.command({ type: 'submit', attempt: 1, request: { clientOrderId, symbol, side: draft.side, orderType: draft.orderType, qty: verdict.approvedQty, limitPrice } });
}

/** A retry of the same order: the same client order id, the next attempt. */
function requestSubmit(b: DecisionBuilder, o: RunOrder, attempt: number, cause: string): void {
  b.emit(
    'OrderSubmitRequested',
    { clientOrderId: o.clientOrderId, intentId: o.intentId, symbol: o.symbol, side: o.side, orderType: o.orderType, qty: o.qty.toFixed(), limitPrice: o.limitPrice?.toFixed() ?? null, attempt },
    cause,
  );
  b.command({ type: 'submit', attempt, request: { clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, orderType: o.orderType, qty: o.qty, limitPrice: o.limitPrice } });
}

/**
 * The venue's answer to a submit. A timeout, reset or 5xx is an unknown outcome, never a failure: only the
 * reconciler may decide. A 429 created nothing: the same client order id is retried after the venue's
 * Retry-After (the driver adds jitter), until the attempts run out and the order is given up as rejected.
 */
function recordOutcome(config: DeciderConfig, b: DecisionBuilder, clientOrderId: string, attempt: number, outcome: SubmitOutcome): void {
  const o = b.state.orders.get(clientOrderId);
  if (!o) return;
  const cause = o.lastEventId;
  switch (outcome.kind) {
    case 'accepted':
      b.emit('OrderAccepted', { clientOrderId, venueOrderId: outcome.venueOrderId }, cause);
      return;
    case 'rejected':
      b.emit('OrderRejected', { clientOrderId, reasonCode: outcome.reasonCode, rawReason: outcome.rawReason }, cause);
      return;
    case 'unknown':
      b.emit('OrderOutcomeUnknown', { clientOrderId, attempt, cause: outcome.cause, detail: outcome.detail }, cause);
      return;
    case 'rate_limited': {
      const throttled = b.emit('OrderSubmitThrottled', { clientOrderId, attempt, retryAfterMs: outcome.retryAfterMs, rawReason: outcome.rawReason }, cause);
      if (attempt < config.maxSubmitAttempts) {
        b.command({ type: 'retry', clientOrderId, attempt, retryAfterMs: outcome.retryAfterMs });
        return;
      }
      b.emit('OrderRejected', { clientOrderId, reasonCode: 'VENUE_RATE_LIMITED', rawReason: `gave up after ${attempt} attempts: ${outcome.rawReason}` }, throttled);
    }
  }
}

/**
 * One order in a reconciliation pass. An order whose outcome is unknown is judged on the venue's answers
 * (decideReconciliation); one the venue has is watched for a cancel the venue did itself. After an escalation
 * an order goes quiet: a pass that learns nothing new (no verdict, the same not-found streak) records nothing.
 */
function reconcileOrder(config: DeciderConfig, b: DecisionBuilder, clientOrderId: string, lookup: OrderLookup, openOrders: readonly VenueOrderView[] | null): void {
  const o = b.state.orders.get(clientOrderId);
  if (!o) return;
  const cause = o.requestEventId;
  if (AT_VENUE_STATUSES.has(o.status)) {
    if (lookup.kind === 'found' && endedWithoutMissingFills(lookup.order, o)) {
      b.emit('OrderCanceled', { clientOrderId, reason: `venue reports ${lookup.order.status}` }, cause);
    }
    return;
  }
  if (!isUnresolved(o.status)) return;
  const now = b.cycle.at;
  const verdict = decideReconciliation(
    { clientOrderId, unknownSince: o.requestedAt, attempts: o.reconcileAttempts, notFoundStreak: o.notFoundStreak, escalated: o.escalated },
    { byClientOrderId: lookup, openOrders: lookup.kind === 'found' ? [] : openOrders === null ? null : [...openOrders], fills: [] },
    now,
    config.reconcile,
  );
  if (verdict.outcome === 'STILL_UNKNOWN') {
    if (!o.escalated || verdict.notFoundStreak !== o.notFoundStreak) {
      b.emit('OrderReconciled', reconciled(o, 'STILL_UNKNOWN', 'NONE', null, verdict.attempt, verdict.notFoundStreak), cause);
    }
    if (verdict.escalate) {
      const ageMs = Math.max(0, Math.round(now - o.requestedAt));
      b.emit('UnknownOrderEscalated', { clientOrderId, attempts: verdict.attempt, ageMs, reasonCode: 'ESCALATED' }, cause);
    }
    return;
  }
  if (verdict.outcome === 'FAILED') {
    b.emit('OrderReconciled', reconciled(o, 'FAILED', 'NONE', null, verdict.attempt, o.notFoundStreak + 1), cause);
    return;
  }
  b.emit('OrderReconciled', reconciled(o, 'COMMITTED', verdict.via, verdict.venueOrderId, verdict.attempt, 0), cause);
  const seen = lookup.kind === 'found' ? lookup.order : openOrders?.find((v) => v.clientOrderId === clientOrderId);
  const after = b.state.orders.get(clientOrderId)!;
  if (seen && endedWithoutMissingFills(seen, after)) b.emit('OrderCanceled', { clientOrderId, reason: `venue reports ${seen.status}` }, cause);
}

/** The venue ended the order without filling it completely, and the log already holds every fill it made. */
function endedWithoutMissingFills(v: VenueOrderView, o: RunOrder): boolean {
  return (v.status === 'CANCELED' || v.status === 'REJECTED') && v.filledQty.eq(o.filledQty);
}

function reconciled(
  o: RunOrder,
  outcome: 'COMMITTED' | 'FAILED' | 'STILL_UNKNOWN',
  via: 'CLIENT_ORDER_ID' | 'OPEN_ORDERS' | 'FILLS' | 'NONE',
  venueOrderId: string | null,
  attempt: number,
  notFoundStreak: number,
) {
  return { clientOrderId: o.clientOrderId, outcome, reasonCode: outcome, via, venueOrderId, attempt, notFoundStreak };
}
