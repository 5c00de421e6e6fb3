import { canonicalJson } from './canonical.js';
import {
  CURRENT_SCHEMA_VERSION,
  type EventData,
  type EventDataInput,
  type EventType,
  isEventType,
  schemas,
} from './catalog.js';
import type { EventMetadata, NewEvent, StoredEvent } from './envelope.js';
import { EventValidationError } from './errors.js';
import { fastEncode } from './fast-codecs.js';
import { metadataJsonIfValid } from './metadata.js';
import { upcast } from './upcasting.js';

export type TypedNewEvent<T extends EventType = EventType> = NewEvent<T, EventData<T>>;
export type TypedStoredEvent<T extends EventType = EventType> = StoredEvent<T, EventData<T>>;
/** A stored event narrowed by its type: `switch (e.type)` gives typed `e.data`. */
export type AnyStoredEvent = { [T in EventType]: StoredEvent<T, EventData<T>> }[EventType];
export type AnyNewEvent = { [T in EventType]: NewEvent<T, EventData<T>> }[EventType];

/** Build a validated event at the current schema version. Throws EventValidationError on bad data. */
export function createEvent<T extends EventType>(
  type: T,
  eventId: string,
  data: EventDataInput<T>,
  metadata: EventMetadata,
): TypedNewEvent<T> {
  // The hot per-bar types first try a hand-written codec (./fast-codecs.ts, property-tested against
  // zod and canonicalJson); whatever it does not accept goes through zod, which decides and explains.
  const fast = fastEncode(type, data);
  let out: object;
  let json: string;
  if (fast !== undefined) {
    out = fast.data;
    json = fast.json;
  } else {
    const parsed = schemas[type].safeParse(data);
    if (!parsed.success) throw new EventValidationError(type, eventId, formatIssues(parsed.error.issues));
    deepFreeze(parsed.data);
    out = parsed.data as object;
    json = canonicalJson(parsed.data);
  }
  // A frozen copy, so that its recorded canonical form stays right (the caller may reuse its object).
  const meta = Object.freeze({ ...metadata });
  const event = {
    eventId,
    type,
    schemaVersion: CURRENT_SCHEMA_VERSION[type],
    data: out as EventData<T>,
    metadata: meta,
  };
  const encoded: Encoded = { type, data: out, dataJson: json, metadata: meta, metadataJson: metadataJsonIfValid(meta) };
  Object.defineProperty(event, ENCODED, { value: encoded });
  return event;
}

/**
 * What createEvent() validated and encoded, carried by the event it made (a non-enumerable property under a
 * module-private symbol: spreads, JSON and structured clones leave it behind). The data is zod's own output
 * or a codec's (a fresh object graph, never the caller's input) and is deep-frozen, and the metadata is a
 * frozen copy, so the recorded JSON stays exactly right as long as the event still holds those very objects:
 * a store can skip validating and re-encoding them. Kept on the event rather than in WeakMaps keyed by the
 * data: ephemeron tables made every young-generation collection of a backtest's buffered events costly.
 */
interface Encoded {
  type: string;
  data: object;
  dataJson: string;
  metadata: object;
  /** null when the metadata is not valid (the store then checks it and says why). */
  metadataJson: string | null;
}

const ENCODED = Symbol('createEvent.encoded');

function encodedOf(e: unknown): Encoded | undefined {
  return typeof e === 'object' && e !== null ? ((e as { [ENCODED]?: Encoded })[ENCODED]) : undefined;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * The canonical JSON of the event's data if createEvent() made this event, validated this very (frozen)
 * data object as this type, and the event still carries them; undefined otherwise (a store must then
 * validate and encode the data itself).
 */
export function validatedDataJson(e: { type: string; data: unknown }): string | undefined {
  const enc = encodedOf(e);
  return enc !== undefined && enc.data === e.data && enc.type === e.type ? enc.dataJson : undefined;
}

/** The canonical JSON of the event's metadata if createEvent() made and checked this very (frozen) object. */
export function validatedMetadataJson(e: { metadata: unknown }): string | undefined {
  const enc = encodedOf(e);
  return enc !== undefined && enc.metadata === e.metadata && enc.metadataJson !== null ? enc.metadataJson : undefined;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validate an event's data against its schema, upcasting an older schemaVersion first.
 * Used by every reader: the returned data is always at the current version.
 */
export function parseEventData(type: string, schemaVersion: number, data: unknown): ParseResult<unknown> {
  if (!isEventType(type)) return { ok: false, error: `unknown event type "${type}"` };
  const current = CURRENT_SCHEMA_VERSION[type];
  if (schemaVersion > current) return { ok: false, error: `${type} schemaVersion ${schemaVersion} is newer than this engine (${current})` };
  let value = data;
  if (schemaVersion < current) {
    const lifted = upcast(type, schemaVersion, current, data);
    if (!lifted.ok) return lifted;
    value = lifted.data;
  }
  const parsed = schemas[type].safeParse(value);
  if (!parsed.success) return { ok: false, error: `${type}: ${formatIssues(parsed.error.issues)}` };
  return { ok: true, value: parsed.data };
}

/** Narrow a raw stored event to its upcast, validated, typed form. Throws EventValidationError. */
export function toTypedEvent(e: StoredEvent): AnyStoredEvent {
  const r = parseEventData(e.type, e.schemaVersion, e.data);
  if (!r.ok) throw new EventValidationError(e.type, e.eventId, r.error);
  return { ...e, schemaVersion: CURRENT_SCHEMA_VERSION[e.type as EventType], data: r.value } as AnyStoredEvent;
}

export function formatIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
