import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../../events/canonical.js';
import type { NewEvent } from '../../events/envelope.js';
import { validatedDataJson, validatedMetadataJson } from '../../events/event-factory.js';

/**
 * Two fingerprints of a run, computed incrementally as events go by (nothing is held in memory):
 *
 * - run fingerprint: sha256 over canonical(eventId, type, schemaVersion, data, metadata) of every
 *   event of the run, in order, one per line. It covers exactly the bytes the run wrote, but not the
 *   store's coordinates (global position, prevHash), so the same run gives the same fingerprint in
 *   any database. Full and decisions modes write different events, so their run fingerprints differ.
 *
 * - decision fingerprint: sha256 over canonical(type, data, cycleId, at) of the decision-bearing
 *   events only (everything except the per-run and per-cycle bookkeeping listed in
 *   NON_DECISION_TYPES), in order, with the run id (it prefixes intent, order and cycle ids) replaced
 *   by "$RUN". Event ids, causation ids and run ids legitimately differ between the two event modes
 *   and between a run and its replay; what was decided, in which cycle and at what engine time, must not.
 */
export const NON_DECISION_TYPES: ReadonlySet<string> = new Set([
  'RunStarted',
  'RunResumed',
  'RunEnded',
  'CycleStarted',
  'MarketSnapshotRecorded',
  'CycleCompleted',
]);

export interface FingerprintableEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: { runId: string } & Record<string, unknown>;
}

/** Characters of pending lines that trigger a hash update. */
const CHUNK_CHARS = 1 << 16;

export class RunFingerprints {
  private readonly run: Hash = createHash('sha256');
  private readonly decisions: Hash = createHash('sha256');
  private events = 0;
  private decisionEvents = 0;
  // Lines are handed to the hashes in chunks: one update() per event costs more than the hashing.
  // The digest covers the same bytes in the same order either way.
  private runPending = '';
  private decisionsPending = '';

  observe(e: FingerprintableEvent | NewEvent): void {
    // createEvent() already encoded the data canonically: reuse those bytes when it did.
    const dataJson = validatedDataJson(e) ?? canonicalJson(e.data);
    this.runPending += envelopeJson(e) + dataJson + '\n';
    if (this.runPending.length >= CHUNK_CHARS) {
      this.run.update(this.runPending);
      this.runPending = '';
    }
    this.events++;
    if (NON_DECISION_TYPES.has(e.type)) return;
    const m = e.metadata as { runId: string; cycleId: string | null; at: string };
    const line = `{"at":${JSON.stringify(m.at)},"cycleId":${JSON.stringify(m.cycleId)},"data":${dataJson},"type":${JSON.stringify(e.type)}}\n`;
    this.decisionsPending += line.split(m.runId).join('$RUN');
    if (this.decisionsPending.length >= CHUNK_CHARS) {
      this.decisions.update(this.decisionsPending);
      this.decisionsPending = '';
    }
    this.decisionEvents++;
  }

  /** Call once, after the last event. */
  digest(): { fingerprint: string; decisionFingerprint: string; events: number; decisionEvents: number } {
    this.run.update(this.runPending);
    this.decisions.update(this.decisionsPending);
    this.runPending = '';
    this.decisionsPending = '';
    return {
      fingerprint: this.run.digest('hex'),
      decisionFingerprint: this.decisions.digest('hex'),
      events: this.events,
      decisionEvents: this.decisionEvents,
    };
  }
}

/** canonical({ eventId, metadata, schemaVersion, type }), written out directly for the usual metadata keys. */
function envelopeJson(e: FingerprintableEvent | NewEvent): string {
  const known = validatedMetadataJson(e);
  if (known !== undefined) return `{"eventId":${JSON.stringify(e.eventId)},"metadata":${known},"schemaVersion":${e.schemaVersion},"type":${JSON.stringify(e.type)}}`;
  const m = e.metadata as unknown as Record<string, unknown>;
  const keys = Object.keys(m);
  const usual = keys.length === 5 && 'at' in m && 'causationId' in m && 'cycleId' in m && 'mode' in m && 'runId' in m;
  const metadataJson = usual
    ? `{"at":${JSON.stringify(m.at)},"causationId":${JSON.stringify(m.causationId)},"cycleId":${JSON.stringify(m.cycleId)},"mode":${JSON.stringify(m.mode)},"runId":${JSON.stringify(m.runId)}}`
    : canonicalJson(m);
  return `{"eventId":${JSON.stringify(e.eventId)},"metadata":${metadataJson},"schemaVersion":${e.schemaVersion},"type":${JSON.stringify(e.type)}}`;
}

/** Both fingerprints of a sequence of events (e.g. a run's stream read back from the store). */
export async function fingerprintsOf(events: AsyncIterable<FingerprintableEvent> | Iterable<FingerprintableEvent>): Promise<ReturnType<RunFingerprints['digest']>> {
  const f = new RunFingerprints();
  for await (const e of events as AsyncIterable<FingerprintableEvent>) f.observe(e);
  return f.digest();
}
