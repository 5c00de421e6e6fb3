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
  if (fast !== undefined) {
    out = fast.data;
    validated.set(out, { type, json: fast.json });
  } else {
    const parsed = schemas[type].safeParse(data);
    if (!parsed.success) throw new EventValidationError(type, eventId, formatIssues(parsed.error.issues));
    deepFreeze(parsed.data);
    out = parsed.data as object;
    validated.set(out, { type, json: canonicalJson(parsed.data) });
  }
  // A frozen copy, so that its recorded canonical form stays right (the caller may reuse its object).
  const meta = Object.freeze({ ...metadata });
  const metaJson = metadataJsonIfValid(meta);
  if (metaJson !== null) validatedMetadata.set(meta, metaJson);
  return {
    eventId,
    type,
    schemaVersion: CURRENT_SCHEMA_VERSION[type],
    data: out as EventData<T>,
    metadata: meta,
  };
}

/**
 * Data objects createEvent() validated, with their type and canonical JSON. The data is zod's own
 * output (a fresh object graph, never the caller's input) and is deep-frozen before it is recorded,
 * so the recorded JSON stays exactly right: a store can skip validating and re-encoding it.
 */
const validated = new WeakMap<object, { type: string; json: string }>();

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * The canonical JSON of `data` if createEvent() validated this very (frozen) object as `type`;
 * undefined for any other object, which a store must then validate and encode itself.
 */
export function validatedDataJson(data: unknown, type: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const v = validated.get(data);
  return v !== undefined && v.type === type ? v.json : undefined;
}

/** Metadata objects createEvent() made (frozen copies) that are valid, with their canonical JSON. */
const validatedMetadata = new WeakMap<object, string>();

/** The canonical JSON of `metadata` if createEvent() made and checked this very object. */
export function validatedMetadataJson(metadata: unknown): string | undefined {
  return typeof metadata === 'object' && metadata !== null ? validatedMetadata.get(metadata) : undefined;
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
