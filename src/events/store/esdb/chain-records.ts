/**
 * The chain-head stream: EventStoreDB has no multi-stream transaction and no "append if $all is at
 * position P", so the global hash chain is serialised through one stream of small records appended
 * with an exact expected revision. Before writing a batch, a writer appends a claim naming the batch
 * and the hash it extends; only one writer can take each revision, so claims (and hence batches) form
 * a single line. See esdb-event-store.ts for the protocol and its trade-offs.
 */
export const CHAIN_STREAM = 'engine-chain-head';
export const CLAIM_TYPE = 'EngineChainClaimed';
export const RELEASE_TYPE = 'EngineChainReleased';

export interface ChainClaim {
  kind: 'claim';
  /** Revision of this record in the chain-head stream. */
  revision: bigint;
  stream: string;
  /** Stream version the batch's first event takes. */
  fromVersion: number;
  eventIds: string[];
  /** Hash the batch extends, and the hash of its last event. */
  prevHash: string;
  lastHash: string;
  /** The revision of a pending claim this one declared abandoned, if any. */
  supersedes: number | null;
}

/** A writer gives its claim back (its batch was refused): the chain continues from prevHash. */
export interface ChainRelease {
  kind: 'release';
  revision: bigint;
  claimRevision: number;
  prevHash: string;
}

export type ChainRecord = ChainClaim | ChainRelease;

export type ClaimData = Omit<ChainClaim, 'kind' | 'revision'>;
export type ReleaseData = Omit<ChainRelease, 'kind' | 'revision'>;

export function parseChainRecord(type: string, revision: bigint, data: unknown): ChainRecord | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (type === CLAIM_TYPE && typeof d.stream === 'string' && typeof d.fromVersion === 'number' && Array.isArray(d.eventIds) && typeof d.prevHash === 'string' && typeof d.lastHash === 'string') {
    return {
      kind: 'claim',
      revision,
      stream: d.stream,
      fromVersion: d.fromVersion,
      eventIds: d.eventIds.map(String),
      prevHash: d.prevHash,
      lastHash: d.lastHash,
      supersedes: typeof d.supersedes === 'number' ? d.supersedes : null,
    };
  }
  if (type === RELEASE_TYPE && typeof d.claimRevision === 'number' && typeof d.prevHash === 'string') {
    return { kind: 'release', revision, claimRevision: d.claimRevision, prevHash: d.prevHash };
  }
  return null;
}
