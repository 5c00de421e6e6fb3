import type { AnyNewEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { type LiveLogger, runLive } from '../../engine/live/live-run.js';
import type { Venue } from '../../engine/ports.js';
import { realSleeper, systemClock, wallStopwatch } from '../live-ports.js';
import { resumedSetup, runStartedOf } from './live-config.js';
import { runPolicy, runRules } from './recorded-run.js';

export interface Leftover {
  runId: string;
  orders: number;
}

export interface LeftoverOptions {
  store: EventStore;
  /** An adapter over the venue account for one earlier run (fills from its start on). */
  openVenue(runStartedAt: number): Promise<Venue>;
  armed: boolean;
  signal: AbortSignal;
  logger: LiveLogger;
  packageVersion: string;
  gitCommit: string | null;
  onAppended?: (e: AnyNewEvent) => void;
}

/**
 * Orders that ended runs left without a verdict at this venue are resolved before a new run trades:
 * each such run is reopened for one reconciliation (RunResumed purpose RECONCILE, no strategy cycle),
 * with its own recorded configuration and rules, then closed again (what still works is canceled).
 * Returns the orders that were still not terminal when it began.
 */
export async function reconcileLeftovers(leftovers: readonly Leftover[], o: LeftoverOptions): Promise<number> {
  let total = 0;
  for (const l of leftovers) {
    const started = await runStartedOf(o.store, l.runId);
    if (!started) continue;
    const setup = await resumedSetup(started.data.config, started.data.strategySource);
    o.logger.info({ runId: l.runId, orders: l.orders }, 'reconciling the orders an ended run left open at the venue');
    const result = await runLive({
      store: o.store,
      runId: l.runId,
      resume: true,
      reconcileOnly: true,
      seed: started.data.seed ?? l.runId,
      rules: runRules(setup.config, started.data.config),
      quoteAsset: started.data.quoteAsset,
      venue: await o.openVenue(started.at),
      market: { next: async () => null },
      clock: systemClock,
      stopwatch: wallStopwatch,
      sleeper: realSleeper,
      policy: runPolicy(setup),
      strategy: setup.strategy,
      armed: o.armed,
      intervalMs: setup.live.intervalMs,
      cycles: 0,
      reconcilePolicy: setup.live.reconcile,
      rateLimitWindowMs: setup.config.risk.rateLimit?.windowMs ?? null,
      backoff: setup.live.backoff,
      packageVersion: o.packageVersion,
      gitCommit: o.gitCommit,
      signal: o.signal,
      logger: o.logger,
      ...(o.onAppended ? { onAppended: o.onAppended } : {}),
    });
    total += result.recoveredOrders;
  }
  return total;
}
