import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Clock, Stopwatch } from '../engine/ports.js';
import type { Sleeper } from '../engine/driver/ports.js';
import type { VenueStateFile } from '../engine/venues/simulated/paper-venue.js';

/**
 * The real-world implementations of the live loop's ports. They live in src/cli because only the
 * composition root may read the system clock, sleep, or touch files for the engine.
 */

export const systemClock: Clock = { now: () => Date.now() };

export const wallStopwatch: Stopwatch = {
  start() {
    const t0 = performance.now();
    return () => Math.round((performance.now() - t0) * 1000) / 1000;
  },
};

/** setTimeout, resolved early (never rejected) when the run is asked to stop. */
export const realSleeper: Sleeper = {
  sleep(ms, signal) {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/**
 * The paper venue's state file, replaced atomically: the new text goes to a temporary file that is
 * fsynced, then renamed over the old one, then the directory is fsynced. A crash leaves either the old
 * or the new state, never a torn one.
 */
export function atomicStateFile(file: string): VenueStateFile {
  const resolved = path.resolve(file);
  const dir = path.dirname(resolved);
  const tmp = `${resolved}.tmp-${process.pid}`;
  return {
    path: resolved,
    read: () => (existsSync(resolved) ? readFileSync(resolved, 'utf8') : null),
    write(text: string) {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, resolved);
      const dfd = openSync(dir, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    },
  };
}

export { gitCommit } from './build-info.js';

/** "20ms", "1.5s", "2m", "1h" or a bare number of milliseconds. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(m[1]) * unit);
  return ms > 0 ? ms : null;
}
