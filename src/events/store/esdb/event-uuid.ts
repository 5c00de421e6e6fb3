import { createHash } from 'node:crypto';

/** Namespace of the engine's event ids (a fixed, arbitrary UUID). */
const NAMESPACE = Buffer.from('6f1c2a8e4b3d4f5aa1e29c7b0d3e5f10', 'hex');

/**
 * EventStoreDB wants a UUID per event; ours are free-form strings. A name-based UUID (RFC 4122
 * version 5: SHA-1 of namespace + name) maps each of our ids to the same UUID every time, so the
 * server's own idempotency on event ids applies to our retries. Our id travels in the metadata.
 */
export function eventUuid(eventId: string): string {
  const digest = createHash('sha1').update(NAMESPACE).update(eventId, 'utf8').digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const h = digest.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
