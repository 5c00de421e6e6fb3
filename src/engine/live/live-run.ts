import type { EventDataInput } from '../../events/catalog.js';
import type { AnyNewEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { instrumentAssets } from '../../projections/fill-valuation.js';
import { SeededRandom } from '../clocks.js';
import { createRunDecider, RECORD_EVERYTHING, type RunDecider, type RunState } from '../decider/index.js';
import type { Sleeper } from '../driver/ports.js';
import { RunDriver } from '../driver/run-driver.js';
import { StoreRunLog } from '../driver/store-run-log.js';
import { cycleIdFor, runStream } from '../ids.js';
import type { Clock, MarketData, Stopwatch, Venue } from '../ports.js';
import type { ReconcilePolicy } from '../reconciliation/decide.js';
import type { BackoffPolicy } from '../retry/backoff.js';
import { readKillSwitch } from '../risk/kill-switch.js';
import type { RiskPolicy } from '../risk/port.js';
import type { Strategy } from '../strategy.js';
import type { MarketRules } from '../venues/market-rules.js';
import { logNotable } from './notable-events.js';
import { RunScopedVenue } from './run-scoped-venue.js';

export type { Sleeper };

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
  /** With resume: reopen an ENDED run only to reconcile and close what it left open (no strategy cycle). */
  reconcileOnly?: boolean;
  runStarted?: EventDataInput<'RunStarted'>;
  /** The seed of the engine's randomness (the jitter of retry waits). */
  seed: string;
  /** The venue's rules for the run's instrument (the symbol is rules.symbol). */
  rules: MarketRules;
  quoteAsset: string;
  /** The venue as the engine talks to it (possibly through a fault injector). */
  venue: Venue;
  market: MarketData;
  clock: Clock;
  stopwatch: Stopwatch;
  sleeper: Sleeper;
  policy: RiskPolicy;
  strategy: Strategy;
  /** Whether THIS process may send orders (`--arm`); recorded in RunStarted or RunResumed. */
  armed: boolean;
  intervalMs: number;
  /** Stop after this many cycles (null: until a signal). */
  cycles: number | null;
  reconcilePolicy: ReconcilePolicy;
  backoff: BackoffPolicy;
  /** The risk policy's rate-limit window (null: no rate limit). */
  rateLimitWindowMs: number | null;
  signal: AbortSignal;
  /** Called with every event once it is durable in the log (metrics). */
  onAppended?: (e: AnyNewEvent) => void;
  logger?: LiveLogger;
  packageVersion?: string;
  gitCommit?: string | null;
}

export interface LiveRunResult {
  runId: string;
  resumed: boolean;
  /** Cycles run by this process. */
  cycles: number;
  lastCycleSeq: number;
  /** Orders that were not terminal when this process took the run over (they were reconciled first). */
  recoveredOrders: number;
  eventsAppended: number;
  ended: 'COMPLETED' | 'STOPPED' | 'ERROR';
  /** How the strategy failed, when it did (the run ended ERROR). */
  failure?: string;
  state: RunState;
}

const silent: LiveLogger = { child: () => silent, info: () => {}, warn: () => {}, debug: () => {} };

/**
 * A live run (`engine stage7-run`): the run driver with a real (or paper) venue, the venue's market data,
 * the system clock, and the log written at every barrier and cycle end. A restarted process resumes the
 * unfinished run from the fold of its events and reconciles what it left open before any new decision.
 */
export async function runLive(o: LiveRunOptions): Promise<LiveRunResult> {
  const log = (o.logger ?? silent).child({ runId: o.runId });
  const decider = liveDecider(o);
  const runLog = new StoreRunLog(o.store, runStream(o.runId), {
    batchSize: null,
    durableBarriers: true,
    onDurable: [...(o.onAppended ? [o.onAppended] : []), (e) => logNotable(log, e)],
  });
  let killSwitch: boolean | null = null;
  const driver = new RunDriver(
    decider,
    {
      log: runLog,
      market: o.market,
      venue: new RunScopedVenue(o.venue, o.runId),
      clock: o.clock,
      stopwatch: o.stopwatch,
      sleeper: o.sleeper,
      random: new SeededRandom(o.seed).fork('live'),
      async killSwitch() {
        const ks = await readKillSwitch(o.store);
        if (killSwitch !== null && ks.engaged !== killSwitch) log.warn({ engaged: ks.engaged, reason: ks.reason, by: ks.by }, 'kill switch changed');
        killSwitch = ks.engaged;
        return ks.engaged;
      },
    },
    {
      start: o.resume
        ? { kind: 'resume', purpose: o.reconcileOnly ? 'RECONCILE' : 'CONTINUE', armed: o.armed, packageVersion: o.packageVersion ?? '0.0.0', gitCommit: o.gitCommit ?? null }
        : { kind: 'new', started: requireRunStarted(o) },
      cycles: o.cycles,
      intervalMs: o.intervalMs,
      closeDown: { drain: true, flatten: false, cancelReason: 'run ended: nothing is left working at the venue' },
      backoff: o.backoff,
      signal: o.signal,
      onCycle: ({ seq }) => log.child({ cycleId: cycleIdFor(o.runId, seq) }).debug({ mode: driver.state.risk.mode }, 'cycle completed'),
    },
  );
  log.info({ armed: o.armed, resume: o.resume }, o.resume ? 'resuming run' : 'run started');
  const outcome = await driver.run();
  log.info({ ended: outcome.ended, cycles: outcome.cycles, lastCycleSeq: outcome.state.lastCycleSeq }, 'run ended');
  return {
    runId: o.runId,
    resumed: o.resume,
    cycles: outcome.cycles,
    lastCycleSeq: outcome.state.lastCycleSeq,
    recoveredOrders: outcome.recoveredOrders,
    eventsAppended: runLog.counts().written,
    ended: outcome.ended,
    ...(outcome.failure !== undefined ? { failure: outcome.failure } : {}),
    state: outcome.state,
  };
}

/** The decider of a live run with these options (what a resumed process folds the log with). */
export function liveDecider(o: Pick<LiveRunOptions, 'runId' | 'rules' | 'quoteAsset' | 'strategy' | 'policy' | 'reconcilePolicy' | 'backoff' | 'rateLimitWindowMs'>): RunDecider {
  const symbol = o.rules.symbol;
  return createRunDecider({
    runId: o.runId,
    mode: 'live',
    recording: RECORD_EVERYTHING,
    instruments: { [symbol]: { rules: o.rules, assets: instrumentAssets(symbol, o.quoteAsset) } },
    primarySymbol: symbol,
    strategy: o.strategy,
    policy: o.policy,
    reconcile: o.reconcilePolicy,
    maxSubmitAttempts: o.backoff.maxAttempts,
    rateLimitWindowMs: o.rateLimitWindowMs,
  });
}

function requireRunStarted(o: LiveRunOptions): EventDataInput<'RunStarted'> {
  if (!o.runStarted) throw new Error('a new live run needs its RunStarted data');
  return o.runStarted;
}
