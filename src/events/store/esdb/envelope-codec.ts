import type { EventMetadata, StoredEvent } from '../../envelope.js';

/**
 * How one of our events sits in EventStoreDB: the ESDB event type is our type, the ESDB data is our
 * data (canonical JSON), the ESDB event id is eventUuid(eventId), the ESDB revision is our
 * streamVersion and the ESDB commit position our globalPosition. Everything else of the envelope —
 * our event id, schemaVersion, the hash-chain links and our metadata — rides in the ESDB metadata.
 */
export const ENVELOPE_MARK = 'engineEnvelope';

export interface EsdbEnvelope {
  [ENVELOPE_MARK]: 1;
  eventId: string;
  schemaVersion: number;
  prevHash: string;
  hash: string;
  metadata: EventMetadata;
  /** Copies under the names ESDB's own $by_correlation_id projection and UI understand. */
  $correlationId?: string;
  $causationId?: string;
}

export function encodeEnvelope(e: { eventId: string; schemaVersion: number; prevHash: string; hash: string; metadata: EventMetadata }): EsdbEnvelope {
  const env: EsdbEnvelope = {
    [ENVELOPE_MARK]: 1,
    eventId: e.eventId,
    schemaVersion: e.schemaVersion,
    prevHash: e.prevHash,
    hash: e.hash,
    metadata: e.metadata,
  };
  if (e.metadata.cycleId !== null) env.$correlationId = e.metadata.cycleId;
  if (e.metadata.causationId !== null) env.$causationId = e.metadata.causationId;
  return env;
}

/** The shape of a recorded event as @eventstore/db-client returns it (the fields we read). */
export interface EsdbRecorded {
  streamId: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata?: unknown;
  isJson: boolean;
  position?: { commit: bigint; prepare: bigint };
}

/** Ours, or null for anything else in $all: system events, the chain records, foreign writers' events. */
export function decodeRecorded(r: EsdbRecorded): StoredEvent | null {
  if (r.type.startsWith('$') || r.streamId.startsWith('$') || !r.isJson || !r.position) return null;
  const env = r.metadata as Partial<EsdbEnvelope> | undefined;
  if (!env || typeof env !== 'object' || env[ENVELOPE_MARK] !== 1) return null;
  return {
    globalPosition: Number(r.position.commit),
    stream: r.streamId,
    streamVersion: Number(r.revision),
    eventId: env.eventId!,
    type: r.type,
    schemaVersion: env.schemaVersion!,
    data: r.data,
    metadata: env.metadata!,
    prevHash: env.prevHash!,
    hash: env.hash!,
  };
}
