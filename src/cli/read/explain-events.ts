import { type AnyStoredEvent, toTypedEvent } from '../../events/event-factory.js';
import type { StoredEvent } from '../../events/envelope.js';
import type { EventStore } from '../../events/store/port.js';
import type { RunRef } from './as-of.js';
import { versionAtPosition } from './as-of.js';

/**
 * Gathers the events of a causal chain from the log: forward from the anchor (events that belong to the
 * subject, or that an event of the chain caused), then backward through causationId links to the market
 * snapshot the decision was made on. Reads the run's stream around the anchor in windows, never the whole log.
 */

/** Run events read past the subject's last event, for what its events caused (a reserve allocation after a fill). */
const TAIL = 64;
/** Run events searched backwards for the causes (a cycle's snapshot precedes its intents by a few events). */
const LOOKBACK = 20_000;
const WINDOW = 64;

export async function gatherChain(
  store: EventStore,
  run: RunRef,
  anchorPosition: number,
  untilPosition: number,
  belongs: (e: Pick<AnyStoredEvent, 'eventId' | 'data'>) => boolean,
): Promise<AnyStoredEvent[]> {
  const anchor = Math.max(await versionAtPosition(store, run, anchorPosition), 0);
  const chain = new Map<string, AnyStoredEvent>();
  // Forward, in small reads: only the events kept are decoded (validated and upcast).
  let tail = 0;
  let version = anchor;
  forward: for (;;) {
    let read = 0;
    for await (const raw of store.readStream(run.stream, { fromVersion: version, maxCount: WINDOW })) {
      read++;
      if (raw.globalPosition > untilPosition && ++tail > TAIL) break forward;
      const cause = raw.metadata.causationId;
      if (belongs(raw as Pick<AnyStoredEvent, 'eventId' | 'data'>) || (cause !== null && chain.has(cause))) chain.set(raw.eventId, toTypedEvent(raw));
    }
    if (read < WINDOW) break;
    version += WINDOW;
  }
  const wanted = new Set<string>();
  const want = (e: AnyStoredEvent): void => {
    const c = e.metadata.causationId;
    if (c !== null && !chain.has(c)) wanted.add(c);
  };
  for (const e of chain.values()) want(e);
  let hi = anchor - 1;
  while (wanted.size > 0 && hi >= 0 && anchor - hi <= LOOKBACK) {
    const lo = Math.max(0, hi - WINDOW + 1);
    const window: StoredEvent[] = [];
    for await (const raw of store.readStream(run.stream, { fromVersion: lo, maxCount: hi - lo + 1 })) window.push(raw);
    for (let i = window.length - 1; i >= 0; i--) {
      const raw = window[i]!;
      if (!wanted.has(raw.eventId)) continue;
      wanted.delete(raw.eventId);
      const e = toTypedEvent(raw);
      chain.set(e.eventId, e);
      want(e);
    }
    hi = lo - 1;
  }
  return [...chain.values()];
}

/** The event at a global position, or null. */
export async function eventAt(store: EventStore, position: number): Promise<AnyStoredEvent | null> {
  for await (const raw of store.readAll({ fromPosition: position - 1, maxCount: 1 })) return raw.globalPosition === position ? toTypedEvent(raw) : null;
  return null;
}

/** The event with this id: looked for in the stream of the run its id names (`<runId>:...`), else in the whole log. */
export async function eventById(store: EventStore, eventId: string): Promise<AnyStoredEvent | null> {
  const runId = eventId.split(':')[0] ?? '';
  const stream = `run-${runId}`;
  const source = runId !== '' && (await store.streamVersion(stream)) !== 'no_stream' ? store.readStream(stream) : store.readAll({});
  for await (const raw of source) if (raw.eventId === eventId) return toTypedEvent(raw);
  return null;
}
