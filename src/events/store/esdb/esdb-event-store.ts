import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  ErrorType,
  StreamNotFoundError,
  isCommandError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  type AppendExpectedRevision,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import type { NewEvent, StoredEvent } from '../../envelope.js';
import {
  ExpectedVersionConflictError,
  IdempotencyConflictError,
  StoreOpenError,
  StoreUnavailableError,
  type ExpectedVersion,
} from '../../errors.js';
import { computeHash, GENESIS_HASH, recordOf, type StoredRecord } from '../../hash-chain.js';
import { assertExpectedVersion, assertNoRepeatedIds, checkExpectedVersion, prepareBatch, type PreparedEvent } from '../batch.js';
import { BoundedView } from '../bounded-view.js';
import type { AnchorStore, AppendResult, CheckpointStore, EventStore, EventStoreSnapshot, ReadAllOptions, ReadOptions, SubscribeOptions, Subscription } from '../port.js';
import { EsdbAnchorStore } from './esdb-anchor-store.js';
import {
  CHAIN_STREAM,
  CLAIM_TYPE,
  RELEASE_TYPE,
  parseChainRecord,
  type ChainClaim,
  type ChainRecord,
  type ClaimData,
  type ReleaseData,
} from './chain-records.js';
import { EsdbCheckpointStore } from './esdb-checkpoint-store.js';
import { decodeRecorded, encodeEnvelope, type EsdbRecorded } from './envelope-codec.js';
import { EsdbDeadlineExceededError, isNotLeader, toStoreError } from './esdb-errors.js';
import { eventUuid } from './event-uuid.js';

export interface EsdbStoreOptions {
  /** Open for reading only: append and checkpoint saves throw StoreUnavailableError. */
  readonly?: boolean;
  /** Per-call deadline (default: the connection string's defaultDeadline, else 10 000 ms). */
  deadlineMs?: number;
  /** How long another writer's unfinished claim on the chain head is waited for before it is declared abandoned. */
  claimLeaseMs?: number;
  /** How many times in a row a dropped live subscription is resumed before `done` fails (default 6, ~3 s). */
  subscriptionRetries?: number;
  /** How many recent chain records are searched for a repeated batch (the idempotency window). */
  idempotencyWindow?: number;
}

const PAGE = 512;
const MAX_ATTEMPTS = 200;

/** A subscriber's handler threw: ends the subscription with that error, never retried. */
class HandlerFailed {
  constructor(readonly cause: unknown) {}
}

/** Failures a resubscription can cure: the node went away, restarted, or is no longer the leader. */
function isTransient(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  return err instanceof Error && isCommandError(err) && (err.type === ErrorType.UNAVAILABLE || err.type === ErrorType.CANCELLED || err.type === ErrorType.NOT_LEADER);
}

/** Thrown inside an append attempt to start it over (lost a race for the chain head, not-leader). */
class Retry extends Error {
  constructor(readonly delayMs: number) {
    super('retry');
  }
}

type Head = { hash: string; supersedes: number | null };

/**
 * The EventStoreDB adapter of the store port, on @eventstore/db-client.
 *
 * Mapping: our stream = an ESDB stream; streamVersion = ESDB revision (both from 0); globalPosition =
 * the $all commit position (increasing, not contiguous: verifyChain runs with contiguousPositions
 * false); the ESDB event id is a name-based UUID of our event id; the rest of the envelope rides in
 * the ESDB metadata (envelope-codec.ts). System events ($-prefixed), our chain-head records and any
 * event without our envelope are skipped by every read.
 *
 * The global hash chain. Each event names the hash of the event stored before it in $all, so appends
 * from all writers must be serialised. ESDB offers no multi-stream transaction, so an append is:
 *   1. read the tail of the chain-head stream (CHAIN_STREAM) and the target stream's version;
 *   2. append a claim {stream, fromVersion, eventIds, prevHash, lastHash} to CHAIN_STREAM with the
 *      exact expected revision read in 1 — of concurrent writers exactly one wins, the others start over;
 *   3. append the batch to its stream with the exact expected revision (one ESDB append: atomic);
 *      if that is refused, append a release record so others continue from the old hash at once.
 * A writer that finds the last claim's batch not yet in its stream waits (claimLeaseMs), then declares
 * the claim abandoned and chains from that claim's prevHash.
 * Trade-offs, honestly: an append costs four round trips plus a read-back of positions, and all
 * writers of one log take turns (throughput is bounded by one writer's round trips, whatever the
 * cluster size); and a writer that stalls between its claim and its batch for longer than the lease
 * (a long GC pause, a partition) can still land its batch after another writer moved on: the log then
 * holds two events with the same prevHash, which `engine doctor` reports as a chain break at that
 * position — detected, never silent. A claim whose batch failed with an unknown outcome is resumed by
 * the same batch's retry (same ids, same hashes).
 *
 * Idempotency. ESDB cannot look events up by id, so a repeated batch is recognised (a) among the
 * batches claimed in the last `idempotencyWindow` chain records (any stream, any expected version),
 * and (b) at its original place in its stream when the retry carries an exact or no_stream expected
 * version. A repeat older than the window sent with 'any' is not recognised and would be stored again.
 */
