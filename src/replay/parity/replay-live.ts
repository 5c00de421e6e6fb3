import type { AnyStoredEvent } from '../../events/event-factory.js';
import { SeededRandom } from '../../engine/clocks.js';
import { ingestFills, runCycle } from '../../engine/cycle/cycle.js';
import { CycleEmitter } from '../../engine/cycle/emitter.js';
import { StrategyDriver } from '../../engine/cycle/intent-source.js';
import { initialCycleState, type CycleState } from '../../engine/cycle/state.js';
import { cycleIdFor } from '../../engine/ids.js';
import { resumeRun } from '../../engine/live/resume.js';
import { KILL_SWITCH_INITIAL, type KillSwitchState, evolveKillSwitch } from '../../engine/risk/kill-switch.js';
import type { RiskPolicy } from '../../engine/risk/port.js';
import { nonTerminalOrders } from '../../projections/orders/orders-projection.js';
import { type ParitySink, type RecordedCursor, SegmentCut } from './cursor.js';
import { type RecordedCycle, type RecordedRun, recordedCycles } from './recorded-run.js';
import { enterCycle } from './replay-backtest.js';
import { ManualClock, replayEnv, type StrategyFactory } from './replay-env.js';
import { ReplayReconciler } from './replay-reconciler.js';
import type { ReplaySettings } from './run-settings.js';

export interface LiveReplayInput {
  run: RecordedRun;
  settings: ReplaySettings;
  policy: RiskPolicy;
  strategyFor: StrategyFactory;
  cursor: RecordedCursor;
  /** Built by the caller with cutCycles(run). */
  sink: ParitySink;
  /** The kill-switch control stream (its global positions tell which cycles saw it engaged). */
  killSwitchEvents: readonly AnyStoredEvent[];
}

/** Statuses the reconciler asks about; an escalated one among them keeps the risk mode at OBSERVE. */
const UNRESOLVED = new Set(['REQUESTED', 'UNKNOWN', 'THROTTLED', 'ESCALATED']);

/**
 * Which process segments a live run had, read from its cycle ids (src/engine/live/live-run.ts). Each
 * process starts with a reconciliation pass under cycle id lastCycleSeq + 1 (no CycleStarted), then
 * runs strategy cycles from lastCycleSeq + 2; a process that ends normally closes down under one more
 * cycle id (reconciling what is unknown, canceling what still works), then RunEnded. So a cycle without
 * CycleStarted is a start-up pass when a strategy cycle follows it or when it left events and is not
 * the run's close-down (the last cycle, right after a strategy cycle, in a run that has RunEnded).
 * A cycle the process did not finish (killed: a strategy cycle without CycleCompleted, or a pass no
 * strategy cycle followed) is "cut": the replay may run past its recorded end.
 */
export function liveSegments(cycles: ReadonlyMap<number, RecordedCycle>, ended: boolean): { startups: Set<number>; closeDown: number | null; cut: Set<number>; lastSeq: number } {
  const lastSeq = Math.max(0, ...cycles.keys());
  const startups = new Set<number>();
  const cut = new Set<number>();
  let closeDown: number | null = null;
  for (let s = 1; s <= lastSeq; s++) {
    const c = cycles.get(s);
    if (c?.regular) {
      if (!c.completed) cut.add(s);
      continue;
    }
    const next = cycles.get(s + 1);
    if (c && s === lastSeq && ended && cycles.get(s - 1)?.regular) {
      closeDown = s;
      continue;
    }
    if (c || next?.regular) startups.add(s);
    if (c && !next?.regular) cut.add(s);
  }
  return { startups, closeDown, cut, lastSeq };
}

/**
 * A live (stage7-run) run again, segment by segment, as the live loop ran it: the first process from a
 * fresh state, every restart from resumeRun() over the events the log held at that moment (exactly
 * what the restarted process folded), its start-up reconciliation taken from the log, then the
 * strategy cycles with the recorded snapshots, times, venue answers and kill-switch state.
 */
