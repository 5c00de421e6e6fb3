import type { Bar } from '../../engine/bar.js';
import { runCycle } from '../../engine/cycle/cycle.js';
import { END_OF_DATA, StrategyDriver, closeOutSource } from '../../engine/cycle/intent-source.js';
import { initialCycleState, type CycleState } from '../../engine/cycle/state.js';
import { cycleIdFor } from '../../engine/ids.js';
import type { RiskPolicy } from '../../engine/risk/port.js';
import { DivergenceFound, type ParitySink, type RecordedCursor } from './cursor.js';
import type { EventData } from '../../events/catalog.js';
import { snapshotOf } from './recorded-run.js';
import { ManualClock, replayEnv, type StrategyFactory } from './replay-env.js';
import type { ReplaySettings } from './run-settings.js';

export interface BacktestReplayInput {
  runId: string;
  started: EventData<'RunStarted'>;
  settings: ReplaySettings;
  policy: RiskPolicy;
  strategyFor: StrategyFactory;
  /** Streamed: the driver fills it cycle by cycle. */
  cursor: RecordedCursor;
  sink: ParitySink;
  /** Full mode: null (the snapshots are in the log). Decisions mode: the re-read, hash-verified bars. */
  bars: AsyncIterable<Bar> | null;
  /** Decisions mode: the dataset's bar length. */
  intervalMs: number | null;
}

/**
 * A backtest again, through the current cycle: one cycle per bar (the recorded snapshots, or the
 * dataset re-read and verified against the recorded hash), then the end-of-data close-out when the
 * replayed position is open or the log holds one. The log is read as the cycles go (memory stays
 * flat). Returns the cycles run; stops at the first divergence.
 */
export async function replayBacktest(r: BacktestReplayInput): Promise<{ cycles: number }> {
  const { runId, settings, cursor } = r;
  const eventsMode = r.started.eventsMode;
  const clock = new ManualClock(0);
  let intervalMs = r.intervalMs ?? 0;
  const env = replayEnv({ runId, mode: 'backtest', settings, policy: r.policy, cursor, sink: r.sink, clock, intervalMs, eventsMode, dryRun: false });
  const strategy = r.strategyFor(settings.strategy.name, settings.strategy.params);
  const driver = new StrategyDriver(strategy);
  const interval = r.started.data?.interval ?? null;
  const dataset = r.bars ? r.bars[Symbol.asyncIterator]() : null;
  let state: CycleState = initialCycleState(settings.initialCash);
  let lastBar: Bar | null = null;
  let cycleSeq = 0;

  for (;;) {
    await cursor.fillThrough(cycleSeq + 1);
    let bar: Bar;
    if (dataset) {
      const next = await dataset.next();
      if (next.done) break;
      bar = next.value;
    } else {
      const recorded = cursor.eventsOfCycle(cycleIdFor(runId, cycleSeq + 1)).find((e) => e.type === 'MarketSnapshotRecorded');
      if (!recorded || recorded.type !== 'MarketSnapshotRecorded') break;
      bar = snapshotOf(recorded.data).bar;
      if (cycleSeq === 0) {
        // The bar length the run used: its first cycle's engine time is that bar's close.
        intervalMs = Date.parse(recorded.metadata.at) - bar.time;
        env.intervalMs = intervalMs;
      }
    }
    cycleSeq++;
    enterCycle(cursor, runId, cycleSeq);
    clock.set(bar.time + intervalMs);
    state = (await runCycle(env, state, { cycleSeq, snapshot: { symbol: settings.symbol, interval, bar }, recordSnapshot: true, intents: driver })).state;
    lastBar = bar;
  }
  if (lastBar === null) return { cycles: 0 };
  const closeOutId = cycleIdFor(runId, cycleSeq + 1);
  await cursor.fillThrough(cycleSeq + 1);
  if (!state.account.position.isZero() || cursor.hasEventsOfCycle(closeOutId)) {
    cycleSeq++;
    enterCycle(cursor, runId, cycleSeq);
    await runCycle(env, state, {
      cycleSeq,
      snapshot: { symbol: settings.symbol, interval, bar: lastBar },
      recordSnapshot: false,
      intents: closeOutSource(strategy.name),
      cancelOpenOrders: END_OF_DATA,
    });
  }
  return { cycles: cycleSeq };
}

/**
 * Before a cycle: the log must not still hold events of an earlier cycle (the replay would have
 * produced fewer events than were recorded).
 */
export function enterCycle(cursor: RecordedCursor, runId: string, cycleSeq: number): void {
  const cycleId = cycleIdFor(runId, cycleSeq);
  const next = cursor.peek();
  if (next && next.metadata.cycleId !== null && next.metadata.cycleId !== cycleId && seqBefore(runId, next.metadata.cycleId, cycleSeq)) {
    throw new DivergenceFound({
      position: next.globalPosition,
      index: cursor.index,
      recorded: { type: next.type, cycleId: next.metadata.cycleId, at: next.metadata.at, data: next.data },
      rederived: null,
      fields: ['(not re-derived)'],
    });
  }
  cursor.cycleId = cycleId;
}

function seqBefore(runId: string, cycleId: string, seq: number): boolean {
  const n = Number(cycleId.slice(runId.length + 2));
  return cycleId.startsWith(`${runId}:c`) && Number.isSafeInteger(n) && n < seq;
}
