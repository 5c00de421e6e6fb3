import { canonicalJson } from '../canonical.js';
import { CURRENT_SCHEMA_VERSION, isEventType } from '../catalog.js';
import type { EventMetadata, NewEvent } from '../envelope.js';
import { EventValidationError, ExpectedVersionConflictError, type ExpectedVersion } from '../errors.js';
import { parseEventData, validatedDataJson, validatedMetadataJson } from '../event-factory.js';
import { encodeMetadata, metadataProblem } from '../metadata.js';
import { jsonString, type HashInput } from './chain-hasher.js';

/**
 * What every adapter does to a batch before it opens a transaction: validate each event and encode
 * its data and metadata once, canonically. A batch with one bad event throws here, so nothing of it
 * is ever written.
 */
export interface PreparedEvent extends HashInput {
  eventId: string;
  type: string;
  schemaVersion: number;
  /** canonicalJson of the data as it will be stored (and hashed). */
  dataJson: string;
  metadataJson: string;
}

/**
 * Validates and encodes a batch. It does not look for an event id repeated inside the batch: the
 * SQLite adapter leaves that to its UNIQUE index (free on the hot path), others call
 * assertNoRepeatedIds().
 */
export function prepareBatch(stream: string, events: readonly NewEvent[]): PreparedEvent[] {
  assertStreamName(stream);
  const prepared: PreparedEvent[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) prepared[i] = prepareEvent(events[i]!);
  return prepared;
}

export function assertStreamName(stream: string): void {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('append: stream name must be a non-empty string');
}

/** Throws EventValidationError if an event id appears twice in the batch. */
export function assertNoRepeatedIds(batch: readonly PreparedEvent[]): void {
  const seen = new Set<string>();
  for (const e of batch) {
    if (seen.has(e.eventId)) throw new EventValidationError(e.type, e.eventId, 'event id appears twice in the batch');
    seen.add(e.eventId);
  }
}

const typeJsonCache = new Map<string, string>();
/** Event types are identifiers (checked against the catalog first): quoting needs no escapes. */
function typeJson(type: string): string {
  let json = typeJsonCache.get(type);
  if (json === undefined) typeJsonCache.set(type, (json = JSON.stringify(type)));
  return json;
}

/** One event of prepareBatch(): validated and encoded, or EventValidationError. */
export function prepareEvent(e: NewEvent): PreparedEvent {
  const { eventId, type, schemaVersion } = e;
  if (typeof eventId !== 'string' || eventId.length === 0) throw new EventValidationError(String(type), String(eventId), 'eventId must be a non-empty string');
  if (typeof type !== 'string' || !isEventType(type)) throw new EventValidationError(String(type), eventId, `unknown event type "${String(type)}"`);
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new EventValidationError(type, eventId, 'schemaVersion must be a positive integer');
  const metadataJson = validatedMetadataJson(e) ?? checkedMetadataJson(e.metadata, type, eventId);
  const current = CURRENT_SCHEMA_VERSION[type];
  if (schemaVersion === current) {
    // createEvent() validated this very object, froze it and recorded its canonical form: validating
    // and encoding it again would only repeat that work (the hot path of every engine append).
    const known = validatedDataJson(e);
    if (known !== undefined) {
      return { eventId, eventIdJson: jsonString(eventId), type, typeJson: typeJson(type), schemaVersion, dataJson: known, metadataJson };
    }
  }
  const parsed = parseEventData(type, schemaVersion, e.data);
  if (!parsed.ok) throw new EventValidationError(type, eventId, parsed.error);
  // At the current version the validated value is stored (decimals in normal form). An older version is
  // stored as given: it cannot be re-expressed at its own version, and upcasting happens on read.
  const dataJson = canonicalJson(schemaVersion === current ? parsed.value : e.data);
  return { eventId, eventIdJson: jsonString(eventId), type, typeJson: typeJson(type), schemaVersion, dataJson, metadataJson };
}

function checkedMetadataJson(m: EventMetadata, type: string, eventId: string): string {
  const problem = metadataProblem(m);
  if (problem !== null) throw new EventValidationError(type, eventId, `metadata.${problem}`);
  return encodeMetadata(m);
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
