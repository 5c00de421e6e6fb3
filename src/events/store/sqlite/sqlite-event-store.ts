import Database from 'better-sqlite3';
import type { NewEvent, StoredEvent } from '../../envelope.js';
import {
  ExpectedVersionConflictError,
  IdempotencyConflictError,
  StoreDamagedError,
  StoreOpenError,
  StoreUnavailableError,
  type ExpectedVersion,
} from '../../errors.js';
import { GENESIS_HASH, type StoredRecord } from '../../hash-chain.js';
import { assertExpectedVersion, assertNoRepeatedIds, assertStreamName, checkExpectedVersion, prepareBatch, type PreparedEvent } from '../batch.js';
import { ChainHasher } from '../chain-hasher.js';
import { batchEncoding, decodeBatchBytes } from '../encoded-batch.js';
import { catchUpSubscription, type CatchUpSubscription, type LogPage } from '../catch-up-subscription.js';
import type { AppendResult, EventEncoding, EventStore, EventStoreSnapshot, ReadAllOptions, ReadOptions, SubscribeOptions, Subscription } from '../port.js';
import { SqliteAnchorStore } from './anchor-store.js';
import { SqliteCheckpointStore } from './checkpoint-store.js';
import { inspectTarget } from './inspect-target.js';
import { checkPages, describePageCheck, type PageCheck } from './page-check.js';
import { applyPragmas, createSchema } from './schema.js';
import { asStoreError } from './sqlite-errors.js';

export { SqliteCheckpointStore } from './checkpoint-store.js';
export { SqliteAnchorStore } from './anchor-store.js';
export type { PageCheck } from './page-check.js';

export interface SqliteOpenOptions {
  /** Open for reading only: append throws, nothing in the file is changed. */
  readonly?: boolean;
  /** Create the file and schema when absent (default: true unless readonly). */
  create?: boolean;
  /** 'NORMAL' (default) or 'FULL': see applyPragmas() in ./schema.ts for the trade-off. */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * Before a writable store is handed out, every page of the file passes SQLite's quick_check (default
   * true): nothing is ever appended to a damaged log (StoreDamagedError). It reads the whole file once
   * (~0.7 s per million events); appends that touch a damaged page later fail with StoreDamagedError too.
   */
  checkPagesOnOpen?: boolean;
}

/**
 * A row of COLUMNS as an array (the page statements are raw: better-sqlite3 builds no object with ten
 * named properties per row, which was a third of a full rebuild's read cost).
 */
type EventRow = [
  position: number,
  stream: string,
  streamVersion: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  prevHash: string,
  hash: string,
];
const POSITION = 0;
const STREAM_VERSION = 2;
const TYPE = 4;

/** Rows fetched per query by readers: large enough to amortise the query, small enough to never hold the log. */
const PAGE_SIZE = 5000;
/**
 * Rows per query of readAllPages, whose whole page is parsed at once: small enough that a page of parsed
 * events dies young (a page of 5000 outlived V8's young generation and doubled a rebuild's GC time).
 */
const FOLD_PAGE_SIZE = 1000;
const COLUMNS = 'position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash';

/** Thrown inside the append transaction to roll it back and take the idempotency path. */
class DuplicateEventId extends Error {
  constructor() {
    super('an event id of the batch is already stored (UNIQUE(event_id))');
  }
}

