import type { EventDataInput } from '../../events/catalog.js';
import type { AnyNewEvent } from '../../events/event-factory.js';
import type { FoldableEvent } from '../decider/evolve.js';
import type { RunState } from '../decider/run-state.js';
import type { Clock, MarketData, Random, Stopwatch, Venue } from '../ports.js';
import type { BackoffPolicy } from '../retry/backoff.js';

/**
 * Where the driver puts a run's events, and reads them back when a process resumes the run. The log
 * decides when events reach the store (one transaction per batch), with one promise it must keep:
 * barrier() makes everything appended so far durable before the driver lets the venue act on it
 * (OrderSubmitRequested is recorded BEFORE the venue is called).
 */
export interface RunLog {
  /** The run's events recorded so far, in order (what a resuming process folds). */
  readRun(): Promise<FoldableEvent[]>;
  append(events: readonly AnyNewEvent[]): void;
  barrier(): Promise<void>;
  /**
   * A cycle ended: the log may write what it holds (live: at once; a backtest: when a batch is full). No
   * promise when there was nothing to write (most bars of a backtest).
   */
  cycleEnded(): Promise<void> | undefined;
  /** Write everything held. */
  flush(): Promise<void>;
}

/** Waiting between cycles and before retries: a timer live, nothing in a backtest or a replay. Resolves early on abort. */
export interface Sleeper {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const NO_WAIT: Sleeper = { sleep: async () => {} };

/** The ports of a run: backtest, live and replay runs differ only in these. */
export interface RunPorts {
  log: RunLog;
  market: MarketData;
  venue: Venue;
  clock: Clock;
  stopwatch: Stopwatch;
  sleeper: Sleeper;
  /** Is the kill switch engaged? Read at the start of every strategy cycle (a backtest's answers at once). */
  killSwitch(): boolean | Promise<boolean>;
  /** Seeded: the jitter of retry waits. */
  random: Random;
}

export type RunStart =
  | { kind: 'new'; started: EventDataInput<'RunStarted'> }
  /**
   * A process continuing a run the log holds unfinished (CONTINUE), or reopening an ended run to reconcile
   * and close what it left open (RECONCILE: no strategy cycle); it states its own arming.
   */
  | { kind: 'resume'; purpose: 'CONTINUE' | 'RECONCILE'; armed: boolean; packageVersion: string; gitCommit: string | null };

export interface DriverOptions {
  start: RunStart;
  /** Stop after this many strategy cycles (null: until the market ends or a stop is asked). */
  cycles: number | null;
  /** Time from one cycle's start to the next (0: as fast as the market gives bars). */
  intervalMs: number;
  closeDown: {
    /** Reconcile orders whose outcome is unknown before ending (live runs), bounded by the reconcile policy. */
    drain: boolean;
    /** Close every open position at the last mark (the end of a backtest's data). */
    flatten: boolean;
    /** Recorded as the reason of the cancels of orders still working at the end. */
    cancelReason: string;
  };
  backoff: BackoffPolicy;
  /** A stop asked (SIGINT/SIGTERM): the cycle in progress finishes, then the run closes down. */
  signal?: AbortSignal;
  /** Called after every strategy cycle. */
  onCycle?: (info: { seq: number; done: number }) => void;
  /** Figures to record in RunEnded (a backtest's metrics), from the final state. */
  summarize?: (state: RunState) => Record<string, unknown>;
}
