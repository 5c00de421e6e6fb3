import { CURRENT_SCHEMA_VERSION, isEventType } from '../../events/catalog.js';
import type { EventMetadata, NewEvent } from '../../events/envelope.js';
import { createEvent } from '../../events/event-factory.js';
import { computeHash, GENESIS_HASH, type StoredRecord } from '../../events/hash-chain.js';
import { prepareBatch } from '../../events/store/batch.js';
import type { EventStore, EventStoreSnapshot } from '../../events/store/port.js';
import { InputError } from '../errors.js';

/**
 * The copy of a log into another store (`engine store copy`): every event with its id, stream, stream
 * version, type, schema version, data and metadata, appended in global order, so that the destination
 * computes the very same hash chain (a hash covers everything but the store's global position).
 *
 * - Resumable and idempotent: the destination's head must be a point of the source's chain (its hash is
 *   the hash of a source event; the empty log's is the genesis hash), and the copy goes on after it. A
 *   destination holding anything else is refused before anything is written.
 * - Whole, verified batches: a batch is a run of consecutive events of one stream (one atomic append),
 *   checked BEFORE it is written (each event links to the one before it, and the bytes the destination
 *   will store and hash are the source's stored bytes), and after it (the destination's head is the
 *   hash of its last event). A kill leaves the destination at the end of some batch: a point of the source.
 */

export interface CopyOptions {
  /** Events per append at most (a batch never spans two streams). */
  batchSize: number;
  /** Called after each batch with the events done so far (including those found already copied) and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface CopyOutcome {
  /** Events in the source (up to its snapshot's head). */
  total: number;
  /** Events the destination held already (a resumed copy). */
  alreadyPresent: number;
  copied: number;
  batches: number;
  destinationHead: { position: number; hash: string };
}

/** The destination is not empty and is not a prefix of the source: it is some other log. */
export class NotAPrefixError extends InputError {}

export async function copyLog(source: EventStoreSnapshot, destination: EventStore, options: CopyOptions): Promise<CopyOutcome> {
  const start = await destination.head();
  const { total, resumeAfter, alreadyPresent } = await findResumePoint(source, start, destination.location);
  let done = alreadyPresent;
  let copied = 0;
  let batches = 0;
  let prevHash = start.hash;
  let head = start;
  let batch: Array<{ record: StoredRecord; event: NewEvent }> = [];
  options.onProgress?.(done, total);

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch.map((b) => b.record);
    const events = batch.map((b) => b.event);
    batch = [];
    const first = records[0]!;
    await destination.append(first.stream, events, first.streamVersion === 0 ? 'no_stream' : first.streamVersion - 1);
    head = await destination.head();
    const last = records[records.length - 1]!;
    if (head.hash !== last.hash) {
      throw new Error(
        `after copying up to source position ${last.globalPosition}, ${destination.location} ends with hash ${head.hash}, not ${last.hash}: another writer appended to it?`,
      );
    }
    copied += records.length;
    done += records.length;
    batches++;
    options.onProgress?.(done, total);
  };

  for await (const r of source.readRecords({ fromPosition: resumeAfter })) {
    if (r.prevHash !== prevHash) {
      throw new InputError(`${source.location}: the event at position ${r.globalPosition} does not link to the one before it (prevHash); ${copied} events copied, in whole batches`);
    }
    const event = copiable(r, source.location);
    prevHash = r.hash;
    const prev = batch[batch.length - 1]?.record;
    if (prev !== undefined && (prev.stream !== r.stream || prev.streamVersion + 1 !== r.streamVersion || batch.length >= options.batchSize)) {
      await flush();
    }
    batch.push({ record: r, event });
  }
  await flush();
  return { total, alreadyPresent, copied, batches, destinationHead: head };
}

/**
 * Where the copy goes on: after the source event whose hash is the destination's head (after nothing
 * for an empty destination). Also counts the source's events, for the progress bar.
 */
async function findResumePoint(
  source: EventStoreSnapshot,
  destinationHead: { position: number; hash: string },
  destination: string,
): Promise<{ total: number; resumeAfter: number; alreadyPresent: number }> {
  const empty = destinationHead.position === 0 && destinationHead.hash === GENESIS_HASH;
  let total = 0;
  let found: { position: number; index: number } | null = empty ? { position: 0, index: 0 } : null;
  for await (const r of source.readRecords()) {
    total++;
    if (found === null && r.hash === destinationHead.hash) found = { position: r.globalPosition, index: total };
  }
  if (found === null) {
    throw new NotAPrefixError(
      `${destination} already holds a log that is not a part of ${source.location}: its head (position ${destinationHead.position}, hash ${destinationHead.hash.slice(0, 16)}…) ` +
        `is no event of the source up to position ${source.at.position}; nothing was written (copy into an empty store)`,
    );
  }
  return { total, resumeAfter: found.position, alreadyPresent: found.index };
}

/**
 * The event to append for a stored record. At the current schema version it is made by createEvent, as
 * the engine makes events (validated, per-bar types through their fast codecs), so the destination's
 * append does not validate it again; an older version is appended as stored (upcasting happens on read).
 */
function toNewEvent(r: StoredRecord): NewEvent {
  const data = JSON.parse(r.dataJson) as unknown;
  const metadata = JSON.parse(r.metadataJson) as EventMetadata;
  if (isEventType(r.type) && r.schemaVersion === CURRENT_SCHEMA_VERSION[r.type]) return createEvent(r.type, r.eventId, data as never, metadata);
  return { eventId: r.eventId, type: r.type, schemaVersion: r.schemaVersion, data, metadata };
}

/**
 * The destination stores (and hashes) what the store port makes of the event: the source's stored bytes
 * must be exactly that, and must hash to the source's hash, or the copy would not be the same chain.
 */
function copiable(r: StoredRecord, location: string): NewEvent {
  const where = `${location}: the event at position ${r.globalPosition} (${r.type} ${r.eventId})`;
  if (computeHash(r) !== r.hash) throw new InputError(`${where} does not hash to its stored hash; nothing of it was copied`);
  let event: NewEvent;
  let prepared;
  try {
    event = toNewEvent(r);
    prepared = prepareBatch(r.stream, [event])[0]!;
  } catch (err) {
    throw new InputError(`${where} cannot be appended to another store: ${(err as Error).message}`);
  }
  if (prepared.dataJson !== r.dataJson || prepared.metadataJson !== r.metadataJson) {
    throw new InputError(`${where} is not stored in the canonical form another store would write, so its copy could not keep its hash`);
  }
  return event;
}
