import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { realPathOf, sameFile } from './real-path.js';

/** A file the command reads or keeps, that an output file must never replace. */
export interface ProtectedFile {
  file: string;
  /** How the user named it, e.g. "the event database (--db r.db)". */
  what: string;
}

/** The files SQLite keeps beside a database; replacing one loses or corrupts committed events. */
const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal', '.lock'];

/** The database file and the files SQLite (and the run lock) keep beside it. */
export function databaseFiles(db: string, shown: string): ProtectedFile[] {
  const out: ProtectedFile[] = [{ file: db, what: `the event database (--db ${shown})` }];
  for (const base of new Set([path.resolve(db), realPathOf(db)])) {
    for (const suffix of SQLITE_COMPANIONS) out.push({ file: base + suffix, what: `the event database's ${suffix.slice(1)} file (${base}${suffix})` });
  }
  return out;
}

/**
 * Checks, before anything is appended, that `file` can take an output the command will write at
 * the end (a report): its folder exists and is writable, it is not a folder, a FIFO or a device, and
 * it is none of the files the command reads or keeps (compared by real path and by device and inode,
 * so a symlink or a hard link to the database is caught too). Returns the real path to write, so
 * that a symlinked report is written where the link points. Throws UsageError (exit 2).
 */
export function checkOutputPath(option: string, file: string, keep: readonly ProtectedFile[]): string {
  if (file.trim() === '') throw new UsageError(`${option} must name a file`);
  const real = realPathOf(file);
  const dir = path.dirname(real);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new UsageError(`${option} ${file}: the folder ${dir} does not exist`);
  }
  if (!dirStat.isDirectory()) throw new UsageError(`${option} ${file}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${option} ${file}: no permission to create files in ${dir}`);
  }
  let st;
  try {
    st = statSync(real);
  } catch {
    st = null; // a new file
  }
  if (st !== null) {
    if (st.isDirectory()) throw new UsageError(`${option} ${file}: is a folder; give a file name inside it`);
    if (!st.isFile()) throw new UsageError(`${option} ${file}: is not a regular file (${st.isFIFO() ? 'a named pipe' : 'a device or socket'})`);
  }
  for (const k of keep) {
    if (sameFile(real, k.file)) throw new UsageError(`${option} ${file} is ${k.what}: writing the report there would replace it`);
  }
  return real;
}
