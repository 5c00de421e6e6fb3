import { canonicalJson } from './canonical.js';
import { RUN_MODES, type EventMetadata } from './envelope.js';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MODES: ReadonlySet<string> = new Set(RUN_MODES);
const KEY_COUNT = 5; // at, causationId, cycleId, mode, runId

/** What is wrong with an event's metadata ("field: problem"), or null when it is valid. */
export function metadataProblem(m: unknown): string | null {
  if (typeof m !== 'object' || m === null) return '(root): expected an object';
  const r = m as Record<string, unknown>;
  if (typeof r.runId !== 'string' || r.runId.length === 0) return 'runId: expected a non-empty string';
  if (typeof r.mode !== 'string' || !MODES.has(r.mode)) return `mode: expected one of ${RUN_MODES.join(', ')}`;
  if (r.cycleId !== null && typeof r.cycleId !== 'string') return 'cycleId: expected a string or null';
  if (r.causationId !== null && typeof r.causationId !== 'string') return 'causationId: expected a string or null';
  if (typeof r.at !== 'string' || !ISO_TIMESTAMP.test(r.at)) return 'at: expected an ISO-8601 timestamp';
  return null;
}

/**
 * canonicalJson(metadata) for valid metadata, written directly for the five known keys (the generic
 * encoder sorts keys on every call); extra, forward-compatible keys take the generic path and are kept.
 */
export function encodeMetadata(m: EventMetadata): string {
  if (Object.keys(m).length !== KEY_COUNT) return canonicalJson(m);
  return (
    '{"at":' + JSON.stringify(m.at) +
    ',"causationId":' + (m.causationId === null ? 'null' : JSON.stringify(m.causationId)) +
    ',"cycleId":' + (m.cycleId === null ? 'null' : JSON.stringify(m.cycleId)) +
    ',"mode":' + JSON.stringify(m.mode) +
    ',"runId":' + JSON.stringify(m.runId) +
    '}'
  );
}

/** The parts of the last valid metadata encoded by metadataJsonIfValid(): a cycle's events share all but causationId. */
let last: { runId: string; mode: string; cycleId: string | null; at: string; head: string; tail: string } | undefined;

/**
 * encodeMetadata(m) when metadataProblem(m) is null, else null. Consecutive events of one cycle differ
 * only in causationId, so when runId, mode, cycleId and at are the very values last checked, only
 * causationId is checked and encoded (test/events/metadata-memo.test.ts holds it equal to the long way).
 */
export function metadataJsonIfValid(m: EventMetadata): string | null {
  const r = m as unknown as Record<string, unknown>;
  const c = r.causationId;
  if (
    last !== undefined && r.runId === last.runId && r.mode === last.mode && r.cycleId === last.cycleId && r.at === last.at &&
    (c === null || typeof c === 'string') && Object.keys(r).length === KEY_COUNT
  ) {
    return last.head + (c === null ? 'null' : JSON.stringify(c)) + last.tail;
  }
  if (metadataProblem(m) !== null) return null;
  const json = encodeMetadata(m);
  if (Object.keys(m).length === KEY_COUNT) {
    last = {
      runId: m.runId,
      mode: m.mode,
      cycleId: m.cycleId,
      at: m.at,
      head: '{"at":' + JSON.stringify(m.at) + ',"causationId":',
      tail: ',"cycleId":' + (m.cycleId === null ? 'null' : JSON.stringify(m.cycleId)) + ',"mode":' + JSON.stringify(m.mode) + ',"runId":' + JSON.stringify(m.runId) + '}',
    };
  }
  return json;
}
