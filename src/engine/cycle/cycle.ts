import type { RunMode } from '../../events/envelope.js';
import type { Clock, MarketSnapshot, Random, Stopwatch, Venue, VenueFill } from '../ports.js';
import type { RiskPolicy } from '../risk/port.js';
import type { AccountView } from '../strategy.js';
import { Decimal } from '../values.js';
import { type Account, applyFill, equityAt } from './account.js';
import type { CycleIdsFactory } from './cycle-ids.js';
import { CycleEmitter } from './emitter.js';
import type { EventSink } from './event-sink.js';
import type { IntentSource } from './intent-source.js';
import type { CycleState } from './state.js';
import { cycleIdFor } from '../ids.js';
import { type ExecutionRules, checkExecution } from '../execution/execution-checks.js';
import { type SubmitRetry, submitOrder } from '../execution/submitter.js';

/**
 * The cycle (DESIGN.md "The core and its three modes"): one function for backtest, replay and live
 * runs; only the ports differ. Order of events:
 *   CycleStarted, MarketSnapshotRecorded            (full event mode only)
 *   OrderFilled*                                    (fills the venue reported since the last cycle)
 *   RiskModeChanged?                                (policy.observe on marked-to-market equity)
 *   per intent: IntentProposed, RiskDecisionMade, then OrderDenied (execution) or
 *               OrderSubmitRequested + OrderAccepted | OrderRejected | OrderOutcomeUnknown
 *   OrderFilled*                                    (fills that happened on submit, e.g. at the close)
 *   CycleCompleted                                  (full event mode only)
 */
export interface CycleEnv {
  runId: string;
  mode: RunMode;
  symbol: string;
  /** Bar length in ms (0 when unknown): the snapshot's close time is bar time + interval. */
  intervalMs: number;
  clock: Clock;
  ids: CycleIdsFactory;
  venue: Venue;
  random: Random;
  stopwatch: Stopwatch;
  policy: RiskPolicy;
  sink: EventSink;
  execution: ExecutionRules;
  /** 'full': per-cycle events (CycleStarted, MarketSnapshotRecorded, CycleCompleted); 'decisions': only decisions. */
  eventsMode: 'full' | 'decisions';
  /** Live run without --arm. */
  dryRun: boolean;
  /** Retry of 429 answers (live runs); absent: a 429 is recorded and not retried. */
  retry?: SubmitRetry;
  /** Resolves unknown outcomes after execution, before CycleCompleted (live runs). */
  reconciler?: CycleReconciler;
  /** The policy's rate-limit window: order times older than this are forgotten (null: none kept; absent: the last 1000). */
  orderTimesWindowMs?: number | null;
}

/** The reconciliation step of a cycle (src/engine/reconciliation/reconciler.ts). */
export interface CycleReconciler {
  reconcile(emitter: CycleEmitter, state: CycleState, now: number, causationId: string | null): Promise<CycleState>;
}

export interface CycleInput {
  cycleSeq: number;
  snapshot: MarketSnapshot;
  /** False for a cycle that sees no new market data (the end-of-data close-out). */
  recordSnapshot: boolean;
  intents: IntentSource;
  /** Cancel every open order at the venue first, recording why. */
  cancelOpenOrders?: string;
}

export interface CycleResult {
  state: CycleState;
  intents: number;
  orders: number;
  /** Mark-to-market equity at the snapshot's close after this cycle's fills. */
  equity: Decimal;
}

const MAX_REMEMBERED_ORDER_TIMES = 1000;
const ZERO = new Decimal(0);

