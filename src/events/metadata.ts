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

/**
 * The last value of each field that metadataJsonIfValid() checked and encoded: consecutive events share all
 * but causationId within a cycle, and runId and mode across cycles (a new cycle brings a new cycleId and at).
 */
const UNSET: unique symbol = Symbol('unset');
const memo: { runId: unknown; runIdJson: string; mode: unknown; modeJson: string; cycleId: unknown; cycleIdJson: string; at: unknown; atJson: string } = {
  // Equal to no field's value: the first metadata is checked in full.
  runId: UNSET,
  runIdJson: '',
  mode: UNSET,
  modeJson: '',
  cycleId: UNSET,
  cycleIdJson: '',
  at: UNSET,
  atJson: '',
};

/**
 * encodeMetadata(m) when metadataProblem(m) is null, else null. Each field equal to the one last checked is
 * neither checked nor encoded again (test/events/metadata-memo.test.ts holds it equal to the long way).
 */
export function metadataJsonIfValid(m: EventMetadata): string | null {
  const r = m as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || Object.keys(r).length !== KEY_COUNT) return metadataProblem(m) === null ? encodeMetadata(m) : null;
  const { runId, mode, cycleId, causationId, at } = r;
  if (runId !== memo.runId) {
    if (typeof runId !== 'string' || runId.length === 0) return null;
    memo.runId = runId;
    memo.runIdJson = JSON.stringify(runId);
  }
  if (mode !== memo.mode) {
    if (typeof mode !== 'string' || !MODES.has(mode)) return null;
    memo.mode = mode;
    memo.modeJson = JSON.stringify(mode);
  }
  if (cycleId !== memo.cycleId) {
    if (cycleId !== null && typeof cycleId !== 'string') return null;
    memo.cycleId = cycleId;
    memo.cycleIdJson = cycleId === null ? 'null' : JSON.stringify(cycleId);
  }
  if (causationId !== null && typeof causationId !== 'string') return null;
  if (at !== memo.at) {
    if (typeof at !== 'string' || !ISO_TIMESTAMP.test(at)) return null;
    memo.at = at;
    memo.atJson = JSON.stringify(at);
  }
  return (
    '{"at":' + memo.atJson +
    ',"causationId":' + (causationId === null ? 'null' : JSON.stringify(causationId)) +
    ',"cycleId":' + memo.cycleIdJson +
    ',"mode":' + memo.modeJson +
    ',"runId":' + memo.runIdJson +
    '}'
  );
}
