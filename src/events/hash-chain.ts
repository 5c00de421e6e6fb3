import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { StoredEvent } from './envelope.js';

/** prevHash of the first event in a log. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The fields a hash covers: the whole envelope except `hash` itself and `globalPosition`.
 * The position is the store's coordinate (EventStoreDB only knows it after the write); order is
 * protected anyway, because each event names its predecessor's hash.
 */
export interface HashableFields {
  stream: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  prevHash: string;
  /** canonicalJson(data), as stored. */
  dataJson: string;
  /** canonicalJson(metadata), as stored. */
  metadataJson: string;
}

/**
 * canonical(event without hash), built by concatenation from already-canonical parts so that the
 * hot append path serialises data and metadata once. Keys in sorted order.
 */
export function hashBody(f: HashableFields): string {
  return (
    '{"data":' + f.dataJson +
    ',"eventId":' + JSON.stringify(f.eventId) +
    ',"metadata":' + f.metadataJson +
    ',"prevHash":' + JSON.stringify(f.prevHash) +
    ',"schemaVersion":' + String(f.schemaVersion) +
    ',"stream":' + JSON.stringify(f.stream) +
    ',"streamVersion":' + String(f.streamVersion) +
    ',"type":' + JSON.stringify(f.type) +
    '}'
  );
}

/** hash = sha256(prevHash || canonical(event without hash)), hex. */
export function computeHash(f: HashableFields): string {
  return sha256Hex(f.prevHash + hashBody(f));
}

/** sha256 of a string's UTF-8 bytes, hex. One-shot crypto.hash (Node >= 20.12) is about twice as fast as createHash() for inputs this small. */
export const sha256Hex: (input: string) => string =
  typeof crypto.hash === 'function'
    ? (input) => crypto.hash('sha256', input, 'hex')
    : (input) => crypto.createHash('sha256').update(input).digest('hex');

export function hashOfStoredEvent(e: StoredEvent): string {
  return computeHash({
    stream: e.stream,
    streamVersion: e.streamVersion,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    prevHash: e.prevHash,
    dataJson: canonicalJson(e.data),
    metadataJson: canonicalJson(e.metadata),
  });
}

export type ChainBreakKind = 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'POSITION_GAP' | 'POSITION_ORDER';

export interface ChainBreak {
  /** The first damaged position: the altered event, or the first missing one for a gap. */
  globalPosition: number;
  kind: ChainBreakKind;
  detail: string;
}

export interface ChainVerdict {
  ok: boolean;
  eventsChecked: number;
  lastPosition: number;
  lastHash: string;
  firstBreak: ChainBreak | null;
}

/**
 * Walk the log in global order and check every link. Stops at the first break, which is what a
 * person needs to find the damage: the position, and whether the event itself or its link was altered.
 * Events must be given as stored (raw data, not upcast).
 */
export async function verifyChain(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
  options: {
    start?: { prevHash: string; position: number };
    /** SQLite positions are 1, 2, 3...; EventStoreDB's are increasing but not contiguous. */
    contiguousPositions?: boolean;
  } = {},
): Promise<ChainVerdict> {
  const start = options.start ?? { prevHash: GENESIS_HASH, position: 0 };
  const contiguous = options.contiguousPositions ?? true;
  let expectedPrev = start.prevHash;
  let lastPosition = start.position;
  let checked = 0;
  for await (const e of events as AsyncIterable<StoredEvent>) {
    const fail = (kind: ChainBreakKind, detail: string, at = e.globalPosition): ChainVerdict => ({
      ok: false,
      eventsChecked: checked,
      lastPosition,
      lastHash: expectedPrev,
      firstBreak: { globalPosition: at, kind, detail },
    });
    if (e.globalPosition <= lastPosition) return fail('POSITION_ORDER', `position ${e.globalPosition} follows ${lastPosition}`);
    if (contiguous && e.globalPosition !== lastPosition + 1) return fail('POSITION_GAP', `positions ${lastPosition + 1}..${e.globalPosition - 1} are missing (deleted?)`, lastPosition + 1);
    if (e.prevHash !== expectedPrev) return fail('PREV_HASH_MISMATCH', `prevHash does not match the hash of the event before it`);
    const actual = hashOfStoredEvent(e);
    if (actual !== e.hash) return fail('HASH_MISMATCH', `stored hash does not match the event's content (${e.type} ${e.eventId})`);
    expectedPrev = e.hash;
    lastPosition = e.globalPosition;
    checked++;
  }
  return { ok: true, eventsChecked: checked, lastPosition, lastHash: expectedPrev, firstBreak: null };
}
