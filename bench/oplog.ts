import { copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { copyLog } from '../src/cli/log-ops/copy-log.js';
import { verifyLog } from '../src/cli/log-ops/verify-log.js';
import { NO_LOG_INTEGRITY } from '../src/cli/log-integrity.js';
import { createLogger } from '../src/cli/logger.js';
import { openStore } from '../src/cli/open-store.js';
import { BoundedView } from '../src/events/store/bounded-view.js';
import { backupToNewFile } from '../src/events/store/sqlite/online-backup.js';
import { SqliteEventStore } from '../src/events/store/sqlite/sqlite-event-store.js';
import { SnapshotGenerator } from './append.js';
import { benchDir, fmtInt, Stopwatch, type BenchModule } from './support.js';

const BATCH = 500;
const RUN = 'bt-0b10b10b10b10b10';

/**
 * Operating the log (README "Operating the log"), on a log of N per-bar events:
 * - `engine backup`'s copy (SQLite's online backup, one step) against a plain file copy of the same
 *   (checkpointed, idle) file, which is NOT consistent under a writer: what consistency costs; and the
 *   verification the command then runs (page check, every hash link, signed heads);
 * - `engine store copy` SQLite -> SQLite (read, check and re-append every event, in batches of 500)
 *   against appending the same events to a new log in the same batches: what copying costs beyond the
 *   destination's own appends.
 */
export const oplogBench: BenchModule = {
  name: 'oplog',
  async run({ events, log }) {
    const tmp = benchDir('bench-oplog-');
    try {
      const source = path.join(tmp.dir, 'source.db');
      const store = SqliteEventStore.open(source);
      const gen = new SnapshotGenerator(RUN);
      let version: number | 'no_stream' = 'no_stream';
      for (let done = 0; done < events; done += BATCH) version = (await store.append(`run-${RUN}`, gen.batch(Math.min(BATCH, events - done)), version)).nextExpectedVersion;
      await store.close();
      log(`source: ${fmtInt(events)} events, ${(statSync(source).size / 1e6).toFixed(0)} MB`);

      const backup = new Stopwatch();
      await backup.timeAsync(() => backupToNewFile(source, path.join(tmp.dir, 'backup.db')));
      const fileCopy = new Stopwatch();
      fileCopy.time(() => copyFileSync(source, path.join(tmp.dir, 'file-copy.db')));
      const verify = new Stopwatch();
      const opened = await openStore(path.join(tmp.dir, 'backup.db'), { access: 'read', integrity: NO_LOG_INTEGRITY });
      const verdict = await verify.timeAsync(() => verifyLog(opened, createLogger({ level: 'silent', pretty: false })));
      await opened.close();
      if (!verdict.ok) throw new Error(`backup does not verify: ${verdict.failure}`);
      log(`backup ${backup.seconds.toFixed(2)} s, file copy ${fileCopy.seconds.toFixed(2)} s, verification ${verify.seconds.toFixed(2)} s`);

      // The copy and its baseline alternate on halves, so machine noise falls on both alike.
      const copy = new Stopwatch();
      const append = new Stopwatch();
      const src = SqliteEventStore.open(source, { readonly: true });
      const snapshot = await src.snapshot();
      const copied = SqliteEventStore.open(path.join(tmp.dir, 'copied.db'));
      const appended = SqliteEventStore.open(path.join(tmp.dir, 'appended.db'));
      const again = new SnapshotGenerator(RUN);
      let appendVersion: number | 'no_stream' = 'no_stream';
      const appendSome = async (n: number) => {
        for (let done = 0; done < n; done += BATCH) {
          const batch = again.batch(Math.min(BATCH, n - done));
          appendVersion = (await append.timeAsync(() => appended.append(`run-${RUN}`, batch, appendVersion))).nextExpectedVersion;
        }
      };
      const half = Math.floor(events / 2);
      await appendSome(half);
      const view = await snapshotUpTo(src, half);
      await copy.timeAsync(() => copyLog(view, copied, { batchSize: BATCH }));
      await view.close();
      await copy.timeAsync(() => copyLog(snapshot, copied, { batchSize: BATCH }));
      await appendSome(events - half);
      await snapshot.close();
      await Promise.all([src.close(), copied.close(), appended.close()]);
      log(`store copy ${copy.seconds.toFixed(2)} s, appending the same events ${append.seconds.toFixed(2)} s`);

      return {
        rows: [
          { label: 'backup: online backup (consistent under a writer)', events, seconds: backup.seconds },
          { label: 'baseline: file copy of the idle file', events, seconds: fileCopy.seconds },
          { label: 'backup: verification (storage, integrity, anchor)', events, seconds: verify.seconds },
          { label: 'store copy SQLite -> SQLite (batches of 500)', events, seconds: copy.seconds },
          { label: 'baseline: SqliteEventStore.append, same batches', events, seconds: append.seconds },
        ],
        ratios: [
          { label: 'online backup / file copy', value: fileCopy.seconds / backup.seconds, goal: 0.1 },
          { label: 'store copy / append', value: append.seconds / copy.seconds, goal: 0.5 },
        ],
      };
    } finally {
      tmp.cleanup();
    }
  },
};

/** A view of the first `n` events (the first half of the copy, as a copy interrupted there would leave it). */
async function snapshotUpTo(store: SqliteEventStore, n: number): Promise<BoundedView> {
  let hash = '';
  for await (const r of store.readRecords({ fromPosition: n - 1, maxCount: 1 })) hash = r.hash;
  return new BoundedView(store, { position: n, hash });
}
