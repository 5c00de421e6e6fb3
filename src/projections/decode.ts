import { CURRENT_SCHEMA_VERSION, isEventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/envelope.js';
import { EventValidationError } from '../events/errors.js';
import { type AnyStoredEvent, toTypedEvent } from '../events/event-factory.js';
import { fastValidate } from '../events/fast-validate.js';

/**
 * How a projection reader turns stored events into typed ones.
 *
 * - 'validate' (the default): upcast and full validation of every event against its schema: exactly
 *   toTypedEvent (zod), through decodeValidated, which asks the accept-only fast validators first.
 * - 'trusted': events already at the current schemaVersion are taken as they are; only the type is
 *   checked, and older versions are still upcast and validated. This is sound for a log written by this
 *   engine: createEvent validated and normalised every event's data before it was appended, and the hash
 *   chain (verified by `engine doctor`) proves the stored bytes have not changed since. It skips the
 *   validation cost, which since the fast validators is about a fifth of a full rebuild (bench/rebuild.ts;
 *   it was two thirds with zod on every event). Do not use it on a log whose chain has not been verified
 *   or that another program wrote.
 */
export type DecodeMode = 'validate' | 'trusted';

export function decoderFor(mode: DecodeMode): (e: StoredEvent) => AnyStoredEvent {
  return mode === 'trusted' ? decodeTrusted : decodeValidated;
}

/**
 * toTypedEvent(e), the same result or the same EventValidationError: data at the current schema version
 * that a fast validator (src/events/fast-validate.ts) accepts comes out as zod's own output would;
 * anything else (older versions, unknown types, values a validator is not sure of) goes to toTypedEvent.
 */
export function decodeValidated(e: StoredEvent): AnyStoredEvent {
  const data = fastData(e);
  return data === undefined ? toTypedEvent(e) : ({ ...e, data } as AnyStoredEvent);
}

/**
 * decodeValidated for an event the caller owns (a page of SqliteEventStore.readAllPages): the same
 * result, but an accepted event is typed in place (its data replaced by the validated copy) instead
 * of copied, which saves one object per event in a full rebuild.
 */
export function decodeValidatedOwned(e: StoredEvent): AnyStoredEvent {
  const data = fastData(e);
  if (data === undefined) return toTypedEvent(e);
  e.data = data;
  return e as AnyStoredEvent;
}

function fastData(e: StoredEvent): object | undefined {
  const type = e.type;
  return isEventType(type) && e.schemaVersion === CURRENT_SCHEMA_VERSION[type] ? fastValidate(type, e.data) : undefined;
}

/** The decoder for events the caller owns (see decodeValidatedOwned). */
export function ownedDecoderFor(mode: DecodeMode): (e: StoredEvent) => AnyStoredEvent {
  return mode === 'trusted' ? decodeTrusted : decodeValidatedOwned;
}

export function decodeTrusted(e: StoredEvent): AnyStoredEvent {
  if (!isEventType(e.type)) throw new EventValidationError(e.type, e.eventId, `unknown event type "${e.type}"`);
  if (e.schemaVersion !== CURRENT_SCHEMA_VERSION[e.type]) return toTypedEvent(e);
  return e as AnyStoredEvent;
}
