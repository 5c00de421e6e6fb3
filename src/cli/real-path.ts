import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The canonical path of a file that may not exist yet: symlinks followed (a dangling one too, to
 * where it points), `..` and relative parts resolved. Two spellings of one file give one answer;
 * hard links are not paths and need sameFile() on top.
 */
export function realPathOf(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync.native(current);
    } catch {
      // missing (or unreadable): resolve what exists of it below
    }
    let link: string | null = null;
    try {
      if (lstatSync(current).isSymbolicLink()) link = readlinkSync(current);
    } catch {
      // not there at all
    }
    if (link === null) return path.join(realDirOf(path.dirname(current)), path.basename(current));
    current = path.resolve(path.dirname(current), link);
  }
  return current; // a symlink loop: the OS will refuse it when the file is opened
}

function realDirOf(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    const parent = path.dirname(dir);
    return parent === dir ? dir : path.join(realDirOf(parent), path.basename(dir));
  }
}

/** Device and inode of an existing file (following symlinks), or null. */
export function fileIdentity(file: string): { dev: number; ino: number } | null {
  try {
    const st = statSync(file);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

/** One file under two names: the same real path, or the same device and inode (a hard link). */
export function sameFile(a: string, b: string): boolean {
  if (realPathOf(a) === realPathOf(b)) return true;
  const ia = fileIdentity(a);
  const ib = fileIdentity(b);
  return ia !== null && ib !== null && ia.dev === ib.dev && ia.ino === ib.ino;
}
