import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockHeldError } from './errors.js';
import { parseStoreTarget, type StoreTarget } from './open-store.js';

/**
 * A single-instance lock per database: one live run (`engine stage7-run`) appends to a log at a time.
 *
 * The lock is a file created with O_EXCL beside the database ("<db>.lock"), holding the holder's pid,
 * host, start time and command. A lock whose holder is on this host and no longer alive is stale and
 * is broken (under a short-lived ".break" file, so two processes never both break it and then both
 * win). A holder on another host cannot be checked and is always respected.
 */

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

export interface HeldLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Idempotent. Also runs on process exit. */
  release(): void;
}

/** Where the lock of a store lives: beside a SQLite file, or in the temp dir for a server store. */
export function lockFileFor(target: StoreTarget): string {
  if (target.kind === 'sqlite') return path.resolve(target.path) + '.lock';
  const id = createHash('sha256').update(target.display).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `engine-esdb-${id}.lock`);
}

/**
 * The lock a live run takes on its --db before appending anything (stage7-run):
 *   const lock = acquireRunLock(global.db, 'engine stage7-run');   // LockHeldError => exit 3
 *   try { ... } finally { lock.release(); }
 */
export function acquireRunLock(db: string, command: string): HeldLock {
  return acquireLock(lockFileFor(parseStoreTarget(db)), { command });
}

/** A lock or break file older than this whose content cannot be read was abandoned mid-write. */
const UNREADABLE_STALE_MS = 10_000;

export function acquireLock(file: string, options: { command?: string; startedAt?: Date } = {}): HeldLock {
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: (options.startedAt ?? new Date()).toISOString(),
    ...(options.command !== undefined ? { command: options.command } : {}),
  };
  const content = JSON.stringify(holder) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, content)) return held(file, holder, content);
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

function held(file: string, holder: LockHolder, content: string): HeldLock {
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
    throw err;
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
