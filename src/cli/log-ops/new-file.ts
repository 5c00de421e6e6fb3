import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../atomic-file.js';
import { InputError } from '../errors.js';

/**
 * Files the operating commands write (a backup, a restored log, an export): each is written under a
 * temporary name in its destination folder and renamed into place only once it is whole (and, for a log,
 * verified), so a crash or a failed check never leaves a half-written file under the name asked for.
 */

/**
 * The destination as given, checked before anything is written: its folder must exist, and the file
 * must not exist or be empty (a file that is there and not empty is never overwritten, unless `replace`).
 * Throws InputError (exit 2) naming the option and the path.
 */
export function checkDestination(file: string, option: string, options: { replace?: boolean } = {}): string {
  if (file.trim() === '') throw new InputError(`${option}: give a file path`);
  const resolved = path.resolve(file);
  const dir = path.dirname(resolved);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new InputError(`${option} ${file}: the folder ${dir} does not exist (nothing was written)`);
  }
  if (!dirStat.isDirectory()) throw new InputError(`${option} ${file}: ${dir} is not a folder (nothing was written)`);
  const st = statIfAny(resolved);
  if (st !== null) {
    if (!st.isFile()) throw new InputError(`${option} ${file}: exists and is not a regular file (nothing was written)`);
    if (st.size > 0 && options.replace !== true) throw new InputError(`${option} ${file}: exists and is not empty (nothing was written; choose another name or remove it)`);
  }
  return resolved;
}

/** A fresh name in the same folder (so the final rename never crosses file systems). */
export function temporaryNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Removes a temporary file and the SQLite side files it may have grown. */
export function removeTemporary(file: string): void {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

/** Renames a finished temporary file into place and makes the rename durable (the folder is synced). */
export function moveIntoPlace(temporary: string, file: string): void {
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  fsyncDir(path.dirname(file));
}


function statIfAny(file: string): Stats | null {
  try {
    return statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const WRITE_CHUNK = 1 << 16;

/**
 * A text file written piece by piece under a temporary name: commit() syncs it and renames it into
 * place; abort() (or a failure before commit) removes it, leaving the destination untouched.
 */
export class AtomicTextFile {
  /** Text held back until it is worth a write call (rows are small). */
  private pending = '';

  private constructor(
    readonly file: string,
    private readonly temporary: string,
    private handle: FileHandle | null,
  ) {}

  /** `file` must have passed checkDestination(). */
  static async create(file: string): Promise<AtomicTextFile> {
    const temporary = temporaryNameFor(file);
    const handle = await open(temporary, 'wx', 0o644);
    return new AtomicTextFile(file, temporary, handle);
  }

  async write(text: string): Promise<void> {
    if (this.handle === null) throw new Error(`${this.file}: already closed`);
    this.pending += text;
    if (this.pending.length >= WRITE_CHUNK) await this.flush(this.handle);
  }

  private async flush(h: FileHandle): Promise<void> {
    const text = this.pending;
    this.pending = '';
    if (text !== '') await h.write(text);
  }

  async commit(): Promise<void> {
    const h = this.handle;
    if (h === null) throw new Error(`${this.file}: already closed`);
    this.handle = null;
    try {
      await this.flush(h);
      await h.sync();
    } finally {
      await h.close();
    }
    renameSync(this.temporary, this.file);
    fsyncDir(path.dirname(this.file));
  }

  async abort(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    this.pending = '';
    if (h !== null) await h.close().catch(() => undefined);
    rmSync(this.temporary, { force: true });
  }
}
