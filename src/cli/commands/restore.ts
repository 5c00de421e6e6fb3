import { existsSync } from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH } from '../../events/hash-chain.js';
import { inspectTarget } from '../../events/store/sqlite/inspect-target.js';
import { backupToNewFile, replaceDatabase } from '../../events/store/sqlite/online-backup.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { acquireLock, lockFileFor } from '../lock.js';
import { checkDestination, moveIntoPlace, removeTemporary, temporaryNameFor } from '../log-ops/new-file.js';
import { verifyLog, type LogVerdict } from '../log-ops/verify-log.js';
import { openStore, parseStoreTarget } from '../open-store.js';
import { jsonOption, type RegisterCommand } from '../program.js';

/**
 * `engine restore --from FILE`: puts a backup back as the SQLite log at --db. FILE is verified first
 * (page check, every hash link, the signed heads) and nothing is touched if it fails. The log at --db
 * is replaced only when it is empty or absent, or with --replace; never while a run holds its lock
 * (exit 3), and the lock is held for the whole restore so no run starts meanwhile. The replacement is
 * one SQLite transaction on --db: a reader sees the old log or the restored one, never a mixture.
 */
export const registerRestore: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('restore')
      .description('put a backup back as the SQLite log (--db): verified first; an existing non-empty log is replaced only with --replace')
      .requiredOption('--from <file>', 'the backup file (engine backup --to)')
      .option('--replace', 'replace the log at --db even though it holds events'),
  ).action(
    cli.action<{ from: string; replace?: boolean; json?: boolean }>(async ({ global, out, logger }, opts) => {
      const target = parseStoreTarget(global.db);
      if (target.kind !== 'sqlite') {
        throw new UsageError(`restore writes a SQLite log; to load a backup into EventStoreDB use 'engine store copy --from ${opts.from} --to ${target.display}'`);
      }
      const from = path.resolve(opts.from);
      if (!existsSync(from)) throw new InputError(`--from ${opts.from}: no such file (nothing was restored)`);
      if (from === target.path) throw new UsageError(`--from ${opts.from} is the log itself (--db)`);
      checkDestination(global.db, '--db', { replace: true });

      const backup = await openStore(opts.from, { access: 'read' });
      let verdict: LogVerdict;
      try {
        verdict = await verifyLog(backup, logger);
      } finally {
        await backup.close();
      }
      if (!verdict.ok) throw new InputError(`--from ${opts.from}: ${verdict.failure}; nothing was restored`);

      const lock = acquireLock(lockFileFor(target), { command: 'engine restore' });
      let replaced: { position: number; hash: string } | null = null;
      try {
        replaced = await currentHead(target.path);
        if (replaced !== null && replaced.position > 0 && opts.replace !== true) {
          throw new InputError(
            `--db ${target.display} holds a log (head position ${replaced.position}): restore replaces a log that holds events only with --replace; nothing was restored`,
          );
        }
        if (replaced === null) await restoreAsNewFile(from, target.path);
        else await replaceDatabase(from, target.path);
      } finally {
        lock.release();
      }

      const restored = await openStore(global.db, { access: 'read' });
      let head: { position: number; hash: string };
      try {
        head = await restored.store.head();
      } finally {
        await restored.close();
      }
      if (head.position !== verdict.head.position || head.hash !== verdict.head.hash) {
        throw new Error(`restored ${target.display} ends at position ${head.position} (${head.hash}), the backup at ${verdict.head.position} (${verdict.head.hash})`);
      }
      logger.info({ from, db: target.path, head, replaced }, 'log restored');
      if (opts.json) {
        await out.json({ from: opts.from, db: target.display, events: verdict.events, head, replaced: replaced !== null && replaced.position > 0 ? replaced : null, checks: verdict.results });
      } else {
        const was = replaced !== null && replaced.position > 0 ? ` (it replaced a log whose head was position ${replaced.position}, hash ${replaced.hash})` : '';
        await out.line(`restored ${target.display} from ${opts.from}: ${verdict.events} events, head position ${head.position}, hash ${head.hash}${was}`);
        await out.line(`verified: ${verdict.summary}`);
      }
      return ExitCode.OK;
    }),
  );
};

/** The head of the log at `file`; null when there is no file. A blank database counts as an empty log. */
async function currentHead(file: string): Promise<{ position: number; hash: string } | null> {
  const state = inspectTarget(file); // a foreign or damaged file: StoreOpenError (exit 2), untouched
  if (state === 'missing') return null;
  if (state === 'blank') return { position: 0, hash: GENESIS_HASH };
  const opened = await openStore(file, { access: 'read' });
  try {
    return await opened.store.head();
  } finally {
    await opened.close();
  }
}

/** No log at `file`: the backup is copied beside it and renamed into place. */
async function restoreAsNewFile(from: string, file: string): Promise<void> {
  // Side files of a log deleted by hand would be taken for this one's by SQLite.
  for (const side of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(side)) throw new InputError(`${side} is left from a log that is no longer there: remove it first (nothing was restored)`);
  }
  const temporary = temporaryNameFor(file);
  try {
    await backupToNewFile(from, temporary);
    moveIntoPlace(temporary, file);
  } finally {
    removeTemporary(temporary);
  }
}
