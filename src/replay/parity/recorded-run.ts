import { type AnyStoredEvent, toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { runStream } from '../../engine/ids.js';
import { type FingerprintableEvent, RunFingerprints } from '../backtest/fingerprints.js';

export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
}

/** What streaming a run's events has seen so far (complete once the stream was read to its end). */
export interface RecordedTally {
  /** Events between RunStarted and RunEnded that a replay re-derives (run lifecycle events aside). */
  events: number;
  /** Process segments: 1 + the RunResumed events. */
  segments: number;
  ended: (AnyStoredEvent & { type: 'RunEnded' }) | null;
  fingerprints: RunFingerprints;
}

/**
 * A run's stream read lazily: RunStarted up front, then every event (RunStarted first), each also folded
 * into the recorded fingerprints. For runs too long to hold in memory (backtests).
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
  const tally: RecordedTally = { events: 0, segments: 1, ended: null, fingerprints: new RunFingerprints() };
  tally.fingerprints.observe(started as unknown as FingerprintableEvent);
  async function* all(): AsyncIterable<AnyStoredEvent> {
    yield started;
    for (let n = await it.next(); !n.done; n = await it.next()) {
      const e = toTypedEvent(n.value);
      tally.fingerprints.observe(e as unknown as FingerprintableEvent);
      if (e.type === 'RunEnded') tally.ended = e;
      else if (e.type === 'RunResumed') tally.segments++;
      else if (e.type !== 'RunStarted') tally.events++;
      yield e;
    }
  }
  return { started, events: all(), tally };
}
