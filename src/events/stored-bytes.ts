import { canonicalJson } from './canonical.js';
import { CURRENT_SCHEMA_VERSION, isEventType } from './catalog.js';
import { parseEventData } from './event-factory.js';

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
  if (canonicalJson(data) !== dataJson) return 'data bytes are not canonical (repeated or unsorted keys, whitespace or escapes)';
  const metadata = parseJson(metadataJson);
  if (metadata === NOT_JSON) return 'metadata is not JSON';
  if (canonicalJson(metadata) !== metadataJson) return 'metadata bytes are not canonical (repeated or unsorted keys, whitespace or escapes)';
  if (isEventType(type) && schemaVersion === CURRENT_SCHEMA_VERSION[type]) {
    const parsed = parseEventData(type, schemaVersion, data);
    // Invalid data is the projections' finding; the bytes of valid data must be its normal form.
    if (parsed.ok && canonicalJson(parsed.value) !== dataJson) return `data is not in the normal form of ${type} v${schemaVersion} (e.g. a decimal with trailing zeros)`;
  }
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
