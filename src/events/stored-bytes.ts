import { canonicalJson } from './canonical.js';
import { CURRENT_SCHEMA_VERSION, isEventType } from './catalog.js';
import type { EventMetadata } from './envelope.js';
import { parseEventData } from './event-factory.js';
import { fastEncode } from './fast-codecs.js';
import { encodeMetadata, metadataProblem } from './metadata.js';

/**
 * What is wrong with the bytes a store holds for an event's data or metadata, or null when they are
 * exactly the canonical encoding the engine writes (and hashes). JSON that parses is not enough: a row
 * stored as `{"price":"1.00","price":"95.3"}` parses to one price while SQLite's json_extract reads the
 * other, so the bytes must equal the canonical re-encoding of what they parse to. Data at the current
 * schema version must also be in the catalog's normal form (decimals normalised: "1.50" is not "1.5").
 */
export function storedBytesProblem(type: string, schemaVersion: number, dataJson: string, metadataJson: string): string | null {
  const data = parseJson(dataJson);
  if (data === NOT_JSON) return 'data is not JSON';
  const current = isEventType(type) && schemaVersion === CURRENT_SCHEMA_VERSION[type];
  // The per-bar types of a backtest (most of a log) have hand-written encoders that accept only the
  // normal form and encode exactly as canonicalJson(zod output): equal bytes settle it without zod.
  const fast = current ? fastEncode(type, data) : undefined;
  if (fast === undefined || fast.json !== dataJson) {
    if (canonicalJson(data) !== dataJson) return 'data bytes are not canonical (repeated or unsorted keys, whitespace or escapes)';
    if (current) {
      const parsed = parseEventData(type, schemaVersion, data);
      // Invalid data is the projections' finding; the bytes of valid data must be its normal form.
      if (parsed.ok && canonicalJson(parsed.value) !== dataJson) return `data is not in the normal form of ${type} v${schemaVersion} (e.g. a decimal with trailing zeros)`;
    }
  }
  const metadata = parseJson(metadataJson);
  if (metadata === NOT_JSON) return 'metadata is not JSON';
  const known = typeof metadata === 'object' && metadata !== null && metadataProblem(metadata) === null ? encodeMetadata(metadata as EventMetadata) : null;
  if (known !== metadataJson && canonicalJson(metadata) !== metadataJson) return 'metadata bytes are not canonical (repeated or unsorted keys, whitespace or escapes)';
  return null;
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}
