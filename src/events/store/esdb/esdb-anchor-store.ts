import { FORWARDS, START, type EventStoreDBClient, StreamNotFoundError, jsonEvent, type ReadRevision } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { AnchorStore, SignedHead } from '../port.js';
import { toStoreError } from './esdb-errors.js';

export const ANCHOR_STREAM = 'engine-signed-heads';
const ANCHOR_TYPE = 'EngineHeadSigned';
const PAGE = 512;

/**
 * Signed heads in one stream beside the log. Like the checkpoint streams, its events carry no
 * envelope, so readers of the log skip them and they take no part in the hash chain. Append-only as
 * far as the server's ACLs make it so: set them to keep writers from deleting this stream.
 */
export class EsdbAnchorStore implements AnchorStore {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly deadlineMs: number,
    private readonly readonly: boolean,
  ) {}

  async add(h: SignedHead): Promise<void> {
    if (this.readonly) throw toStoreError(new Error('the store was opened read-only'), 'append of a signed head', this.deadlineMs);
    try {
      await this.client.appendToStream(
        ANCHOR_STREAM,
        jsonEvent({ id: randomUUID(), type: ANCHOR_TYPE, data: { position: h.position, hash: h.hash, at: h.at, mac: h.mac } }),
        { deadline: this.deadlineMs },
      );
    } catch (err) {
      throw toStoreError(err, 'append of a signed head', this.deadlineMs);
    }
  }

  async list(): Promise<SignedHead[]> {
    const out: SignedHead[] = [];
    let from: ReadRevision = START;
    try {
      for (;;) {
        let n = 0;
        let last = -1n;
        // Each page is read to its end (never break out of a client stream).
        for await (const r of this.client.readStream(ANCHOR_STREAM, { direction: FORWARDS, fromRevision: from, maxCount: PAGE })) {
          n++;
          if (!r.event) continue;
          last = r.event.revision;
          const d = r.event.data as Partial<SignedHead>;
          if (typeof d.position === 'number' && typeof d.hash === 'string' && typeof d.at === 'string' && typeof d.mac === 'string') {
            out.push({ position: d.position, hash: d.hash, at: d.at, mac: d.mac });
          }
        }
        if (n < PAGE) return out;
        from = last + 1n;
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return out;
      throw toStoreError(err, 'read of the signed heads', this.deadlineMs);
    }
  }
}
