import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { StoredEvent } from './envelope.js';
import { storedBytesProblem } from './stored-bytes.js';

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

/**
 * An event exactly as a store holds it: data and metadata as the stored bytes (text), not parsed.
 * This is what integrity checks hash: the bytes a reader of the database sees, not a re-encoding of them.
 */
export interface StoredRecord extends HashableFields {
  globalPosition: number;
  hash: string;
}

export type ChainBreakKind = 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'POSITION_GAP' | 'POSITION_ORDER' | 'NON_CANONICAL';

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
  /**
   * Rows whose stored bytes hash correctly but are not the canonical encoding (verifyRecords only):
   * the chain still links through them, but what a database reader sees may differ from what was hashed.
   */
  nonCanonical: { count: number; first: Array<{ globalPosition: number; detail: string }> };
}

export interface VerifyOptions {
  /** Where the walk starts: the position before the first event and its hash (prevHash null: do not check the first link). */
  start?: { prevHash: string | null; position: number };
  /** SQLite positions are 1, 2, 3...; EventStoreDB's are increasing but not contiguous. */
  contiguousPositions?: boolean;
}

/** How many non-canonical rows a verdict names (all are counted). */
const NAMED_NON_CANONICAL = 10;

/**
 * Walk the log in global order and check every link. Stops at the first break, which is what a
 * person needs to find the damage: the position, and whether the event itself or its link was altered.
 * Events must be given as stored (raw data, not upcast); they are hashed as re-encoded, so this proves
 * the values, not the bytes: verifyRecords() proves the bytes.
 */
export async function verifyChain(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
  options: VerifyOptions = {},
): Promise<ChainVerdict> {
  return walk(reencoded(events), options, false);
}

/**
 * verifyChain over the stored bytes: each row must hash, as stored, to its stored hash, and its bytes
 * must be canonical (storedBytesProblem). A row that is not canonical but hashes as stored is counted
 * in `nonCanonical` and the walk goes on; one whose stored bytes do not hash to its hash is the break:
 * NON_CANONICAL when its hash covers the canonical re-encoding of non-canonical bytes (the bytes were
 * swapped for others that parse alike, e.g. with a repeated key), HASH_MISMATCH otherwise.
 */
export async function verifyRecords(
  records: AsyncIterable<StoredRecord> | Iterable<StoredRecord>,
  options: VerifyOptions = {},
): Promise<ChainVerdict> {
  return walk(records, options, true);
}

/** The hash of a record's canonical re-encoding, or null when its bytes are not JSON. */
function reencodedHash(r: StoredRecord): string | null {
  try {
    return computeHash({ ...r, dataJson: canonicalJson(JSON.parse(r.dataJson)), metadataJson: canonicalJson(JSON.parse(r.metadataJson)) });
  } catch {
    return null;
  }
}

async function* reencoded(events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>): AsyncIterable<StoredRecord> {
  for await (const e of events as AsyncIterable<StoredEvent>) yield recordOf(e);
}

/** The record a parsed event stands for: data and metadata canonically re-encoded. */
export function recordOf(e: StoredEvent): StoredRecord {
  return {
    globalPosition: e.globalPosition,
    stream: e.stream,
    streamVersion: e.streamVersion,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    prevHash: e.prevHash,
    dataJson: canonicalJson(e.data),
    metadataJson: canonicalJson(e.metadata),
    hash: e.hash,
  };
}

async function walk(records: AsyncIterable<StoredRecord> | Iterable<StoredRecord>, options: VerifyOptions, checkBytes: boolean): Promise<ChainVerdict> {
  const start = options.start ?? { prevHash: GENESIS_HASH, position: 0 };
  const contiguous = options.contiguousPositions ?? true;
  let expectedPrev: string | null = start.prevHash;
  let lastPosition = start.position;
  let checked = 0;
  const nonCanonical: ChainVerdict['nonCanonical'] = { count: 0, first: [] };
  for await (const r of records as AsyncIterable<StoredRecord>) {
    const fail = (kind: ChainBreakKind, detail: string, at = r.globalPosition): ChainVerdict => ({
      ok: false,
      eventsChecked: checked,
      lastPosition,
      lastHash: expectedPrev ?? '',
      firstBreak: { globalPosition: at, kind, detail },
      nonCanonical,
    });
    if (r.globalPosition <= lastPosition) return fail('POSITION_ORDER', `position ${r.globalPosition} follows ${lastPosition}`);
    if (contiguous && r.globalPosition !== lastPosition + 1) return fail('POSITION_GAP', `positions ${lastPosition + 1}..${r.globalPosition - 1} are missing (deleted?)`, lastPosition + 1);
    if (expectedPrev !== null && r.prevHash !== expectedPrev) return fail('PREV_HASH_MISMATCH', `prevHash does not match the hash of the event before it`);
    const bytes = checkBytes ? storedBytesProblem(r.type, r.schemaVersion, r.dataJson, r.metadataJson) : null;
    if (computeHash(r) !== r.hash) {
      if (bytes !== null && reencodedHash(r) === r.hash) {
        return fail('NON_CANONICAL', `${bytes}: its hash covers their canonical re-encoding, not the stored bytes (${r.type} ${r.eventId})`);
      }
      return fail('HASH_MISMATCH', `stored hash does not match the event's content (${r.type} ${r.eventId}${bytes !== null ? `: ${bytes}` : ''})`);
    }
    if (bytes !== null) {
      nonCanonical.count++;
      if (nonCanonical.first.length < NAMED_NON_CANONICAL) nonCanonical.first.push({ globalPosition: r.globalPosition, detail: bytes });
    }
    expectedPrev = r.hash;
    lastPosition = r.globalPosition;
    checked++;
  }
  return { ok: nonCanonical.count === 0, eventsChecked: checked, lastPosition, lastHash: expectedPrev ?? start.prevHash ?? '', firstBreak: null, nonCanonical };
}
