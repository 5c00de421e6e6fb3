import { Decimal } from 'decimal.js';
import { normalizeDecimal } from './decimal-string.js';

/**
 * Canonical JSON: object keys sorted by code unit, no insignificant whitespace, `undefined` members
 * dropped, Decimal values written as normalised decimal strings, Maps written as objects with sorted
 * keys. The same value always yields the same bytes, which is what hashes and fingerprints need.
 */
export function canonicalJson(value: unknown): string {
  return encode(value);
}

function encode(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object':
      return encodeObject(value as object);
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}

function encodeObject(value: object): string {
  if (Decimal.isDecimal(value)) return JSON.stringify(normalizeDecimal(value as Decimal));
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : encode(v))).join(',') + ']';
  if (value instanceof Map) {
    const keys = [...value.keys()].map(String).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = value.get(k);
      if (v !== undefined) parts.push(JSON.stringify(k) + ':' + encode(v));
    }
    return '{' + parts.join(',') + '}';
  }
  if (value instanceof Set) return encode([...value].map(String).sort());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = record[k];
    if (v !== undefined) parts.push(JSON.stringify(k) + ':' + encode(v));
  }
  return '{' + parts.join(',') + '}';
}
