import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical.js';

/** sha256 of a string, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * fingerprint(state) = sha256(canonicalJson(state)), hex. Maps and Sets are encoded with sorted keys and
 * Decimals in normal form, so two states with the same content have the same fingerprint whatever order
 * they were built in.
 */
export function fingerprint(state: unknown): string {
  return sha256Hex(canonicalJson(state));
}
