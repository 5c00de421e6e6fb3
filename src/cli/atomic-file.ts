import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Writing a whole file so that a reader (or a crash) sees the old content or the new one, never a
 * mix, and a failure leaves nothing behind: the bytes go to a temporary file in the same folder
 * (same file system, so the rename is atomic), which is fsynced, renamed over the target, and the
 * folder fsynced so the rename survives a power cut. On any failure (disk full, quota, permission)
 * the temporary file is removed and a WriteFailedError says what happened, in one line.
 */

export class WriteFailedError extends Error {
  override readonly name = 'WriteFailedError';
  constructor(
    readonly file: string,
    /** The system's error code (ENOSPC, EACCES, ...), when there is one. */
    readonly code: string | undefined,
    readonly detail: string,
    /** The command had appended to the log before this write failed (so it is not "bad input, nothing appended"). */
    readonly afterAppend = false,
  ) {
    super(`cannot write ${file}: ${detail}`);
  }

  /** The system refused the write for lack of room or a failing device, not because of the path. */
  get isResourceFailure(): boolean {
    return this.code !== undefined && RESOURCE_CODES.has(this.code);
  }
}

const RESOURCE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'ENOMEM', 'EMFILE', 'ENFILE']);

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this system or its limits',
  EIO: 'input/output error on the device',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

export interface AtomicWriteOptions {
  /** Permission bits of a new file (an existing file keeps its own). Default 0o644. */
  mode?: number;
}

/** Replaces `file` with `data` atomically; see the module comment. Throws WriteFailedError. */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', existingMode(target) ?? options.mode ?? 0o644);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) closeQuietly(fd);
    unlinkQuietly(tmp);
    throw toWriteFailed(file, err);
  }
  fsyncDir(dir);
}

function toWriteFailed(file: string, err: unknown): WriteFailedError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code !== undefined ? REASONS[code] : undefined;
  const detail = reason !== undefined ? `${reason} (${code})` : err instanceof Error ? err.message : String(err);
  return new WriteFailedError(file, code, detail);
}

function existingMode(file: string): number | null {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return null;
  }
}

/** Makes a rename in `dir` durable; a file system that cannot sync a folder is let be (the rename happened). */
export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to fsync a folder; the rename itself has happened.
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // never created, or already gone
  }
}

/**
 * A small state file read whole and replaced whole (the paper venue's `<db>.venue.json`): the shape
 * of `VenueStateFile`, so `atomicTextFile(path)` can stand where `atomicStateFile(path)` stands. A
 * write that fails (disk full) throws WriteFailedError (exit 74) and leaves the previous state and no
 * temporary file; a path that is not a regular file is refused on read instead of waited on.
 */
export function atomicTextFile(file: string): { readonly path: string; read(): string | null; write(text: string): void } {
  const resolved = path.resolve(file);
  return {
    path: resolved,
    read() {
      let st;
      try {
        st = statSync(resolved);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw toWriteFailed(file, err);
      }
      if (!st.isFile()) throw new WriteFailedError(file, undefined, 'not a regular file');
      return readFileSync(resolved, 'utf8');
    },
    write(text: string) {
      writeFileAtomic(resolved, text);
    },
  };
}