export async function runCycle(env: CycleEnv, state: CycleState, input: CycleInput): Promise<CycleResult> {
  const total = env.stopwatch.start();
  const phaseMs: Record<string, number> = {};
  const { bar } = input.snapshot;
  const now = env.clock.now();
  const cycleId = cycleIdFor(env.runId, input.cycleSeq);
  const ids = env.ids.forCycle(input.cycleSeq);
  const emitter = new CycleEmitter(env.sink, ids, env.runId, env.mode, cycleId, new Date(now).toISOString());
  const full = env.eventsMode === 'full';
  let s = state;
  // Equity at this bar's close, computed once per account value (Decimals and accounts are immutable).
  let markedAccount: Account | null = null;
  let marked: Decimal = ZERO;
  const equityOf = (a: Account): Decimal => {
    if (a !== markedAccount) {
      marked = equityAt(a, bar.close);
      markedAccount = a;
    }
    return marked;
  };

  let phase = env.stopwatch.start();
  let cause: string | null = null;
  if (full) cause = emitter.emit('CycleStarted', { cycleSeq: input.cycleSeq }, null);
  if (full && input.recordSnapshot) cause = emitter.emit('MarketSnapshotRecorded', snapshotData(input.snapshot), cause);
  if (input.cancelOpenOrders) await cancelAll(env, emitter, s.liveOrders, input.cancelOpenOrders, cause);
  s = await ingestFills(env, emitter, s);
  phaseMs.marketData = phase();

  phase = env.stopwatch.start();
  const observed = env.policy.observe(s.risk, equityOf(s.account), now);
  if (observed.transition) {
    const t = observed.transition;
    emitter.emit('RiskModeChanged', { from: t.from, to: t.to, reasonCode: t.reasonCode, context: t.context }, cause);
  }
  s = { ...s, risk: observed.state };
  phaseMs.risk = phase();

  phase = env.stopwatch.start();
  const drafts = input.intents.propose(bar, accountView(s, equityOf(s.account)));
  phaseMs.strategy = phase();

  phase = env.stopwatch.start();
  let cycleNotional = ZERO;
  let orders = 0;
  // Venue submit latency (all attempts of one order), for the submit-latency SLO; 0 in backtests.
  let submitMsTotal = 0;
  let submitMsMax = 0;
  for (const draft of drafts) {
    const intentId = ids.next('intent');
    const intentEvent = emitter.emit(
      'IntentProposed',
      {
        intentId,
        strategy: input.intents.name,
        symbol: env.symbol,
        side: draft.side,
        orderType: draft.orderType,
        qty: draft.qty.toFixed(),
        limitPrice: draft.limitPrice?.toFixed() ?? null,
        rationale: draft.rationale,
        context: draft.context,
      },
      cause,
    );
    const refPrice = draft.limitPrice ?? bar.close;
    const verdict = env.policy.decide(
      { intentId, symbol: env.symbol, side: draft.side, orderType: draft.orderType, qty: draft.qty, limitPrice: draft.limitPrice, refPrice },
      {
        now,
        snapshotTime: bar.time + env.intervalMs,
        portfolio: {
          cash: s.account.cash,
          reserve: s.account.reserve,
          positions: { [env.symbol]: s.account.position },
          equity: equityOf(s.account),
        },
        state: s.risk,
        cycleNotional,
        dryRun: env.dryRun,
      },
    );
    const decisionEvent = emitter.emit(
      'RiskDecisionMade',
      {
        intentId,
        verdict: verdict.verdict,
        reasonCode: verdict.reasonCode,
        layer: verdict.layer,
        requestedQty: draft.qty.toFixed(),
        approvedQty: verdict.verdict === 'DENIED' ? '0' : verdict.approvedQty.toFixed(),
        riskMode: s.risk.mode,
        context: verdict.context,
      },
      intentEvent,
    );
    if (verdict.verdict === 'DENIED' || verdict.approvedQty.lte(0)) continue;

    const limitPrice = draft.orderType === 'LIMIT' ? (verdict.approvedLimitPrice ?? draft.limitPrice) : null;
    const check = checkExecution(
      { side: draft.side, qty: verdict.approvedQty, refPrice: limitPrice ?? refPrice, spendableCash: s.account.cash, position: s.account.position },
      env.execution,
    );
    if (!check.ok) {
      emitter.emit('OrderDenied', { intentId, clientOrderId: null, reasonCode: check.reasonCode, layer: 'EXECUTION', context: check.context }, decisionEvent);
      continue;
    }
    const clientOrderId = ids.next('order');
    const submitTimer = env.stopwatch.start();
    const submitted = await submitOrder(
      emitter,
      env.venue,
      { clientOrderId, symbol: env.symbol, side: draft.side, orderType: draft.orderType, qty: check.qty, limitPrice },
      intentId,
      decisionEvent,
      env.retry,
    );
    const submitMs = submitTimer();
    submitMsTotal += submitMs;
    submitMsMax = Math.max(submitMsMax, submitMs);
    orders++;
    cycleNotional = cycleNotional.add(check.qty.mul(refPrice));
    s = { ...s, risk: { ...s.risk, recentOrderTimes: rememberOrderTime(s.risk.recentOrderTimes, now, env.orderTimesWindowMs) } };
    const outcome = submitted.outcome.kind;
    if (outcome === 'accepted' || outcome === 'unknown') s.liveOrders.set(clientOrderId, { cause: submitted.requestEventId, remaining: check.qty });
  }
  s = await ingestFills(env, emitter, s);
  phaseMs.execution = phase();
  if (orders > 0) {
    phaseMs.submit = submitMsTotal;
    phaseMs.submitMax = submitMsMax;
  }

  if (env.reconciler) {
    phase = env.stopwatch.start();
    s = await env.reconciler.reconcile(emitter, s, now, cause);
    phaseMs.reconcile = phase();
  }

  phaseMs.total = total();
  if (full) emitter.emit('CycleCompleted', { cycleSeq: input.cycleSeq, phaseMs, intents: drafts.length, orders }, cause);
  return { state: s, intents: drafts.length, orders, equity: equityOf(s.account) };
}