export async function replayLive(r: LiveReplayInput): Promise<{ cycles: number; segments: number }> {
  const { run, settings, cursor } = r;
  const runId = run.runId;
  const started = run.started.data;
  const cycles = recordedCycles(runId, run.events);
  const { startups, closeDown, lastSeq } = liveSegments(cycles, run.ended !== null);
  const clock = new ManualClock(Date.parse(run.started.metadata.at));
  const seed = started.seed ?? '';
  const dryRun = !started.armed;
  let state: CycleState = initialCycleState(settings.initialCash);
  let driver = new StrategyDriver(r.strategyFor(settings.strategy.name, settings.strategy.params));
  let env = replayEnv({ runId, mode: 'live', settings, policy: r.policy, cursor, sink: r.sink, clock, intervalMs: settings.barIntervalMs ?? 0, eventsMode: 'full', dryRun });
  let segments = 0;
  let ran = 0;

  for (let s = 1; s <= lastSeq; s++) {
    const c = cycles.get(s);
    if (startups.has(s)) {
      if (segments > 0) {
        const seen = [run.started, ...run.events.slice(0, cursor.index)];
        driver = new StrategyDriver(r.strategyFor(settings.strategy.name, settings.strategy.params));
        const resumed = resumeRun(runId, seen, r.policy, driver, settings.risk.rateLimit?.windowMs ?? null);
        state = resumed.state;
        const escalated = nonTerminalOrders(resumed.orders, runId).filter((o) => o.escalated && UNRESOLVED.has(o.status)).map((o) => o.clientOrderId);
        env = segmentEnv(escalated, s);
      } else {
        env = segmentEnv([], s);
      }
      segments++;
      enterCycle(cursor, runId, s);
      if (c) clock.set(c.at);
      const emitter = new CycleEmitter(r.sink, env.ids.forCycle(s), runId, 'live', cycleIdFor(runId, s), new Date(clock.now()).toISOString());
      try {
        state = await ingestFills(env, emitter, state);
        state = await env.reconciler!.reconcile(emitter, state, clock.now(), null);
        // A close-down the process was killed in looks like a start-up pass: take the rest of its record too.
        state = await recordedPasses(emitter, state, s);
      } catch (err) {
        if (!(err instanceof SegmentCut)) throw err;
      }
      continue;
    }
    if (s === closeDown && c) {
      enterCycle(cursor, runId, s);
      clock.set(c.at);
      const emitter = new CycleEmitter(r.sink, env.ids.forCycle(s), runId, 'live', cycleIdFor(runId, s), new Date(clock.now()).toISOString());
      state = await recordedPasses(emitter, state, s);
      continue;
    }
    if (!c?.regular || !c.snapshot) continue;
    enterCycle(cursor, runId, s);
    clock.set(c.at);
    state = { ...state, risk: { ...state.risk, killSwitch: killSwitchBefore(r.killSwitchEvents, c.firstPosition).engaged } };
    try {
      state = (await runCycle(env, state, { cycleSeq: s, snapshot: c.snapshot, recordSnapshot: true, intents: driver })).state;
      ran++;
    } catch (err) {
      if (!(err instanceof SegmentCut)) throw err;
      ran++;
    }
  }
  return { cycles: ran, segments };

  /** The close-down: recorded fills, reconciliations and cancels, pass after pass, in the order they were recorded. */
  async function recordedPasses(emitter: CycleEmitter, st: CycleState, s: number): Promise<CycleState> {
    for (let before = -1; before !== cursor.index && cursor.hasEventsOfCycle(cycleIdFor(runId, s)); ) {
      before = cursor.index;
      st = await ingestFills(env, emitter, st);
      st = await env.reconciler!.reconcile(emitter, st, clock.now(), null);
    }
    return st;
  }

  function segmentEnv(escalated: string[], k: number) {
    // The live loop's randomness for a segment starting at cycle k: SeededRandom(seed).fork(`live/c${k}`).
    const random = new SeededRandom(seed).fork(`live/c${k}`);
    return replayEnv({
      runId,
      mode: 'live',
      settings,
      policy: r.policy,
      cursor,
      sink: r.sink,
      clock,
      intervalMs: settings.barIntervalMs ?? 0,
      eventsMode: 'full',
      dryRun,
      reconciler: new ReplayReconciler(cursor, escalated),
      ...(settings.backoff ? { retry: { policy: settings.backoff, random, waiter: { wait: async () => {} } } } : {}),
    });
  }
}

function killSwitchBefore(events: readonly AnyStoredEvent[], position: number): KillSwitchState {
  let s = KILL_SWITCH_INITIAL;
  for (const e of events) {
    if (e.globalPosition >= position) break;
    s = evolveKillSwitch(s, e);
  }
  return s;
}
