import { backupToNewFile } from '../../events/store/sqlite/online-backup.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { checkDestination, moveIntoPlace, removeTemporary, temporaryNameFor } from '../log-ops/new-file.js';
import { verifyLog, type LogVerdict } from '../log-ops/verify-log.js';
import { openStore, parseStoreTarget } from '../open-store.js';
import { jsonOption, type RegisterCommand } from '../program.js';

/**
 * `engine backup --to FILE`: a consistent copy of a SQLite log, taken while writers keep appending
 * (SQLite's online backup: the copy is the log as one committed transaction left it). It is written
 * under a temporary name beside FILE, verified (page check, every hash link, the signed heads, their
 * signatures when ENGINE_LOG_KEY is set) and only then renamed to FILE. Prints the events, the head
 * position and its hash: the point of the source log the backup ends at.
 */
export const registerBackup: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('backup')
      .description('copy the SQLite log (--db) to a new file while writers keep appending; verified before it is named FILE')
      .requiredOption('--to <file>', 'the backup file: must not exist (or be empty), in an existing folder'),
  ).action(
    cli.action<{ to: string; json?: boolean }>(async ({ global, out, logger }, opts) => {
      const target = parseStoreTarget(global.db);
      if (target.kind !== 'sqlite') {
        throw new UsageError(
          `backup copies a SQLite log; ${target.display} is EventStoreDB: use the server's own backups, or 'engine store copy --from ${target.display} --to FILE' for a SQLite copy`,
        );
      }
      const to = checkDestination(opts.to, '--to');
      if (to === target.path) throw new UsageError(`--to ${opts.to} is the log itself (--db)`);
      // Opening it read-only refuses a missing file, a foreign one or a damaged header (exit 2), touching nothing.
      const source = await openStore(global.db, { access: 'read' });
      await source.close();

      const temporary = temporaryNameFor(to);
      let verdict: LogVerdict;
      const started = performance.now();
      try {
        const { pages } = await backupToNewFile(target.path, temporary);
        logger.debug({ pages, ms: Math.round(performance.now() - started) }, 'online backup copied');
        const copy = await openStore(temporary, { access: 'read' });
        try {
          verdict = await verifyLog(copy, logger);
        } finally {
          await copy.close();
        }
        if (!verdict.ok) throw new InputError(`the backup of ${target.display} ${verdict.failure}; nothing was written at ${opts.to}`);
        // Checked again at the last moment: FILE may have appeared while the copy was made.
        checkDestination(opts.to, '--to');
        moveIntoPlace(temporary, to);
      } finally {
        removeTemporary(temporary);
      }
      logger.info({ to, events: verdict.events, head: verdict.head, ms: Math.round(performance.now() - started) }, 'backup written');
      if (opts.json) {
        await out.json({ to: opts.to, db: target.display, events: verdict.events, head: verdict.head, checks: verdict.results });
      } else {
        await out.line(`backup ${opts.to}: ${verdict.events} events of ${target.display}, head position ${verdict.head.position}, hash ${verdict.head.hash}`);
        await out.line(`verified: ${verdict.summary}`);
      }
      return ExitCode.OK;
    }),
  );
};
