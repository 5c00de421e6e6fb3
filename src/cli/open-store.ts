import { existsSync } from 'node:fs';
import path from 'node:path';
import { StoreOpenError } from '../events/errors.js';
import type { CheckpointStore, EventStore } from '../events/store/port.js';
import { SqliteEventStore } from '../events/store/sqlite/sqlite-event-store.js';
import { redactUrlPassword } from './logger.js';

/**
 * The ONE place that maps `--db` to an event store adapter (DESIGN.md "CLI contract"):
 * - `esdb://...` or `esdb+discover://...`: EventStoreDB;
 * - anything else: a SQLite file path.
 * Every failure to open is a StoreOpenError (exit 2) that names the target and never modifies it.
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
}

export interface OpenedStore {
  target: StoreTarget;
  store: EventStore;
  /** Where projection checkpoints live for this store. */
  checkpoints(): CheckpointStore;
  close(): Promise<void>;
}

export async function openStore(db: string, options: OpenStoreOptions): Promise<OpenedStore> {
  const target = parseStoreTarget(db);
  if (target.kind === 'esdb') {
    // The EventStoreDB adapter (src/events/store/esdb/) plugs in here, and only here.
    // Loaded on demand: the gRPC client is heavy, and most runs use SQLite.
    const { openEsdbStore } = await import('../events/store/esdb/index.js');
    const store = await openEsdbStore(target.connectionString, { readonly: options.access === 'read' });
    return { target, store, checkpoints: () => store.checkpoints(), close: () => store.close() };
  }
  const create = options.access === 'write' && options.create === true;
  if (!create && !existsSync(target.path)) {
    throw new StoreOpenError(target.display, 'no such file (this command never creates a database; check --db)');
  }
  const store = await SqliteEventStore.open(target.path, { readonly: options.access === 'read', create });
  return {
    target,
    store,
    checkpoints: () => store.checkpoints(),
    close: () => store.close(),
  };
}
