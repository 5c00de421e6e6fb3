import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreOpenError } from '../events/errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { tryLockRange, unlockRange } from './byte-lock.js';
import { LockHeldError } from './errors.js';
import { parseStoreTarget, type StoreTarget } from './open-store.js';
import { realPathOf } from './real-path.js';

/**
 * A single-instance lock per database: one live run (`engine stage7-run`) appends to a log at a time.
 *
 * A SQLite database carries its own lock: an exclusive kernel lock on one byte of the database file,
 * far past anything SQLite locks or writes (see byte-lock.ts). It belongs to the file, not to a name,
 * so a symlink, a relative path or a hard link to the database meets the same lock; the kernel drops
 * it when the holder dies, so a crash leaves nothing stale. Beside the database's real path,
 * "<db>.lock" says who holds it (pid, host, start time, command), for the message a refused process
 * prints; it is information, not the lock, except when it names another host (a database on a
 * shared file system whose locks may not reach across hosts): then it is respected.
 *
 * A server store (EventStoreDB) has no file to lock: its lock is a file created with O_EXCL in the
 * temp folder, holding the same holder fields. A holder on this host that is no longer alive is
 * stale and is broken (under a short-lived ".break" file, so two processes never both break it and
 * then both win).
 */

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

export interface HeldLock {
  /** The file that names the holder. */
  readonly file: string;
  readonly holder: LockHolder;
  /** Releases the lock (and removes the holder file if it is still ours). Idempotent; also runs on exit. */
  release(): void;
}

/** What a run lock guards: a SQLite database file (locked through the file itself), or a lock file. */
export type LockTarget = { kind: 'database'; database: string; file: string } | { kind: 'file'; file: string };

/** The byte of the database file the run lock holds: 1 TiB in, far past SQLite's lock bytes at 1 GiB. */
export const RUN_LOCK_OFFSET = 2 ** 40;

/** Where the lock of a store lives: the SQLite file itself (by its real path), or a file in the temp dir. */
export function lockTargetFor(target: StoreTarget): LockTarget {
  if (target.kind === 'sqlite') {
    const database = realPathOf(target.path);
    return { kind: 'database', database, file: database + '.lock' };
  }
  const id = createHash('sha256').update(target.display).digest('hex').slice(0, 16);
  return { kind: 'file', file: path.join(os.tmpdir(), `engine-esdb-${id}.lock`) };
}

/** @deprecated the lock is no longer only a file: use lockTargetFor (kept for callers not yet moved). */
export const lockFileFor = lockTargetFor;

/**
 * The lock a live run takes on its --db before appending anything (stage7-run):
 *   const lock = acquireRunLock(global.db, 'engine stage7-run');   // LockHeldError => exit 3
 *   try { ... } finally { lock.release(); }
 */
export function acquireRunLock(db: string, command: string): HeldLock {
  return acquireLock(lockTargetFor(parseStoreTarget(db)), { command });
}

export function acquireLock(target: LockTarget | string, options: { command?: string; startedAt?: Date } = {}): HeldLock {
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: (options.startedAt ?? new Date()).toISOString(),
    ...(options.command !== undefined ? { command: options.command } : {}),
  };
  const t: LockTarget = typeof target === 'string' ? { kind: 'file', file: target } : target;
  return t.kind === 'database' ? acquireDatabaseLock(t.database, t.file, holder) : acquireFileLock(t.file, holder);
}

// ---- a lock the database file carries ----

function acquireDatabaseLock(database: string, file: string, holder: LockHolder): HeldLock {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { fd, created } = openDatabase(database);
    let locked = false;
    try {
      locked = tryLockRange(fd, RUN_LOCK_OFFSET, 1);
    } catch (err) {
      closeSync(fd);
      throw new StoreOpenError(database, `cannot lock it (${(err as Error).message})`);
    }
    if (!locked) {
      closeSync(fd);
      throw new LockHeldError(file, heldBy(file));
    }
    // The name may have been pointed at another file between open and lock (a restore renaming a
    // new database into place): the lock must be on the file the name reaches now.
    if (!sameInode(fd, database)) {
      closeSync(fd);
      continue;
    }
    const recorded = readHolder(file);
    if (typeof recorded === 'object' && recorded.host !== holder.host) {
      if (created) unlinkQuiet(database);
      closeSync(fd);
      throw new LockHeldError(file, recorded, `if no engine runs on ${recorded.host} any more, delete ${file}`);
    }
    return heldDatabase(database, file, fd, created, holder);
  }
  throw new StoreOpenError(database, 'the database file keeps being replaced while the run lock is taken');
}

