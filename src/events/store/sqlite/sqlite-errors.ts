import Database from 'better-sqlite3';
import { StoreDamagedError, StoreUnavailableError } from '../../errors.js';

/** SQLite's verdicts on a damaged file: a malformed page (SQLITE_CORRUPT*) or a file that is not a database. */
export function isDamage(err: unknown): err is InstanceType<typeof Database.SqliteError> {
  return err instanceof Database.SqliteError && (err.code.startsWith('SQLITE_CORRUPT') || err.code === 'SQLITE_NOTADB');
}

/**
 * A driver failure as the store's typed error: damage is StoreDamagedError (exit 2: the --db is
 * unusable), any other SQLite failure (busy, I/O, disk full) StoreUnavailableError; typed errors pass.
 */
export function asStoreError(err: unknown, location: string, where: string | null = null): unknown {
  if (isDamage(err)) return new StoreDamagedError(location, err.message, where);
  if (err instanceof Database.SqliteError) return new StoreUnavailableError(where ? `${err.message} (${where})` : err.message, { cause: err });
  return err;
}
