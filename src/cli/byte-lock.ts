import { createRequire } from 'node:module';

/**
 * An exclusive advisory lock on one byte range of an open file, held by the open file description
 * (Linux: fcntl F_OFD_SETLK through fs-native-extensions; macOS: flock). The kernel drops it when the
 * descriptor is closed or the process dies, however it dies: a crashed holder leaves nothing stale.
 * Being tied to the file (inode), not to a name, every path that reaches the file meets the same
 * lock: a symlink, a relative path, a hard link.
 */

interface NativeLocks {
  tryLock(fd: number, offset: number, length: number, options?: { shared?: boolean }): boolean;
  unlock(fd: number, offset: number, length: number): void;
}

const native = createRequire(import.meta.url)('fs-native-extensions') as NativeLocks;

/** True when granted, false when another open file description holds a conflicting lock. */
export function tryLockRange(fd: number, offset: number, length: number): boolean {
  return native.tryLock(fd, offset, length, { shared: false });
}

export function unlockRange(fd: number, offset: number, length: number): void {
  native.unlock(fd, offset, length);
}
