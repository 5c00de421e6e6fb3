import { canonicalJson } from '../canonical.js';
import { CURRENT_SCHEMA_VERSION, isEventType } from '../catalog.js';
import type { EventMetadata, NewEvent } from '../envelope.js';
import { RUN_MODES } from '../envelope.js';
import { EventValidationError, ExpectedVersionConflictError, type ExpectedVersion } from '../errors.js';
import { parseEventData, validatedDataJson } from '../event-factory.js';

/**
 * What every adapter does to a batch before it opens a transaction: validate each event and encode
 * its data and metadata once, canonically. A batch with one bad event throws here, so nothing of it
 * is ever written.
 */
export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  /** canonicalJson of the data as it will be stored (and hashed). */
  dataJson: string;
  metadataJson: string;
}

export function prepareBatch(stream: string, events: readonly NewEvent[]): PreparedEvent[] {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('append: stream name must be a non-empty string');
  const prepared: PreparedEvent[] = new Array(events.length);
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const p = prepareEvent(e);
    if (seen.has(p.eventId)) throw new EventValidationError(p.type, p.eventId, 'event id appears twice in the batch');
    seen.add(p.eventId);
    prepared[i] = p;
  }
  return prepared;
}

function prepareEvent(e: NewEvent): PreparedEvent {
  const { eventId, type, schemaVersion } = e;
  if (typeof eventId !== 'string' || eventId.length === 0) throw new EventValidationError(String(type), String(eventId), 'eventId must be a non-empty string');
  if (typeof type !== 'string' || !isEventType(type)) throw new EventValidationError(String(type), eventId, `unknown event type "${String(type)}"`);
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new EventValidationError(type, eventId, 'schemaVersion must be a positive integer');
  const metadataJson = encodeMetadata(e.metadata, type, eventId);
  const rawJson = canonicalJson(e.data);
  const current = CURRENT_SCHEMA_VERSION[type];
  // createEvent() validated this very object and recorded its canonical form; equal bytes now prove
  // the data was not changed since, so running the schema again would only repeat that work.
  if (schemaVersion === current && validatedDataJson(e.data, type) === rawJson) {
    return { eventId, type, schemaVersion, dataJson: rawJson, metadataJson };
  }
  const parsed = parseEventData(type, schemaVersion, e.data);
  if (!parsed.ok) throw new EventValidationError(type, eventId, parsed.error);
  // At the current version the validated value is stored (decimals in normal form). An older version is
  // stored as given: it cannot be re-expressed at its own version, and upcasting happens on read.
  const dataJson = schemaVersion === current ? canonicalJson(parsed.value) : rawJson;
  return { eventId, type, schemaVersion, dataJson, metadataJson };
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MODES: ReadonlySet<string> = new Set(RUN_MODES);
const METADATA_KEYS = ['at', 'causationId', 'cycleId', 'mode', 'runId'] as const;

/** Checks the metadata by hand (it is small and fixed) and writes its canonical form directly. */
function encodeMetadata(m: EventMetadata, type: string, eventId: string): string {
  const fail = (detail: string): never => {
    throw new EventValidationError(type, eventId, `metadata.${detail}`);
  };
  if (typeof m !== 'object' || m === null) return fail('(root): expected an object');
  if (typeof m.runId !== 'string' || m.runId.length === 0) fail('runId: expected a non-empty string');
  if (!MODES.has(m.mode)) fail(`mode: expected one of ${RUN_MODES.join(', ')}`);
  if (m.cycleId !== null && typeof m.cycleId !== 'string') fail('cycleId: expected a string or null');
  if (m.causationId !== null && typeof m.causationId !== 'string') fail('causationId: expected a string or null');
  if (typeof m.at !== 'string' || !ISO_UTC.test(m.at)) fail('at: expected an ISO-8601 timestamp');
  let known = 0;
  for (const k of METADATA_KEYS) if (Object.prototype.hasOwnProperty.call(m, k)) known++;
  // Extra (forward-compatible) keys: fall back to the generic encoder so they are kept and sorted.
  if (Object.keys(m).length !== known) return canonicalJson(m);
  return (
    '{"at":' + JSON.stringify(m.at) +
    ',"causationId":' + (m.causationId === null ? 'null' : JSON.stringify(m.causationId)) +
    ',"cycleId":' + (m.cycleId === null ? 'null' : JSON.stringify(m.cycleId)) +
    ',"mode":' + JSON.stringify(m.mode) +
    ',"runId":' + JSON.stringify(m.runId) +
    '}'
  );
}

/** The stream's version after a check of expectedVersion; throws ExpectedVersionConflictError. */
export function checkExpectedVersion(stream: string, expected: ExpectedVersion, actual: number | 'no_stream'): void {
  if (expected === 'any') return;
  if (expected === 'no_stream') {
    if (actual !== 'no_stream') throw new ExpectedVersionConflictError(stream, expected, actual);
    return;
  }
  if (expected === 'stream_exists') {
    if (actual === 'no_stream') throw new ExpectedVersionConflictError(stream, expected, actual);
    return;
  }
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 0) {
    throw new TypeError(`append: expectedVersion must be 'no_stream', 'any', 'stream_exists' or an integer >= 0, got ${String(expected)}`);
  }
  if (actual !== expected) throw new ExpectedVersionConflictError(stream, expected, actual);
}

/** Validates the shape of expectedVersion before any I/O (a bad value is a programming error). */
export function assertExpectedVersion(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isInteger(expected) && expected >= 0) return;
  throw new TypeError(`append: expectedVersion must be 'no_stream', 'any', 'stream_exists' or an integer >= 0, got ${String(expected)}`);
}
