import { existsSync } from 'node:fs';
import path from 'node:path';
import { SealedCheckpointStore } from '../events/anchor.js';
import { StoreOpenError } from '../events/errors.js';
import type { AnchorStore, CheckpointStore, EventStore, EventStoreSnapshot } from '../events/store/port.js';
import { AppendThreadStore } from '../events/store/sqlite/append-thread.js';
import { SqliteEventStore, type PageCheck } from '../events/store/sqlite/sqlite-event-store.js';
import { AnchoringStore } from './anchoring-store.js';
import { logIntegrityFromEnv, type LogIntegrity } from './log-integrity.js';
import { redactUrlPassword } from './logger.js';
import { assertWitnessWritable } from './witness.js';

/**
 * The ONE place that maps `--db` to an event store adapter (DESIGN.md "CLI contract"):
 * - `esdb://...` or `esdb+discover://...`: EventStoreDB;
 * - anything else: a SQLite file path.
 * Every failure to open is a StoreOpenError (exit 2) that names the target and never modifies it.
 * A damaged SQLite file is refused for writing (StoreDamagedError, exit 2) before anything is appended.
 *
 * It is also where the log key (ENGINE_LOG_KEY) and witness (ENGINE_LOG_WITNESS) take effect: a store
 * opened for writing signs its head every N events and when it is closed after appending
 * (./anchoring-store.ts), and checkpoints are sealed with the key and refused on load without a valid seal.
 */

export type StoreTarget =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'esdb'; connectionString: string; display: string };

export function parseStoreTarget(db: string): StoreTarget {
  const trimmed = db.trim();
  if (trimmed === '') throw new StoreOpenError('(empty --db)', 'give a SQLite file path or an esdb:// connection string');
  if (/^esdb(\+discover)?:\/\//i.test(trimmed)) {
    return { kind: 'esdb', connectionString: trimmed, display: redactUrlPassword(trimmed) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new StoreOpenError(trimmed, 'unsupported scheme: use a file path, esdb:// or esdb+discover://');
  }
  return { kind: 'sqlite', path: path.resolve(trimmed), display: trimmed };
}

export interface OpenStoreOptions {
  /** 'read' opens read-only (queries, doctor); 'write' may append events or save checkpoints. */
  access: 'read' | 'write';
  /**
   * Create the store (a SQLite file and its schema) when absent: only commands that start a run.
   * Without it a missing store is a StoreOpenError and nothing is created.
   */
  create?: boolean;
  /** The log key and witness; default: from the environment (./log-integrity.ts). */
  integrity?: LogIntegrity;
  /**
   * SQLite, 'write': appends run on a thread of their own with its own connection, overlapping the caller's
   * work (a backtest's cycles). For commands that append in large batches; reads still use this thread.
   */
  appendThread?: boolean;
}

export interface OpenedStore {
  target: StoreTarget;
  /** For 'write': appends through it are anchored (./anchoring-store.ts). */
  store: EventStore;
  /** Where projection checkpoints live for this store (sealed with the log key when one is set). */
  checkpoints(): CheckpointStore;
  /** The signed heads of this log. */
  anchors(): AnchorStore;
  readonly integrity: LogIntegrity;
  /** One consistent view of the log and what sits beside it, for reports that read it several times. */
  snapshot(): Promise<OpenedSnapshot>;
  close(): Promise<void>;
}

export interface OpenedSnapshot {
  store: EventStoreSnapshot;
  checkpoints(): CheckpointStore;
  anchors(): AnchorStore;
  /** SQLite's page check, as of the snapshot; null for a store that has none. */
  checkPages(): Promise<PageCheck | null>;
  close(): Promise<void>;
}

export async function openStore(db: string, options: OpenStoreOptions): Promise<OpenedStore> {
  const target = parseStoreTarget(db);
  const integrity = options.integrity ?? logIntegrityFromEnv();
  if (options.access === 'write' && integrity.witness !== null) assertWitnessWritable(integrity.witness);
  const sealed = (c: CheckpointStore): CheckpointStore => (integrity.key !== null ? new SealedCheckpointStore(c, integrity.key) : c);
  if (target.kind === 'esdb') {
    // The EventStoreDB adapter (src/events/store/esdb/) plugs in here, and only here.
    // Loaded on demand: the gRPC client is heavy, and most runs use SQLite.
    const { openEsdbStore } = await import('../events/store/esdb/index.js');
    const esdb = await openEsdbStore(target.connectionString, { readonly: options.access === 'read' });
    const store = options.access === 'write' ? new AnchoringStore(esdb, esdb.anchors(), integrity, target.display) : esdb;
    return {
      target,
      store,
      integrity,
      checkpoints: () => sealed(esdb.checkpoints()),
      anchors: () => esdb.anchors(),
      snapshot: async () => {
        const view = await esdb.snapshot();
        // No transactions on a server: checkpoints and signed heads are read live (the doctor re-checks
        // anything newer than the view against the live log).
        return { store: view, checkpoints: () => sealed(esdb.checkpoints()), anchors: () => esdb.anchors(), checkPages: async () => null, close: () => view.close() };
      },
      close: () => store.close(),
    };
  }
  const create = options.access === 'write' && options.create === true;
  if (!create && !existsSync(target.path)) {
    throw new StoreOpenError(target.display, 'no such file (this command never creates a database; check --db)');
  }
  const sqlite = SqliteEventStore.open(target.path, { readonly: options.access === 'read', create });
  const writer = options.access === 'write' && options.appendThread === true ? new AppendThreadStore(sqlite, target.path) : sqlite;
  const store = options.access === 'write' ? new AnchoringStore(writer, sqlite.anchors(), integrity, target.display) : sqlite;
  return {
    target,
    store,
    integrity,
    checkpoints: () => sealed(sqlite.checkpoints()),
    anchors: () => sqlite.anchors(),
    snapshot: async () => {
      const snap = await sqlite.snapshot();
      return { store: snap, checkpoints: () => sealed(snap.checkpoints()), anchors: () => snap.anchors(), checkPages: () => snap.checkPages(), close: () => snap.close() };
    },
    close: () => store.close(),
  };
}
