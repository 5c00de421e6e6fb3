import type { EventData } from '../../events/catalog.js';
import { type AnyStoredEvent, toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { Bar } from '../../engine/bar.js';
import { runStream } from '../../engine/ids.js';
import { Decimal } from '../../engine/values.js';
import { type FingerprintableEvent, RunFingerprints } from '../backtest/fingerprints.js';

/** A run as its stream recorded it. */
export interface RecordedRun {
  runId: string;
  started: AnyStoredEvent & { type: 'RunStarted' };
  /** Everything between RunStarted and RunEnded, in stream order: what a replay compares. */
  events: AnyStoredEvent[];
  ended: (AnyStoredEvent & { type: 'RunEnded' }) | null;
  /** All events of the stream (RunStarted, RunEnded included), for fingerprints and resumes. */
  all: AnyStoredEvent[];
}

export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
}

export async function readRecordedRun(store: EventStore, runId: string): Promise<RecordedRun> {
  const all: AnyStoredEvent[] = [];
  for await (const e of store.readStream(runStream(runId))) all.push(toTypedEvent(e));
  const started = all.find((e): e is AnyStoredEvent & { type: 'RunStarted' } => e.type === 'RunStarted');
  if (!started) throw new RunNotFoundError(all.length === 0 ? `no run "${runId}" in the log (engine runs lists them)` : `run "${runId}" has no RunStarted`);
  const ended = all.find((e): e is AnyStoredEvent & { type: 'RunEnded' } => e.type === 'RunEnded') ?? null;
  return { runId, started, ended, all, events: all.filter((e) => e.type !== 'RunStarted' && e.type !== 'RunEnded') };
}

/** `${runId}:c${n}` -> n. */
export function cycleSeqOf(runId: string, cycleId: string | null): number | null {
  if (cycleId === null || !cycleId.startsWith(`${runId}:c`)) return null;
  const n = Number(cycleId.slice(runId.length + 2));
  return Number.isSafeInteger(n) ? n : null;
}

/** What the log shows of one cycle. */
export interface RecordedCycle {
  seq: number;
  /** Has CycleStarted: a strategy cycle (live start-up reconciliation passes have none). */
  regular: boolean;
  completed: boolean;
  /** Engine time of the cycle (every event of a cycle carries the same). */
  at: number;
  snapshot: { symbol: string; interval: string | null; bar: Bar } | null;
  /** Global position of its first event. */
  firstPosition: number;
}

export function recordedCycles(runId: string, events: readonly AnyStoredEvent[]): Map<number, RecordedCycle> {
  const cycles = new Map<number, RecordedCycle>();
  for (const e of events) {
    const seq = cycleSeqOf(runId, e.metadata.cycleId);
    if (seq === null) continue;
    let c = cycles.get(seq);
    if (!c) {
      c = { seq, regular: false, completed: false, at: Date.parse(e.metadata.at), snapshot: null, firstPosition: e.globalPosition };
      cycles.set(seq, c);
    }
    if (e.type === 'CycleStarted') c.regular = true;
    else if (e.type === 'CycleCompleted') c.completed = true;
    else if (e.type === 'MarketSnapshotRecorded') c.snapshot = snapshotOf(e.data);
  }
  return cycles;
}

export function snapshotOf(d: EventData<'MarketSnapshotRecorded'>): { symbol: string; interval: string | null; bar: Bar } {
  const b = d.bar;
  return {
    symbol: d.symbol,
    interval: d.interval,
    bar: { time: Date.parse(b.openTime), open: new Decimal(b.open), high: new Decimal(b.high), low: new Decimal(b.low), close: new Decimal(b.close), volume: new Decimal(b.volume) },
  };
}

/** What streaming a run's events has seen so far (complete once the stream was read to its end). */
export interface RecordedTally {
  /** Events between RunStarted and RunEnded. */
  events: number;
  ended: (AnyStoredEvent & { type: 'RunEnded' }) | null;
  fingerprints: RunFingerprints;
}

/**
 * A run's stream read lazily: RunStarted up front, then the events a replay compares, one by one, each
 * also folded into the recorded fingerprints. For runs too long to hold in memory (backtests).
 */
export async function openRecordedRun(
  store: EventStore,
  runId: string,
): Promise<{ started: AnyStoredEvent & { type: 'RunStarted' }; events: AsyncIterable<AnyStoredEvent>; tally: RecordedTally }> {
  const it = store.readStream(runStream(runId))[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new RunNotFoundError(`no run "${runId}" in the log (engine runs lists them)`);
  const started = toTypedEvent(first.value);
  if (started.type !== 'RunStarted') throw new RunNotFoundError(`run "${runId}" does not begin with RunStarted`);
  const tally: RecordedTally = { events: 0, ended: null, fingerprints: new RunFingerprints() };
  tally.fingerprints.observe(started as unknown as FingerprintableEvent);
  async function* rest(): AsyncIterable<AnyStoredEvent> {
    for (let n = await it.next(); !n.done; n = await it.next()) {
      const e = toTypedEvent(n.value);
      tally.fingerprints.observe(e as unknown as FingerprintableEvent);
      if (e.type === 'RunEnded') {
        tally.ended = e;
        continue;
      }
      if (e.type === 'RunStarted') continue;
      tally.events++;
      yield e;
    }
  }
  return { started, events: rest(), tally };
}