export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb';
  private readonly deadlineMs: number;
  private readonly leaseMs: number;
  private readonly window: number;
  private queue: Promise<unknown> = Promise.resolve();
  private lastCompletedClaim: bigint | null = null;
  private tailCache: { records: ChainRecord[]; revision: bigint | -1n } | null = null;
  private readonly landed = new Set<bigint>();
  private readonly pendingSeen = new Map<bigint, number>();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private readonly readonly: boolean;
  private readonly subscriptionRetries: number;
  private checkpointStore: EsdbCheckpointStore | undefined;
  private anchorStore: EsdbAnchorStore | undefined;

  private constructor(
    private readonly client: EventStoreDBClient,
    readonly location: string,
    options: EsdbStoreOptions,
    connectionDeadline: number | null,
  ) {
    this.deadlineMs = options.deadlineMs ?? connectionDeadline ?? 10_000;
    this.leaseMs = options.claimLeaseMs ?? 5_000;
    this.window = options.idempotencyWindow ?? 64;
    this.readonly = options.readonly ?? false;
    this.subscriptionRetries = options.subscriptionRetries ?? 6;
  }

  /** Projection checkpoints, kept in their own streams beside the log. */
  checkpoints(): CheckpointStore {
    this.checkpointStore ??= new EsdbCheckpointStore(this.client, this.deadlineMs, this.readonly);
    return this.checkpointStore;
  }

  /** Signed heads, kept in their own stream beside the log (./esdb-anchor-store.ts). */
  anchors(): AnchorStore {
    this.anchorStore ??= new EsdbAnchorStore(this.client, this.deadlineMs, this.readonly);
    return this.anchorStore;
  }

  /** Connects and checks the server answers; StoreOpenError when it cannot be used. */
  static async open(connectionString: string, options: EsdbStoreOptions = {}): Promise<EsdbEventStore> {
    const location = withoutCredentials(connectionString);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (err) {
      throw new StoreOpenError(location, err instanceof Error ? err.message : String(err));
    }
    const deadline = /[?&]defaultDeadline=(\d+)/i.exec(connectionString);
    const store = new EsdbEventStore(client, location, options, deadline ? Number(deadline[1]) : null);
    try {
      await store.readChainTail(1);
    } catch (err) {
      await client.dispose().catch(() => undefined);
      throw new StoreOpenError(location, err instanceof Error ? err.message : String(err));
    }
    return store;
  }

  // ---------------------------------------------------------------- append

  async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    if (this.readonly) throw new StoreUnavailableError(`${this.location} was opened read-only`);
    assertExpectedVersion(expectedVersion);
    if (stream === CHAIN_STREAM || stream.startsWith('$')) throw new TypeError(`append: stream name "${stream}" is reserved`);
    const batch = prepareBatch(stream, events);
    assertNoRepeatedIds(batch);
    // One append at a time per adapter: they would only queue on the chain head anyway.
    const run = this.queue.then(() => this.appendSerialised(stream, batch, expectedVersion));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendSerialised(stream: string, batch: PreparedEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    if (batch.length === 0) {
      const actual = await this.streamVersion(stream);
      checkExpectedVersion(stream, expected, actual);
      return { nextExpectedVersion: actual === 'no_stream' ? -1 : actual, firstPosition: 0, lastPosition: 0, written: false };
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        return await this.appendAttempt(stream, batch, expected);
      } catch (err) {
        if (err instanceof Retry) {
          if (err.delayMs > 0) await sleep(err.delayMs);
          continue;
        }
        // The client reconnects to the leader named in the answer; nothing was written.
        if (isNotLeader(err)) continue;
        if (err instanceof ExpectedVersionConflictError || err instanceof IdempotencyConflictError) throw err;
        throw toStoreError(err, `append to "${stream}"`, this.deadlineMs);
      }
    }
    throw new StoreUnavailableError(`could not extend the hash chain of ${this.location} after ${MAX_ATTEMPTS} attempts (heavy contention on ${CHAIN_STREAM})`);
  }

  private async appendAttempt(stream: string, batch: PreparedEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const [tail, actual] = await Promise.all([this.refreshChainTail(), this.streamVersion(stream)]);

    const repeat = await this.recentRepeat(stream, batch, tail, actual);
    if (repeat && repeat.kind === 'stored') return repeat.result;

    try {
      checkExpectedVersion(stream, expected, actual);
    } catch (conflict) {
      const originals = conflict instanceof ExpectedVersionConflictError ? await this.positionalRepeat(stream, batch, expected, actual) : null;
      if (originals) return originals;
      throw conflict;
    }
    const version = actual === 'no_stream' ? -1 : actual;

    if (repeat && repeat.kind === 'resume' && repeat.claim.fromVersion === version + 1) {
      // Our own earlier attempt claimed the head and its outcome was unknown: finish it.
      const hashes = chainHashes(stream, batch, version, repeat.claim.prevHash);
      if (hashes[hashes.length - 1] === repeat.claim.lastHash) {
        return this.writeBatch(stream, batch, version, repeat.claim.prevHash, hashes, repeat.claim.revision);
      }
    }

    const head = await this.chainHead(tail.records);
    const hashes = chainHashes(stream, batch, version, head.hash);
    const claim: ClaimData = {
      stream,
      fromVersion: version + 1,
      eventIds: batch.map((e) => e.eventId),
      prevHash: head.hash,
      lastHash: hashes[hashes.length - 1]!,
      supersedes: head.supersedes,
    };
    const claimRevision = await this.appendChainRecord(CLAIM_TYPE, claim, tail.revision);
    return this.writeBatch(stream, batch, version, head.hash, hashes, claimRevision);
  }

  private async writeBatch(stream: string, batch: PreparedEvent[], version: number, prevHash: string, hashes: string[], claimRevision: bigint): Promise<AppendResult> {
    const events = batch.map((e, i) =>
      jsonEvent({
        id: eventUuid(e.eventId),
        type: e.type,
        data: JSON.parse(e.dataJson) as Record<string, never>,
        metadata: encodeEnvelope({
          eventId: e.eventId,
          schemaVersion: e.schemaVersion,
          prevHash: i === 0 ? prevHash : hashes[i - 1]!,
          hash: hashes[i]!,
          metadata: JSON.parse(e.metadataJson),
        }) as unknown as Record<string, never>,
      }),
    );
    const expectedRevision: AppendExpectedRevision = version < 0 ? NO_STREAM : BigInt(version);
    try {
      await this.guard(this.client.appendToStream(stream, events, { expectedRevision, deadline: this.deadlineMs }), `append to "${stream}"`);
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        // Someone wrote to the stream without a claim (a foreign writer): give the head back, start over.
        await this.appendChainRecord(RELEASE_TYPE, { claimRevision: Number(claimRevision), prevHash } satisfies ReleaseData, claimRevision).catch(() => undefined);
        throw new Retry(0);
      }
      throw err;
    }
    this.lastCompletedClaim = claimRevision;
    this.landed.add(claimRevision);
    const stored = await this.readStreamPage(stream, version + 1, batch.length);
    const first = stored[0];
    const last = stored[stored.length - 1];
    if (!first || !last) throw new StoreUnavailableError(`appended to "${stream}" but could not read the batch back`);
    return { nextExpectedVersion: version + batch.length, firstPosition: first.globalPosition, lastPosition: last.globalPosition, written: true };
  }

  /** The hash the next batch extends: the last claim's, once its batch is in its stream. */
  private async chainHead(records: ChainRecord[]): Promise<Head> {
    const latest = records[0];
    if (!latest) return { hash: GENESIS_HASH, supersedes: null };
    if (latest.kind === 'release') return { hash: latest.prevHash, supersedes: null };
    if (await this.claimLanded(latest)) return { hash: latest.lastHash, supersedes: null };
    const firstSeen = this.pendingSeen.get(latest.revision) ?? Date.now();
    for (const rev of this.pendingSeen.keys()) if (rev < latest.revision) this.pendingSeen.delete(rev);
    this.pendingSeen.set(latest.revision, firstSeen);
    if (Date.now() - firstSeen < this.leaseMs) throw new Retry(20);
    // Its writer is gone (or stalled beyond the lease): chain from where that claim started.
    return { hash: latest.prevHash, supersedes: Number(latest.revision) };
  }

  private async claimLanded(claim: ChainClaim): Promise<boolean> {
    if (this.landed.has(claim.revision) || this.lastCompletedClaim === claim.revision) return true;
    const lastId = claim.eventIds[claim.eventIds.length - 1];
    if (lastId === undefined) return true;
    const recs = await this.readRaw(claim.stream, BigInt(claim.fromVersion + claim.eventIds.length - 1), 1, FORWARDS);
    const landed = recs?.[0]?.id === eventUuid(lastId);
    if (landed) this.landed.add(claim.revision);
    return landed;
  }

  /**
   * A batch repeated from a recent claim. All ids stored in this stream: the originals (a no-op);
   * some: IdempotencyConflictError; our own unfinished claim as the last record: 'resume'.
   */
  private async recentRepeat(
    stream: string,
    batch: PreparedEvent[],
    tail: { records: ChainRecord[] },
    actual: number | 'no_stream',
  ): Promise<{ kind: 'stored'; result: AppendResult } | { kind: 'resume'; claim: ChainClaim } | null> {
    const ids = new Set(batch.map((e) => e.eventId));
    const found = new Map<string, StoredEvent>();
    for (const [i, rec] of tail.records.entries()) {
      if (rec.kind !== 'claim' || !rec.eventIds.some((id) => ids.has(id))) continue;
      if (!(await this.claimLanded(rec))) {
        const same = rec.stream === stream && rec.eventIds.length === batch.length && rec.eventIds.every((id, j) => id === batch[j]!.eventId);
        if (i === 0 && same) return { kind: 'resume', claim: rec };
        continue; // abandoned or released: its events were never stored
      }
      for (const e of await this.readStreamPage(rec.stream, rec.fromVersion, rec.eventIds.length)) if (ids.has(e.eventId)) found.set(e.eventId, e);
    }
    if (found.size === 0) return null;
    return { kind: 'stored', result: originalsOrConflict(stream, batch, found, actual) };
  }

  /** A repeat at its original place in the stream, for retries that carry an exact expected version. */
  private async positionalRepeat(stream: string, batch: PreparedEvent[], expected: ExpectedVersion, actual: number | 'no_stream'): Promise<AppendResult | null> {
    if (actual === 'no_stream' || (typeof expected !== 'number' && expected !== 'no_stream')) return null;
    const from = expected === 'no_stream' ? 0 : expected + 1;
    if (from > actual) return null;
    const ids = new Set(batch.map((e) => e.eventId));
    const found = new Map<string, StoredEvent>();
    for (const e of await this.readStreamPage(stream, from, batch.length)) if (ids.has(e.eventId)) found.set(e.eventId, e);
    if (found.size === 0) return null;
    return originalsOrConflict(stream, batch, found, actual);
  }

  private async appendChainRecord(type: string, data: ClaimData | ReleaseData, expected: bigint | -1n): Promise<bigint> {
    try {
      const r = await this.guard(
        this.client.appendToStream(CHAIN_STREAM, jsonEvent({ id: randomUUID(), type, data: data as unknown as Record<string, never> }), {
          expectedRevision: expected < 0n ? NO_STREAM : expected,
          deadline: this.deadlineMs,
        }),
        'chain-head append',
      );
      const revision = r.nextExpectedRevision;
      this.remember(parseChainRecord(type, revision, data), revision);
      return revision;
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) throw new Retry(0); // another writer took the head first
      throw err;
    }
  }

  /**
   * The newest chain records, latest first. The chain stream only grows and its records never change,
   * so they are kept between appends and each append reads only what other writers added since.
   */
  private async refreshChainTail(): Promise<{ records: ChainRecord[]; revision: bigint | -1n }> {
    const cached = this.tailCache;
    if (cached && cached.revision >= 0n) {
      const recs = await this.readRaw(CHAIN_STREAM, cached.revision + 1n, this.window + 1, FORWARDS);
      if (recs && recs.length <= this.window) {
        const fresh: ChainRecord[] = [];
        for (const r of recs) {
          const parsed = parseChainRecord(r.type, r.revision, r.data);
          if (parsed) fresh.unshift(parsed);
        }
        const revision = recs.length > 0 ? recs[recs.length - 1]!.revision : cached.revision;
        this.tailCache = { records: [...fresh, ...cached.records].slice(0, this.window), revision };
        return this.tailCache;
      }
    }
    this.tailCache = await this.readChainTail(this.window);
    return this.tailCache;
  }

  private remember(record: ChainRecord | null, revision: bigint): void {
    const cached = this.tailCache;
    if (record && cached && cached.revision === revision - 1n) {
      this.tailCache = { records: [record, ...cached.records].slice(0, this.window), revision };
    } else {
      this.tailCache = null;
    }
  }

  private async readChainTail(count: number): Promise<{ records: ChainRecord[]; revision: bigint | -1n }> {
    const recs = await this.readRaw(CHAIN_STREAM, END, count, BACKWARDS);
    if (!recs || recs.length === 0) return { records: [], revision: -1n };
    const records: ChainRecord[] = [];
    for (const r of recs) {
      const parsed = parseChainRecord(r.type, r.revision, r.data);
      if (parsed) records.push(parsed);
    }
    return { records, revision: recs[0]!.revision };
  }

  // ---------------------------------------------------------------- reads

  async *readStream(stream: string, options: ReadOptions = {}): AsyncIterable<StoredEvent> {
    this.assertOpen();
    let from = options.fromVersion ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    // Whole pages are drained before anything is yielded: a reader that stops early must not leave
    // a half-read gRPC stream behind (the client would wait for it on close).
    while (remaining > 0) {
      const size = Math.min(PAGE, remaining);
      const recs = await this.readRaw(stream, BigInt(from), size, FORWARDS);
      if (!recs) return;
      for (const r of recs) {
        const e = decodeRecorded(r);
        if (e) yield e;
      }
      if (recs.length < size) return;
      remaining -= recs.length;
      from = Number(recs[recs.length - 1]!.revision) + 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    this.assertOpen();
    const types = options.types ? new Set(options.types) : null;
    let after = options.fromPosition ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const page = await this.readAllPage(after, PAGE);
      for (const e of page.events) {
        if (types && !types.has(e.type)) continue;
        yield e;
        if (--remaining <= 0) return;
      }
      after = page.scannedTo;
      if (!page.full) return;
    }
  }

  /**
   * The client hands out JSON data already parsed, never the bytes the server holds, so a record here
   * is the canonical re-encoding of what it parsed (README: a server-side edit that parses to the same
   * values, such as a repeated key, is not seen through this client).
   */
  async *readRecords(options: ReadAllOptions = {}): AsyncIterable<StoredRecord> {
    for await (const e of this.readAll(options)) yield recordOf(e);
  }

  /** $all is append-only: a view cut at the current head is a snapshot (no transaction needed). */
  async snapshot(): Promise<EventStoreSnapshot> {
    this.assertOpen();
    return BoundedView.of(this);
  }

  /** $all after `after` (exclusive): our events of one page, and the last position looked at. */
  private async readAllPage(after: number, size: number): Promise<{ events: StoredEvent[]; scannedTo: number; full: boolean }> {
    const from: ReadPosition = after <= 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
    const events: StoredEvent[] = [];
    let scannedTo = after;
    let seen = 0;
    try {
      for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: size + 1 })) {
        seen++;
        const rec = resolved.event;
        if (!rec?.position || Number(rec.position.commit) <= after) continue;
        scannedTo = Number(rec.position.commit);
        const e = decodeRecorded(rec as EsdbRecorded);
        if (e) events.push(e);
      }
    } catch (err) {
      throw toStoreError(err, 'read of $all', this.deadlineMs);
    }
    return { events, scannedTo, full: seen >= size + 1 };
  }

  async streamVersion(stream: string): Promise<number | 'no_stream'> {
    this.assertOpen();
    const recs = await this.readRaw(stream, END, 1, BACKWARDS);
    const last = recs?.[0];
    return last ? Number(last.revision) : 'no_stream';
  }

  async head(): Promise<{ position: number; hash: string }> {
    this.assertOpen();
    let from: ReadPosition = END;
    // Walk $all backwards past system events and chain records to our newest event.
    for (;;) {
      const page: EsdbRecorded[] = [];
      try {
        for await (const resolved of this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: 64 })) {
          if (resolved.event) page.push(resolved.event as EsdbRecorded);
        }
      } catch (err) {
        throw toStoreError(err, 'read of $all', this.deadlineMs);
      }
      for (const rec of page) {
        const e = decodeRecorded(rec);
        if (e) return { position: e.globalPosition, hash: e.hash };
      }
      const oldest = page[page.length - 1];
      if (page.length < 64 || !oldest?.position) return { position: 0, hash: GENESIS_HASH };
      from = oldest.position;
    }
  }

  /** Streams created by claims whose batch landed, in chain (= first appearance) order. */
  async listStreams(prefix: string): Promise<string[]> {
    this.assertOpen();
    const out: string[] = [];
    const seen = new Set<string>();
    let from: ReadRevision = START;
    for (;;) {
      const recs = await this.readRaw(CHAIN_STREAM, from, PAGE, FORWARDS);
      if (!recs) return out;
      for (const r of recs) {
        const rec = parseChainRecord(r.type, r.revision, r.data);
        if (!rec || rec.kind !== 'claim' || rec.fromVersion !== 0 || seen.has(rec.stream) || !rec.stream.startsWith(prefix)) continue;
        if (await this.claimLanded(rec)) {
          seen.add(rec.stream);
          out.push(rec.stream);
        }
      }
      if (recs.length < PAGE) return out;
      from = recs[recs.length - 1]!.revision + 1n;
    }
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Catch-up: pages of $all up to the end (then onCaughtUp), then a live subscribeToAll from the last
   * position delivered, filtered server-side to our types (or to non-system events) and client-side to
   * events carrying our envelope. Positions already delivered are never delivered again.
   */
  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const types = options.types ? new Set(options.types) : null;
    let position = options.fromPosition ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let stopped = false;
    let live: ReturnType<EventStoreDBClient['subscribeToAll']> | null = null;

    const deliver = async (e: StoredEvent): Promise<boolean> => {
      if (e.globalPosition <= position) return true;
      position = e.globalPosition;
      if (types && !types.has(e.type)) return true;
      try {
        await handler(e);
      } catch (err) {
        throw new HandlerFailed(err);
      }
      return --remaining > 0;
    };

    const done = (async () => {
      if (remaining <= 0) return;
      for (;;) {
        if (stopped) return;
        const page = await this.readAllPage(position, PAGE);
        for (const e of page.events) {
          if (stopped) return;
          if (!(await deliver(e))) return;
        }
        if (page.scannedTo > position) position = page.scannedTo;
        if (!page.full) break;
      }
      if (stopped) return;
      options.onCaughtUp?.();
      const regex = types ? `^(?:${[...types].map(escapeRegex).join('|')})$` : '^[^$]';
      // Live phase. A dropped subscription (node restart, leader change) is resumed from the last
      // position delivered, a bounded number of times in a row; then `done` fails.
      for (let failures = 0; ; ) {
        if (stopped) return;
        live = this.client.subscribeToAll({
          fromPosition: position <= 0 ? START : { commit: BigInt(position), prepare: BigInt(position) },
          filter: eventTypeFilter({ regex }),
        });
        try {
          for await (const resolved of live) {
            if (stopped) return;
            failures = 0;
            const e = resolved.event ? decodeRecorded(resolved.event as EsdbRecorded) : null;
            if (e && !(await deliver(e))) return;
          }
          if (stopped) return;
          throw new StoreUnavailableError('the server ended the subscription to $all');
        } catch (err) {
          if (stopped) return;
          if (err instanceof HandlerFailed || !isTransient(err) || ++failures > this.subscriptionRetries) throw err;
          await sleep(Math.min(2_000, 100 * 2 ** (failures - 1)));
        } finally {
          const sub = live;
          live = null;
          await sub?.unsubscribe().catch(() => undefined);
        }
      }
    })().catch((err: unknown) => {
      throw err instanceof HandlerFailed ? err.cause : toStoreError(err, 'subscription to $all', this.deadlineMs);
    });
    done.catch(() => undefined);

    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        if (live) {
          await live.unsubscribe().catch(() => undefined);
          live.destroy();
        }
        await done.catch(() => undefined);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    void done.finally(() => this.subscriptions.delete(subscription)).catch(() => undefined);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.queue.catch(() => undefined);
    await this.client.dispose().catch(() => undefined);
  }

  // ---------------------------------------------------------------- helpers

  /** A bounded read of a stream's raw records; null when the stream does not exist. */
  private async readRaw(stream: string, fromRevision: ReadRevision, maxCount: number, direction: typeof FORWARDS | typeof BACKWARDS): Promise<Array<EsdbRecorded & { id: string }> | null> {
    const read = async () => {
      const out: Array<EsdbRecorded & { id: string }> = [];
      for await (const resolved of this.client.readStream(stream, { fromRevision, maxCount, direction })) {
        if (resolved.event) out.push(resolved.event as unknown as EsdbRecorded & { id: string });
      }
      return out;
    };
    try {
      return await this.guard(read(), `read of "${stream}"`);
    } catch (err) {
      if (err instanceof StreamNotFoundError) return null;
      if (isNotLeader(err)) throw err;
      throw toStoreError(err, `read of "${stream}"`, this.deadlineMs);
    }
  }

  private async readStreamPage(stream: string, fromVersion: number, count: number): Promise<StoredEvent[]> {
    const recs = await this.readRaw(stream, BigInt(fromVersion), count, FORWARDS);
    return (recs ?? []).map(decodeRecorded).filter((e): e is StoredEvent => e !== null);
  }

  /** The client's own deadline covers most calls; this catches a server that never answers at all. */
  private guard<T>(p: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EsdbDeadlineExceededError(what, this.deadlineMs)), this.deadlineMs + 1_000);
      p.then(
        (v) => { clearTimeout(timer); resolve(v); },
        (e: unknown) => { clearTimeout(timer); reject(e); },
      );
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`${this.location} is closed`);
  }
}