/**
 * The SQLite adapter of the store port (better-sqlite3, synchronous under an async port).
 * One append = one BEGIN IMMEDIATE transaction: the stream version and the log head are read inside
 * it, so appends from other processes on the same file are serialised and never interleave a batch.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  private closed = false;
  private checkpointStore: SqliteCheckpointStore | undefined;
  private anchorStore: SqliteAnchorStore | undefined;
  private readonly subscriptions = new Set<CatchUpSubscription>();

  private readonly stmtVersion: Database.Statement<[string], { v: number | null }>;
  private readonly stmtHead: Database.Statement<[], { position: number; hash: string }>;
  private readonly stmtInsert: Database.Statement<[number, string, number, string, string, number, string, string, string, string]>;
  private readonly stmtById: Database.Statement<[string], { position: number; stream: string; stream_version: number }>;
  private readonly stmtPageAll: Database.Statement<[number, number], EventRow>;
  private readonly stmtPageTypes: Database.Statement<[number, string, number], EventRow>;
  private readonly stmtPageStream: Database.Statement<[string, number, number], EventRow>;
  private readonly stmtStreams: Database.Statement<[string, string], { stream: string }>;
  private readonly appendTx: Database.Transaction<(stream: string, batch: PreparedEvent[], expected: ExpectedVersion) => AppendResult>;
  private readonly retryTx: Database.Transaction<(stream: string, batch: PreparedEvent[]) => AppendResult | null>;

  protected constructor(
    readonly location: string,
    protected readonly db: Database.Database,
    private readonly readonly: boolean,
    /** The file, for the extra read-only connections snapshots use. */
    private readonly path: string,
  ) {
    this.stmtVersion = db.prepare('SELECT MAX(stream_version) AS v FROM events WHERE stream = ?');
    this.stmtHead = db.prepare('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1');
    this.stmtById = db.prepare('SELECT position, stream, stream_version FROM events WHERE event_id = ?');
    // `position >= after + 1`, not `position > after`: SQLite seeks a '>' to `after` and steps on from
    // there, so a read that starts just past a damaged page would still trip over it.
    this.stmtPageAll = db.prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`).raw(true);
    this.stmtPageTypes = db
      .prepare<[number, string, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position >= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
      )
      .raw(true);
    this.stmtPageStream = db
      .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`)
      .raw(true);
    this.stmtStreams = db.prepare(
      'SELECT stream FROM events WHERE stream >= ? AND stream < ? AND stream_version = 0 ORDER BY position',
    );
    if (readonly) {
      // Statements that write cannot even be prepared on a read-only connection.
      this.stmtInsert = null as never;
      this.appendTx = null as never;
      this.retryTx = null as never;
      return;
    }
    this.stmtInsert = db.prepare(
      `INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.appendTx = db.transaction((stream, batch, expected) => this.appendInTransaction(stream, batch, expected));
    this.retryTx = db.transaction((stream, batch) => this.storedOriginals(stream, batch));
  }

  /** Opens (and, unless told otherwise, creates) the event log at `path`. Throws StoreOpenError. */
  static open(path: string, options: SqliteOpenOptions = {}): SqliteEventStore {
    const readonly = options.readonly ?? false;
    const create = options.create ?? !readonly;
    const state = inspectTarget(path);
    if (state !== 'event-log' && (!create || readonly)) {
      throw new StoreOpenError(path, state === 'missing' ? 'no such file' : 'the database holds no event log yet');
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: state !== 'missing' });
    } catch (err) {
      throw new StoreOpenError(path, (err as Error).message);
    }
    try {
      if (readonly) db.pragma('busy_timeout = 5000');
      else {
        applyPragmas(db, options.synchronous);
        if (state === 'event-log' && (options.checkPagesOnOpen ?? true)) {
          const check = checkPages(db);
          if (!check.ok) throw new StoreDamagedError(path, `${describePageCheck(check)}; nothing was appended`, 'page check on open');
        }
        createSchema(db);
      }
      return new SqliteEventStore(path, db, readonly, path);
    } catch (err) {
      db.close();
      if (err instanceof StoreOpenError) throw err;
      const typed = asStoreError(err, path, 'opening');
      if (typed instanceof StoreOpenError) throw typed;
      throw new StoreOpenError(path, (err as Error).message);
    }
  }

  /**
   * The hot path, kept within reach of raw inserts (bench/append.ts):
   * - data that createEvent() validated is frozen and its canonical JSON recorded, so it is neither
   *   re-validated nor re-encoded here; any other data goes through zod (parseEventData) and canonicalJson;
   * - metadata is checked by hand and encoded directly (recorded by createEvent() too);
   * - ChainHasher quotes the stream once per batch and never re-escapes hex prevHashes; one-shot sha256;
   * - idempotency is optimistic: the UNIQUE(event_id) index notices a repeated id, so a normal append
   *   does no per-event lookup; only then is the batch compared with what is stored;
   * - prepared statements are built once; one BEGIN IMMEDIATE transaction per batch.
   */
  async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertWritable();
    assertExpectedVersion(expectedVersion);
    return this.appendPrepared(stream, prepareBatch(stream, events), expectedVersion);
  }

  /**
   * Batches encoded as their events come: a run log that gathers a batch keeps bytes outside the JS heap
   * rather than the events (which, kept until the batch was full, outlived young-generation collections:
   * a decisions-mode year promoted 143 MB, 57 MB of it buffered events).
   */
  readonly encoding: EventEncoding = batchEncoding((stream, batch, expectedVersion) => this.appendEncoded(stream, batch, expectedVersion));

  /** A batch another thread of this process prepared and encoded (EventStore.appendEncoded). */
  async appendEncoded(stream: string, batch: Uint8Array, expectedVersion: ExpectedVersion): Promise<AppendResult> {
    assertStreamName(stream);
    assertExpectedVersion(expectedVersion);
    return this.appendPrepared(stream, decodeBatchBytes(batch), expectedVersion);
  }

  /**
   * append() of a batch prepareBatch() already validated and encoded (by this process: an append thread
   * receives its batches from the thread that prepared them, ./append-thread.ts). Synchronous.
   */
  appendPrepared(stream: string, batch: PreparedEvent[], expectedVersion: ExpectedVersion): AppendResult {
    this.assertWritable();
    try {
      const result = this.appendTx.immediate(stream, batch, expectedVersion);
      if (result.written) this.wakeSubscriptions();
      return result;
    } catch (err) {
      if (err instanceof DuplicateEventId) {
        const originals = this.retryTx.immediate(stream, batch);
        if (originals) return originals;
        // None of the ids was stored before: the batch repeats one of its own.
        assertNoRepeatedIds(batch);
      }
      throw asStoreError(err, this.location, `append to "${stream}"`);
    }
  }

  /** Subscriptions read on: events were appended (by this connection, or by the append thread of its process). */
  wakeSubscriptions(): void {
    for (const s of this.subscriptions) s.wake();
  }

  private appendInTransaction(stream: string, batch: PreparedEvent[], expected: ExpectedVersion): AppendResult {
    const actual = this.versionOf(stream);
    try {
      checkExpectedVersion(stream, expected, actual);
    } catch (conflict) {
      // A retry of a batch that was stored before arrives with a stale expected version: it is a no-op.
      if (batch.length > 0 && conflict instanceof ExpectedVersionConflictError) {
        const originals = this.storedOriginals(stream, batch);
        if (originals) return originals;
      }
      throw conflict;
    }
    const head = this.stmtHead.get();
    const firstPosition = (head?.position ?? 0) + 1;
    let position = firstPosition - 1;
    let version = actual === 'no_stream' ? -1 : actual;
    if (batch.length === 0) return { nextExpectedVersion: version, firstPosition: 0, lastPosition: 0, written: false };
    const chain = new ChainHasher(stream, head?.hash ?? GENESIS_HASH);
    const insert = this.stmtInsert;
    for (const e of batch) {
      position++;
      version++;
      const prevHash = chain.prevHash;
      const hash = chain.next(version, e);
      try {
        insert.run(position, stream, version, e.eventId, e.type, e.schemaVersion, e.dataJson, e.metadataJson, prevHash, hash);
      } catch (err) {
        // Ids are checked optimistically: the UNIQUE index catches a repeat at no cost to normal appends.
        if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && err.message.includes('event_id')) {
          throw new DuplicateEventId();
        }
        throw err;
      }
    }
    return { nextExpectedVersion: version, firstPosition, lastPosition: position, written: true };
  }

  /**
   * The idempotency rule: if every id of the batch is stored in this stream, the originals' placement
   * (a no-op); if some are stored, IdempotencyConflictError; if none, null.
   */
  private storedOriginals(stream: string, batch: PreparedEvent[]): AppendResult | null {
    const found = batch.map((e) => this.stmtById.get(e.eventId));
    const stored = found.filter((r) => r !== undefined);
    if (stored.length === 0) return null;
    if (stored.length < batch.length || stored.some((r) => r.stream !== stream)) {
      throw new IdempotencyConflictError(stream, batch.filter((_, i) => found[i] !== undefined).map((e) => e.eventId));
    }
    const positions = stored.map((r) => r.position);
    const actual = this.versionOf(stream);
    return {
      nextExpectedVersion: actual === 'no_stream' ? -1 : actual,
      firstPosition: Math.min(...positions),
      lastPosition: Math.max(...positions),
      written: false,
    };
  }

  private versionOf(stream: string): number | 'no_stream' {
    const v = this.stmtVersion.get(stream)?.v;
    return v === null || v === undefined ? 'no_stream' : v;
  }

  async *readStream(stream: string, options: ReadOptions = {}): AsyncIterable<StoredEvent> {
    let from = options.fromVersion ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      this.assertOpen();
      const rows = this.read(() => this.stmtPageStream.all(stream, from, Math.min(PAGE_SIZE, remaining)), `stream "${stream}" from version ${from}`);
      for (const row of rows) yield toStoredEvent(row);
      if (rows.length < PAGE_SIZE) return;
      remaining -= rows.length;
      from = rows[rows.length - 1]![STREAM_VERSION] + 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    for (const rows of this.pages(options)) for (const row of rows) yield toStoredEvent(row);
  }

  async *readAllPages(options: ReadAllOptions = {}): AsyncIterable<StoredEvent[]> {
    for (const rows of this.pages(options, FOLD_PAGE_SIZE)) {
      const events: StoredEvent[] = new Array<StoredEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) events[i] = toStoredEvent(rows[i]!);
      yield events;
    }
  }

  async *readRecords(options: ReadAllOptions = {}): AsyncIterable<StoredRecord> {
    for (const rows of this.pages(options)) for (const row of rows) yield toStoredRecord(row);
  }

  /** The rows after options.fromPosition, page by page (each page one query). */
  private *pages(options: ReadAllOptions, pageSize = PAGE_SIZE): Generator<EventRow[]> {
    let after = options.fromPosition ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const types = options.types ? JSON.stringify(options.types) : null;
    while (remaining > 0) {
      this.assertOpen();
      const limit = Math.min(pageSize, remaining);
      const from = after + 1;
      const rows = this.read(() => (types === null ? this.stmtPageAll.all(from, limit) : this.stmtPageTypes.all(from, types, limit)), `positions from ${from}`);
      yield rows;
      if (rows.length < limit) return;
      remaining -= rows.length;
      after = rows[rows.length - 1]![POSITION];
    }
  }

  /** A read query, with driver failures as typed store errors naming what was being read. */
  private read<T>(query: () => T, what: string): T {
    try {
      return query();
    } catch (err) {
      throw asStoreError(err, this.location, `reading ${what}`);
    }
  }

  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const types = options.types ? new Set(options.types) : null;
    const readPage = (after: number): LogPage => {
      this.assertOpen();
      // Unfiltered pages, so a subscription to rare types still advances past everything else.
      const rows = this.read(() => this.stmtPageAll.all(after + 1, PAGE_SIZE), `positions from ${after + 1}`);
      const events: StoredEvent[] = [];
      for (const row of rows) if (types === null || types.has(row[TYPE])) events.push(toStoredEvent(row));
      return { events, scannedTo: rows.length > 0 ? rows[rows.length - 1]![POSITION] : after, full: rows.length === PAGE_SIZE };
    };
    const sub = catchUpSubscription(readPage, handler, options);
    this.subscriptions.add(sub);
    void sub.done.then(
      () => this.subscriptions.delete(sub),
      () => this.subscriptions.delete(sub),
    );
    return sub;
  }

  async streamVersion(stream: string): Promise<number | 'no_stream'> {
    this.assertOpen();
    return this.read(() => this.versionOf(stream), `stream "${stream}"`);
  }

  async head(): Promise<{ position: number; hash: string }> {
    this.assertOpen();
    return this.read(() => this.headNow(), 'the head of the log');
  }

  protected headNow(): { position: number; hash: string } {
    const row = this.stmtHead.get();
    return row ? { position: row.position, hash: row.hash } : { position: 0, hash: GENESIS_HASH };
  }

  async listStreams(prefix: string): Promise<string[]> {
    this.assertOpen();
    // Every stream name starting with prefix sorts in [prefix, prefix + U+10FFFF).
    return this.read(() => this.stmtStreams.all(prefix, prefix + '\u{10FFFF}').map((r) => r.stream), `streams "${prefix}*"`);
  }

  /**
   * A second, read-only connection to the file holding one read transaction: SQLite's WAL gives it the
   * database exactly as it was at its first read, whatever other connections commit afterwards, so
   * events, checkpoints and signed heads read through it all agree. (While it is open, WAL
   * checkpointing cannot move past it: release it with close().)
   */
  async snapshot(): Promise<SqliteSnapshot> {
    this.assertOpen();
    let db: Database.Database;
    try {
      db = new Database(this.path, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw asStoreError(err, this.location, 'opening a snapshot');
    }
    try {
      db.pragma('busy_timeout = 5000');
      db.exec('BEGIN');
      const store = new SqliteSnapshot(this.location, db, this.path);
      store.pin();
      return store;
    } catch (err) {
      db.close();
      throw asStoreError(err, this.location, 'taking a snapshot');
    }
  }

  /** Projection checkpoints, kept in the same file beside the log (./checkpoint-store.ts). */
  checkpoints(): SqliteCheckpointStore {
    this.assertOpen();
    this.checkpointStore ??= new SqliteCheckpointStore(this.db, this.location);
    return this.checkpointStore;
  }

  /** Signed heads, kept in the same file beside the log (./anchor-store.ts). */
  anchors(): SqliteAnchorStore {
    this.assertOpen();
    this.anchorStore ??= new SqliteAnchorStore(this.db, this.location);
    return this.anchorStore;
  }

  /** SQLite's check of every page of the file (./page-check.ts); inside a snapshot, of the snapshot's pages. */
  async checkPages(): Promise<PageCheck> {
    this.assertOpen();
    return checkPages(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`${this.location} is closed`);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readonly) throw new StoreUnavailableError(`${this.location} was opened read-only`);
  }
}

/**
 * The snapshot SqliteEventStore.snapshot() hands out: a read-only store on its own connection, inside
 * one read transaction for its whole life. `at` is the head its transaction sees.
 */
export class SqliteSnapshot extends SqliteEventStore implements EventStoreSnapshot {
  private head_: { position: number; hash: string } = { position: 0, hash: GENESIS_HASH };

  constructor(location: string, db: Database.Database, path: string) {
    super(location, db, true, path);
  }

  /** The first read of the transaction: from here on it sees the database as it is now. */
  pin(): void {
    this.head_ = this.headNow();
  }

  get at(): { position: number; hash: string } {
    return { ...this.head_ };
  }

  override async snapshot(): Promise<SqliteSnapshot> {
    return this;
  }

  override async close(): Promise<void> {
    if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    await super.close();
  }
}

function toStoredEvent(r: EventRow): StoredEvent {
  return {
    globalPosition: r[0],
    stream: r[1],
    streamVersion: r[2],
    eventId: r[3],
    type: r[4],
    schemaVersion: r[5],
    data: JSON.parse(r[6]) as unknown,
    metadata: JSON.parse(r[7]) as StoredEvent['metadata'],
    prevHash: r[8],
    hash: r[9],
  };
}

function toStoredRecord(r: EventRow): StoredRecord {
  return {
    globalPosition: r[0],
    stream: r[1],
    streamVersion: r[2],
    eventId: r[3],
    type: r[4],
    schemaVersion: r[5],
    dataJson: r[6],
    metadataJson: r[7],
    prevHash: r[8],
    hash: r[9],
  };
}
