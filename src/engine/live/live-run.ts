import type { EventDataInput } from '../../events/catalog.js';
import { type AnyNewEvent, type AnyStoredEvent, createEvent, toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { type OrdersState, evolveOrders, findOrder, initialOrdersState, nonTerminalOrders } from '../../projections/orders/orders-projection.js';
import { SeededRandom } from '../clocks.js';
import { type CycleEnv, ingestFills, runCycle } from '../cycle/cycle.js';
import { runScopedIds } from '../cycle/cycle-ids.js';
import { CycleEmitter } from '../cycle/emitter.js';
import { StrategyDriver } from '../cycle/intent-source.js';
import { type CycleState, initialCycleState } from '../cycle/state.js';
import type { ExecutionRules } from '../execution/execution-checks.js';
import { cycleIdFor, runStream } from '../ids.js';
import type { Clock, MarketSnapshot, Stopwatch, Venue } from '../ports.js';
import { Reconciler } from '../reconciliation/reconciler.js';
import type { ReconcilePolicy } from '../reconciliation/decide.js';
import type { BackoffPolicy } from '../retry/backoff.js';
import { readKillSwitch } from '../risk/kill-switch.js';
import type { RiskPolicy } from '../risk/port.js';
import type { Strategy } from '../strategy.js';
import { Decimal } from '../values.js';
import { LiveStoreSink, asProvisionalStored } from './live-sink.js';
import { resumeRun } from './resume.js';
import { RunScopedVenue } from './run-scoped-venue.js';
import { closeDown } from './close-down.js';
import { logNotable } from './notable-events.js';

/** Where a live run's snapshots come from: the paper venue's price walk, or a real venue's poll. */
export interface LiveMarket {
  tick(now: number): MarketSnapshot;
}

/** Waiting between cycles and before retries. The CLI sleeps for real; tests move a clock. Resolves early on abort. */
export interface Sleeper {
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The slice of a pino logger the loop uses (child loggers carry runId, then cycleId). */
export interface LiveLogger {
  child(bindings: Record<string, unknown>): LiveLogger;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface LiveRunOptions {
  store: EventStore;
  runId: string;
  /** Continue a run whose stream exists and has no RunEnded (after a crash); otherwise start it with `runStarted`. */
  resume: boolean;
  runStarted?: EventDataInput<'RunStarted'>;
  /** Needed for a new run: the seed of the engine's randomness (retry jitter). */
  seed: string;
  symbol: string;
  /** The venue as the engine talks to it (possibly through a fault injector). */
  venue: Venue;
  market: LiveMarket;
  clock: Clock;
  stopwatch: Stopwatch;
  sleeper: Sleeper;
  policy: RiskPolicy;
  strategy: Strategy;
  execution: ExecutionRules;
  armed: boolean;
  intervalMs: number;
  barIntervalMs: number;
  /** Stop after this many cycles (null: until a signal). */
  cycles: number | null;
  reconcilePolicy: ReconcilePolicy;
  backoff: BackoffPolicy;
  /** The rate-limit window of the risk policy (see CycleEnv.orderTimesWindowMs). */
  orderTimesWindowMs?: number | null;
  signal: AbortSignal;
  /** Called with every event once it is durable in the log (metrics). */
  onAppended?: (e: AnyNewEvent) => void;
  logger?: LiveLogger;
}

export interface LiveRunResult {
  runId: string;
  resumed: boolean;
  /** Cycles run by this process. */
  cycles: number;
  lastCycleSeq: number;
  /** Orders reconciled (asked about) in the start-up pass. */
  recoveredOrders: number;
  eventsAppended: number;
  ended: 'COMPLETED' | 'STOPPED';
  state: CycleState;
}

const silent: LiveLogger = { child: () => silent, info: () => {}, warn: () => {}, debug: () => {} };

/**
 * The live loop of `engine stage7-run`. On start it folds the run's own events (when resuming after a
 * crash), then, before the first cycle, takes in every fill the venue reports and reconciles every
 * order of the run that is not terminal: an order whose OrderSubmitRequested is in the log but whose
 * answer is not (the process died between the venue call and the append) is found this way. Then one
 * cycle per interval, each appended as batches (one transaction per barrier and one at its end), the
 * kill switch read at the start of each; on abort the current cycle finishes and RunEnded is appended.
 *
 * The engine's randomness for a process segment starting at cycle k is SeededRandom(seed).fork(`live/c${k}`),
 * so a replay that knows where the run was restarted draws the same jitter.
 */
export async function runLive(o: LiveRunOptions): Promise<LiveRunResult> {
  const stream = runStream(o.runId);
  const log = (o.logger ?? silent).child({ runId: o.runId });
  const driver = new StrategyDriver(o.strategy);
  let state: CycleState;
  let orders: OrdersState;
  let lastCycleSeq = 0;
  let version = -1;
  if (o.resume) {
    const events: AnyStoredEvent[] = [];
    for await (const e of o.store.readStream(stream)) events.push(toTypedEvent(e));
    const resumed = resumeRun(o.runId, events, o.policy, driver, o.orderTimesWindowMs);
    state = resumed.state;
    orders = resumed.orders;
    lastCycleSeq = resumed.lastCycleSeq;
    version = resumed.lastVersion;
    log.info({ events: resumed.events, lastCycleSeq, openOrders: nonTerminalOrders(orders, o.runId).length }, 'resuming run');
  } else {
    if (!o.runStarted) throw new Error('a new live run needs its RunStarted data');
    state = initialCycleState(new Decimal(String(o.runStarted.initialCash)));
    orders = initialOrdersState();
  }

  let provisional = 0;
  const sink = new LiveStoreSink(
    o.store,
    stream,
    version,
    [(e) => (orders = evolveOrders(orders, asProvisionalStored(e, ++provisional, stream)))],
    [...(o.onAppended ? [o.onAppended] : []), (e) => logNotable(log, e)],
  );
  if (!o.resume && o.runStarted) {
    sink.emit(
      createEvent('RunStarted', `${o.runId}:start`, o.runStarted, { runId: o.runId, mode: 'live', cycleId: null, causationId: null, at: iso(o.clock.now()) }) as AnyNewEvent,
    );
    await sink.flush();
    log.info({ armed: o.armed, seed: o.seed }, 'run started');
  }

  let cycleSeq = lastCycleSeq + 1;
  const random = new SeededRandom(o.seed).fork(`live/c${cycleSeq}`);
  const venue = new RunScopedVenue(o.venue, o.runId);
  const reconciler = new Reconciler({ venue, orders: () => nonTerminalOrders(orders, o.runId), order: (id) => findOrder(orders, o.runId, id), policy: o.reconcilePolicy });
  const env: CycleEnv = {
    runId: o.runId,
    mode: 'live',
    symbol: o.symbol,
    intervalMs: o.barIntervalMs,
    clock: o.clock,
    ids: runScopedIds(o.runId),
    venue,
    random,
    stopwatch: o.stopwatch,
    policy: o.policy,
    sink,
    execution: o.execution,
    eventsMode: 'full',
    dryRun: !o.armed,
    ...(o.orderTimesWindowMs !== undefined ? { orderTimesWindowMs: o.orderTimesWindowMs } : {}),
    retry: { policy: o.backoff, random, waiter: { wait: (ms) => o.sleeper.sleep(ms, o.signal) } },
    reconciler,
  };

  // Start-up reconciliation: its own cycle id (no CycleStarted), before any new decision.
  const recoverable = nonTerminalOrders(orders, o.runId).length;
  {
    const now = o.clock.now();
    const cycleId = cycleIdFor(o.runId, cycleSeq);
    const emitter = new CycleEmitter(sink, env.ids.forCycle(cycleSeq), o.runId, 'live', cycleId, iso(now));
    reconciler.adopt(nonTerminalOrders(orders, o.runId));
    state = await ingestFills(env, emitter, state);
    state = await reconciler.reconcile(emitter, state, now, null);
    await sink.flush();
    if (recoverable > 0) log.child({ cycleId }).info({ orders: recoverable, stillOpen: nonTerminalOrders(orders, o.runId).length }, 'start-up reconciliation done');
  }

  let done = 0;
  let killSwitch = state.risk.killSwitch;
  let nextAt = o.clock.now();
  while (!o.signal.aborted && (o.cycles === null || done < o.cycles)) {
    cycleSeq++;
    const cycleLog = log.child({ cycleId: cycleIdFor(o.runId, cycleSeq) });
    const ks = await readKillSwitch(o.store);
    if (ks.engaged !== killSwitch) cycleLog.warn({ engaged: ks.engaged, reason: ks.reason, by: ks.by }, 'kill switch changed');
    killSwitch = ks.engaged;
    state = { ...state, risk: { ...state.risk, killSwitch } };
    const snapshot = o.market.tick(o.clock.now());
    const r = await runCycle(env, state, { cycleSeq, snapshot, recordSnapshot: true, intents: driver });
    state = r.state;
    await sink.flush();
    done++;
    cycleLog.debug({ intents: r.intents, orders: r.orders, equity: r.equity.toFixed(), mode: state.risk.mode }, 'cycle completed');
    if (o.cycles !== null && done >= o.cycles) break;
    nextAt += o.intervalMs;
    const wait = nextAt - o.clock.now();
    if (wait > 0) await o.sleeper.sleep(wait, o.signal);
    else nextAt = o.clock.now();
  }

  const ended = o.signal.aborted ? 'STOPPED' : 'COMPLETED';
  cycleSeq++;
  state = await closeDown(env, state, reconciler, () => nonTerminalOrders(orders, o.runId), cycleSeq, o, sink, log);
  sink.emit(
    createEvent(
      'RunEnded',
      `${o.runId}:end`,
      { reason: ended, cycles: cycleSeq, detail: ended === 'STOPPED' ? 'stopped by signal after finishing the cycle' : null },
      { runId: o.runId, mode: 'live', cycleId: null, causationId: null, at: iso(o.clock.now()) },
    ) as AnyNewEvent,
  );
  await sink.flush();
  log.info({ ended, cycles: done, lastCycleSeq: cycleSeq }, 'run ended');
  return { runId: o.runId, resumed: o.resume, cycles: done, lastCycleSeq: cycleSeq, recoveredOrders: recoverable, eventsAppended: sink.appended, ended, state };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
