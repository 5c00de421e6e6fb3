/**
 * The stand-in's storage: an in-memory EventStoreDB-like log with ESDB's semantics — stream revisions
 * from 0, $all positions that increase but are not contiguous (they grow by the record's size, like
 * byte offsets in a transaction file), atomic multi-event appends, optimistic concurrency and
 * idempotency on event ids. Test and bench infrastructure only: the adapter never imports it.
 */

export interface ProposedRecord {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export interface LogRecord extends ProposedRecord {
  stream: string;
  revision: bigint;
  /** commit == prepare for every event, as on a server writing implicit transactions. */
  position: bigint;
  /** .NET ticks (100 ns since 0001-01-01), as the server reports "created". */
  created: bigint;
}

export type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { kind: 'success'; currentRevision: bigint; position: bigint }
  | { kind: 'wrong_expected_version'; current: bigint | 'no_stream'; expected: Expected };

const TICKS_AT_UNIX_EPOCH = 621355968000000000n;

export class StandInLog {
  readonly all: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private nextPosition = 1024n;
  private readonly listeners = new Set<(records: readonly LogRecord[]) => void>();

  constructor(options: { seedSystemEvents?: boolean } = {}) {
    // A fresh server already holds system events in $all; readers must skip them.
    if (options.seedSystemEvents ?? true) {
      this.writeSystemEvent('$settings', '$settings');
      this.writeSystemEvent('$scavenges', '$scavengeIndexInitialized');
    }
  }

  /** Append a system ($-prefixed) event, as the server does on its own from time to time. */
  writeSystemEvent(stream: string, type: string): void {
    this.append(stream, [{ id: systemEventId(this.all.length), type, contentType: 'application/json', data: Buffer.from('{}'), customMetadata: new Uint8Array() }], { kind: 'any' });
  }

  streamRecords(stream: string): readonly LogRecord[] | undefined {
    return this.streams.get(stream);
  }

  currentRevision(stream: string): bigint | 'no_stream' {
    const recs = this.streams.get(stream);
    return recs && recs.length > 0 ? BigInt(recs.length - 1) : 'no_stream';
  }

  /** All or nothing: either every event is written or none is. */
  append(stream: string, events: readonly ProposedRecord[], expected: Expected): AppendOutcome {
    const recs = this.streams.get(stream) ?? [];
    const current: bigint | 'no_stream' = recs.length > 0 ? BigInt(recs.length - 1) : 'no_stream';
    const currentNum = recs.length - 1;

    // Idempotency on event ids: a batch already stored, in order, where this append would have
    // put it (or, for any/stream_exists, wherever its first event is) is acknowledged, not written again.
    const firstId = events[0]?.id;
    let idempotentStart: number | null = null;
    if (firstId !== undefined) {
      if (expected.kind === 'revision' && currentNum > Number(expected.revision)) idempotentStart = Number(expected.revision) + 1;
      else if (expected.kind === 'no_stream' && currentNum >= 0) idempotentStart = 0;
      else if (expected.kind === 'any' || expected.kind === 'stream_exists') {
        const at = recs.findIndex((r) => r.id === firstId);
        if (at >= 0) idempotentStart = at;
      }
    }
    if (idempotentStart !== null) {
      const stored = events.every((e, i) => recs[idempotentStart + i]?.id === e.id);
      if (stored) {
        const last = recs[idempotentStart + events.length - 1]!;
        return { kind: 'success', currentRevision: last.revision, position: last.position };
      }
    }

    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === 'no_stream') ||
      (expected.kind === 'stream_exists' && current !== 'no_stream') ||
      (expected.kind === 'revision' && current !== 'no_stream' && current === expected.revision);
    if (!ok) return { kind: 'wrong_expected_version', current, expected };

    const created = BigInt(Date.now()) * 10_000n + TICKS_AT_UNIX_EPOCH;
    const written: LogRecord[] = events.map((e, i) => {
      const position = this.nextPosition;
      this.nextPosition += BigInt(128 + e.data.length + e.customMetadata.length + e.type.length);
      return { ...e, stream, revision: BigInt(recs.length + i), position, created };
    });
    if (written.length > 0) {
      recs.push(...written);
      this.streams.set(stream, recs);
      this.all.push(...written);
      for (const l of this.listeners) l(written);
    }
    const last = written[written.length - 1];
    return { kind: 'success', currentRevision: last ? last.revision : BigInt(currentNum), position: last ? last.position : this.nextPosition };
  }

  /** Index of the first record in $all at or after position. */
  indexAtOrAfter(position: bigint): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.all[mid]!.position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  onAppend(listener: (records: readonly LogRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function systemEventId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
