import { CURRENT_SCHEMA_VERSION, isEventType } from '../../events/catalog.js';
import type { NewEvent } from '../../events/envelope.js';
import { createEvent, validatedDataJson, validatedMetadataJson } from '../../events/event-factory.js';

/**
 * How a sweep worker hands a batch of events to the writer thread. Events createEvent() made in the worker
 * already carry their canonical JSON: the batch crosses as one string built from it (a flat copy, no object
 * graph to clone), and the writer makes each event again with createEvent() (its fast codecs check every
 * field), so the store takes its trusted path instead of validating through zod. What is stored is the same
 * canonical JSON either way (test/backtest/sweep.test.ts compares the stored rows with `engine backtest`'s).
 */
export function encodeBatch(events: readonly NewEvent[]): string | null {
  const parts: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const data = validatedDataJson(e);
    const metadata = validatedMetadataJson(e);
    // Anything not made by createEvent at the current version crosses as an object, as it always did.
    if (data === undefined || metadata === undefined || !isEventType(e.type) || e.schemaVersion !== CURRENT_SCHEMA_VERSION[e.type]) return null;
    parts[i] = `{"eventId":${JSON.stringify(e.eventId)},"type":${JSON.stringify(e.type)},"data":${data},"metadata":${metadata}}`;
  }
  return `[${parts.join(',')}]`;
}

/** The events of an encoded batch, made (and so validated) again on this thread. Throws EventValidationError. */
export function decodeBatch(json: string): NewEvent[] {
  const raw = JSON.parse(json) as Array<Pick<NewEvent, 'eventId' | 'type' | 'data' | 'metadata'>>;
  return raw.map((e) => createEvent(e.type as never, e.eventId, e.data as never, e.metadata));
}