function rememberOrderTime(times: readonly number[], now: number, windowMs: number | null | undefined): number[] {
  if (windowMs === undefined) return [...times, now].slice(-MAX_REMEMBERED_ORDER_TIMES);
  if (windowMs === null) return [];
  return [...times.filter((t) => t > now - windowMs), now];
}

function snapshotData(snapshot: MarketSnapshot) {
  const { bar } = snapshot;
  return {
    symbol: snapshot.symbol,
    interval: snapshot.interval,
    bar: {
      openTime: new Date(bar.time).toISOString(),
      open: bar.open.toFixed(),
      high: bar.high.toFixed(),
      low: bar.low.toFixed(),
      close: bar.close.toFixed(),
      volume: bar.volume.toFixed(),
    },
  };
}

function accountView(s: CycleState, equity: Decimal): AccountView {
  return { position: s.account.position, equity: equity.sub(s.account.reserve), cash: s.account.cash };
}

/** Records the fills the venue reports, once each (by fill id), and folds them into the account. */
export async function ingestFills(env: CycleEnv, emitter: CycleEmitter, state: CycleState): Promise<CycleState> {
  const fills = await env.venue.pollFills();
  if (fills.length === 0) return state;
  let account = state.account;
  for (const fill of fills) {
    if (state.seenFillIds.has(fill.fillId)) continue;
    state.seenFillIds.add(fill.fillId);
    const live = state.liveOrders.get(fill.clientOrderId);
    const fillEventId = emitter.emit('OrderFilled', fillData(fill), live?.cause ?? null);
    const before = account;
    account = settleToReserve(env, emitter, before, applyFill(account, fill), fill, fillEventId);
    if (live) {
      const remaining = live.remaining.sub(fill.qty);
      if (remaining.lte(0)) state.liveOrders.delete(fill.clientOrderId);
      else state.liveOrders.set(fill.clientOrderId, { ...live, remaining });
    }
  }
  return { ...state, account };
}

/**
 * Self-financing: part of the profit a fill realizes (net of its fee) moves from cash into the reserve,
 * which is never traded; a loss stays in tradable capital. The policy decides the split.
 */
function settleToReserve(env: CycleEnv, emitter: CycleEmitter, before: Account, after: Account, fill: VenueFill, cause: string): Account {
  const realized = after.realizedPnl.sub(before.realizedPnl);
  if (realized.isZero() || !env.policy.settleRealizedPnl) return after;
  const net = realized.sub(fill.fee);
  const settlement = env.policy.settleRealizedPnl(net, { clientOrderId: fill.clientOrderId, fillId: fill.fillId });
  if (!settlement.event || settlement.toReserve.lte(0)) return after;
  emitter.emit('ReserveAllocated', settlement.event, cause);
  return { ...after, cash: after.cash.sub(settlement.toReserve), reserve: after.reserve.add(settlement.toReserve) };
}

function fillData(f: VenueFill) {
  return {
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
  };
}

async function cancelAll(env: CycleEnv, emitter: CycleEmitter, liveOrders: CycleState['liveOrders'], reason: string, cause: string | null): Promise<void> {
  for (const open of await env.venue.openOrders(env.symbol)) {
    const result = await env.venue.cancel(open.clientOrderId);
    if (result.kind === 'found' && result.order.status === 'CANCELED') {
      emitter.emit('OrderCanceled', { clientOrderId: open.clientOrderId, reason }, cause);
      liveOrders.delete(open.clientOrderId);
    }
  }
}