/** Opens an EventStoreDB log from an `esdb://` or `esdb+discover://` connection string. */
export function openEsdbStore(connectionString: string, options: EsdbStoreOptions = {}): Promise<EsdbEventStore> {
  return EsdbEventStore.open(connectionString, options);
}

export function isEsdbConnectionString(target: string): boolean {
  return /^esdb(\+discover)?:\/\//i.test(target);
}

function chainHashes(stream: string, batch: PreparedEvent[], version: number, prevHash: string): string[] {
  const out: string[] = [];
  let prev = prevHash;
  for (const [i, e] of batch.entries()) {
    prev = computeHash({ stream, streamVersion: version + 1 + i, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, prevHash: prev, dataJson: e.dataJson, metadataJson: e.metadataJson });
    out.push(prev);
  }
  return out;
}

function originalsOrConflict(stream: string, batch: PreparedEvent[], found: Map<string, StoredEvent>, actual: number | 'no_stream'): AppendResult {
  const stored = batch.map((e) => found.get(e.eventId));
  if (stored.some((s) => s === undefined || s.stream !== stream)) {
    throw new IdempotencyConflictError(stream, batch.filter((e) => found.has(e.eventId)).map((e) => e.eventId));
  }
  const positions = stored.map((s) => s!.globalPosition);
  return {
    nextExpectedVersion: actual === 'no_stream' ? -1 : actual,
    firstPosition: Math.min(...positions),
    lastPosition: Math.max(...positions),
    written: false,
  };
}

function withoutCredentials(cs: string): string {
  return cs.replace(/^(esdb(?:\+discover)?:\/\/)[^@/]*@/i, '$1');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
