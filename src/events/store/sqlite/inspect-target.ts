import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreOpenError } from '../../errors.js';
import { STORE_MAGIC, STORE_SCHEMA_VERSION } from './schema.js';

/** What is at the --db path before we touch it. */
export type TargetState =
  | 'missing'
  /** A zero-length file or an SQLite database with no tables: ours to initialise. */
  | 'blank'
  /** An event log written by this engine. */
  | 'event-log';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** An SQLite database file is at least one page; its header alone is 100 bytes. */
const MIN_SQLITE_FILE = 100;

/**
 * Decides, without modifying anything, whether `path` may be opened as our event log. A text file,
 * random bytes, a corrupt database or someone else's SQLite database throws StoreOpenError: the
 * driver is only allowed near the file once its 16-byte header says it is SQLite, and then read-only.
 */
export function inspectTarget(path: string): TargetState {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new StoreOpenError(path, 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new StoreOpenError(path, `cannot read it (${(err as Error).message})`);
  }
  if (size === 0) return 'blank';
  if (size < MIN_SQLITE_FILE || !hasSqliteHeader(path)) {
    throw new StoreOpenError(path, 'not an SQLite database (the file does not start with the SQLite header)');
  }
  return inspectSchema(path);
}

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n === buf.length && buf.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

function inspectSchema(path: string): TargetState {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreOpenError(path, `not a readable SQLite database (${(err as Error).message})`);
  }
  try {
    const objects = db.prepare("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as Array<{ name: string; type: string }>;
    if (objects.length === 0) return 'blank';
    const tables = new Set(objects.filter((o) => o.type === 'table').map((o) => o.name));
    if (!tables.has('meta') || !tables.has('events')) {
      throw new StoreOpenError(path, 'an SQLite database, but not an event log of this engine (no meta/events tables)');
    }
    const meta = new Map(
      (db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]),
    );
    if (meta.get('magic') !== STORE_MAGIC) {
      throw new StoreOpenError(path, 'an SQLite database, but not an event log of this engine (wrong magic in meta)');
    }
    const version = Number(meta.get('schema_version'));
    if (!Number.isInteger(version) || version < 1) throw new StoreOpenError(path, 'event log has no valid schema_version in meta');
    if (version > STORE_SCHEMA_VERSION) {
      throw new StoreOpenError(path, `event log schema version ${version} is newer than this engine supports (${STORE_SCHEMA_VERSION})`);
    }
    // Touch the last page of the log so that a truncated or mangled file fails here, not mid-run.
    db.prepare('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1').get();
    return 'event-log';
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(path, `corrupt or unreadable SQLite database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}
