import { BACKWARDS, END, type EventStoreDBClient, StreamNotFoundError, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Checkpoint, CheckpointStore } from '../port.js';
import { toStoreError } from './esdb-errors.js';

export const CHECKPOINT_STREAM_PREFIX = 'engine-checkpoint-';
const CHECKPOINT_TYPE = 'EngineCheckpointSaved';

/**
 * Projection checkpoints beside the log: one stream per projection, the newest event is the
 * checkpoint. The stream's $maxCount keeps only a few, so the server scavenges old ones. These events
 * carry no envelope, so readers of the log skip them, and they take no part in the hash chain.
 */
export class EsdbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly deadlineMs: number,
    private readonly readonly: boolean,
  ) {}

  async load(name: string): Promise<Checkpoint | null> {
    try {
      let d: Partial<Checkpoint> | undefined;
      // Read to the end (never break out of a client stream: it would stay open until close).
      for await (const r of this.client.readStream(CHECKPOINT_STREAM_PREFIX + name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        d = r.event?.data as Partial<Checkpoint> | undefined;
      }
      if (d && typeof d.position === 'number' && typeof d.fingerprint === 'string' && typeof d.state === 'string') {
        // A checkpoint saved before checkpoints named their chain hash names none: never trusted (ProjectionRunner).
        return { name, position: d.position, hash: typeof d.hash === 'string' ? d.hash : '', fingerprint: d.fingerprint, state: d.state, seal: typeof d.seal === 'string' ? d.seal : null };
      }
      return null;
    } catch (err) {
      if (err instanceof StreamNotFoundError) return null;
      throw toStoreError(err, `load of checkpoint "${name}"`, this.deadlineMs);
    }
  }

  async save(c: Checkpoint): Promise<void> {
    if (this.readonly) throw toStoreError(new Error('the store was opened read-only'), `save of checkpoint "${c.name}"`, this.deadlineMs);
    const stream = CHECKPOINT_STREAM_PREFIX + c.name;
    try {
      const r = await this.client.appendToStream(
        stream,
        jsonEvent({ id: randomUUID(), type: CHECKPOINT_TYPE, data: { position: c.position, hash: c.hash, fingerprint: c.fingerprint, state: c.state, seal: c.seal ?? null } }),
        { deadline: this.deadlineMs },
      );
      if (r.nextExpectedRevision === 0n) await this.client.setStreamMetadata(stream, { maxCount: 3 }, { deadline: this.deadlineMs });
    } catch (err) {
      throw toStoreError(err, `save of checkpoint "${c.name}"`, this.deadlineMs);
    }
  }
}
