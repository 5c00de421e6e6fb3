import { CURRENT_SCHEMA_VERSION, isEventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/envelope.js';
import { EventValidationError } from '../events/errors.js';
import { type AnyStoredEvent, toTypedEvent } from '../events/event-factory.js';

/**
 * How a projection reader turns stored events into typed ones.
 *
 * - 'validate' (the default): toTypedEvent, i.e. upcast and full zod validation of every event.
 * - 'trusted': events already at the current schemaVersion are taken as they are; only the type is
 *   checked, and older versions are still upcast and validated. This is sound for a log written by this
 *   engine: createEvent validated and normalised every event's data before it was appended, and the hash
 *   chain (verified by `engine doctor`) proves the stored bytes have not changed since. It is the fast path
 *   for full rebuilds, where zod dominated the cost (see bench/rebuild.ts). Do not use it on a log whose
 *   chain has not been verified or that another program wrote.
 */
export type DecodeMode = 'validate' | 'trusted';

export function decoderFor(mode: DecodeMode): (e: StoredEvent) => AnyStoredEvent {
  return mode === 'trusted' ? decodeTrusted : toTypedEvent;
}

export function decodeTrusted(e: StoredEvent): AnyStoredEvent {
  if (!isEventType(e.type)) throw new EventValidationError(e.type, e.eventId, `unknown event type "${e.type}"`);
  if (e.schemaVersion !== CURRENT_SCHEMA_VERSION[e.type]) return toTypedEvent(e);
  return e as AnyStoredEvent;
}
