import Database from 'better-sqlite3';
import { StoreOpenError } from '../../errors.js';
import { asStoreError } from './sqlite-errors.js';

/**
 * SQLite's online backup API (through better-sqlite3), the one way this engine copies a log file:
 * page by page through SQLite itself, never with a file copy that could catch a writer mid-transaction.
 *
 * The whole database moves in ONE backup step, and one step reads the source under one read transaction:
 * the copy is the database exactly as some committed transaction left it, however much another process
 * appends meanwhile (in WAL mode writers are not blocked; had the source changed between steps, SQLite
 * would start the copy over).
 */

/** Pages per backup step: all of them (better-sqlite3 clamps to this). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the log at `source` into `destination`, a file that does not exist yet, and leaves the copy as
 * one self-contained file (rollback journal mode: no -wal or -shm beside it; a writer that opens it
 * later switches it back to WAL). The caller removes `destination` if this throws.
 */
export async function backupToNewFile(source: string, destination: string): Promise<{ pages: number }> {
  const pages = await backupInto(source, destination);
  let copy: Database.Database;
  try {
    copy = new Database(destination, { fileMustExist: true });
  } catch (err) {
    throw new StoreOpenError(destination, (err as Error).message);
  }
  try {
    copy.pragma('journal_mode = DELETE');
  } catch (err) {
    throw asStoreError(err, destination, 'finishing the backup');
  } finally {
    copy.close();
  }
  return { pages };
}

/**
 * Replaces the whole content of the database at `destination` (an existing file, in any journal mode)
 * with that of `source`, in one transaction on the destination: a reader there sees the old log or the
 * new one, never a mixture, and a failure leaves the old one. Used by `engine restore`.
 */
export async function replaceDatabase(source: string, destination: string): Promise<{ pages: number }> {
  return { pages: await backupInto(source, destination) };
}

async function backupInto(source: string, destination: string): Promise<number> {
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreOpenError(source, (err as Error).message);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const done = await db.backup(destination, { progress: () => ALL_PAGES });
    return done.totalPages;
  } catch (err) {
    throw asStoreError(err, source, `backing up into ${destination}`);
  } finally {
    db.close();
  }
}