function openDatabase(database: string): { fd: number; created: boolean } {
  try {
    return { fd: openSync(database, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw openFailed(database, err);
  }
  try {
    const fd = openSync(database, constants.O_RDWR | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new StoreOpenError(database, 'not a regular file');
    }
    return { fd, created: false };
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    throw openFailed(database, err);
  }
}

function openFailed(database: string, err: unknown): StoreOpenError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'no permission to write it' : code === 'ENOENT' ? 'its folder does not exist' : (err as Error).message;
  return new StoreOpenError(database, `cannot take the run lock: ${why}`);
}

function sameInode(fd: number, database: string): boolean {
  try {
    const a = fstatSync(fd);
    const b = statSync(database);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

function heldBy(file: string): LockHolder {
  const recorded = readHolder(file);
  if (typeof recorded === 'object') return recorded;
  // Held through another name (a hard link elsewhere) or by a holder that is still writing its file.
  return { pid: 0, host: 'unknown', startedAt: 'unknown', command: `another process, through another path to the same database file` };
}

function heldDatabase(database: string, file: string, fd: number, created: boolean, holder: LockHolder): HeldLock {
  const content = JSON.stringify(holder) + '\n';
  try {
    writeFileAtomic(file, content);
  } catch {
    // The holder file only informs; the lock itself is held.
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(file, 'utf8') === content) unlinkSync(file);
    } catch {
      // already gone
    }
    // A database this lock created and nothing ever wrote to is not left behind as an empty file.
    if (created) {
      try {
        if (fstatSync(fd).size === 0 && sameInode(fd, database)) unlinkSync(database);
      } catch {
        // leave it
      }
    }
    try {
      unlockRange(fd, RUN_LOCK_OFFSET, 1);
    } catch {
      // closing drops it anyway
    }
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  };
  process.on('exit', release);
  return { file, holder, release };
}

// ---- a lock file (server stores) ----

/** A lock or break file older than this whose content cannot be read was abandoned mid-write. */
const UNREADABLE_STALE_MS = 10_000;

function acquireFileLock(file: string, holder: LockHolder): HeldLock {
  const content = JSON.stringify(holder) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, content)) return heldFile(file, holder, content);
    const current = readHolder(file);
    if (current === 'missing') continue; // released between our attempt and the read: try again
    if (current === 'unreadable') {
      if (ageMs(file) > UNREADABLE_STALE_MS) breakStale(file, null);
      else throw new LockHeldError(file, { pid: 0, host: 'unknown', startedAt: 'unknown', command: 'lock file being written' });
      continue;
    }
    if (current.host === holder.host && !isAlive(current.pid)) {
      breakStale(file, current);
      continue;
    }
    throw new LockHeldError(file, current);
  }
  throw new Error(`could not acquire ${file}: it keeps changing hands`);
}

function heldFile(file: string, holder: LockHolder, content: string): HeldLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(file, 'utf8') === content) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { file, holder, release };
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(file: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt, ...(typeof v.command === 'string' ? { command: v.command } : {}) };
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

/** Remove a stale lock, but only if it is still the one we judged stale. */
function breakStale(file: string, judged: LockHolder | null): void {
  const breaker = file + '.break';
  if (!tryCreate(breaker, String(process.pid))) {
    if (ageMs(breaker) > UNREADABLE_STALE_MS) unlinkQuiet(breaker);
    return; // someone else is breaking it; the caller retries
  }
  try {
    const now = readHolder(file);
    const same =
      judged === null ? now === 'unreadable' : typeof now === 'object' && now.pid === judged.pid && now.startedAt === judged.startedAt;
    if (same) unlinkQuiet(file);
  } finally {
    unlinkQuiet(breaker);
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
