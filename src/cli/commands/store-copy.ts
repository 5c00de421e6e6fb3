import path from 'node:path';
import cliProgress from 'cli-progress';
import { StoreUnavailableError } from '../../events/errors.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { acquireLock, lockFileFor } from '../lock.js';
import { logIntegrityFromEnv } from '../log-integrity.js';
import { copyLog, type CopyOutcome } from '../log-ops/copy-log.js';
import { checkDestination } from '../log-ops/new-file.js';
import { verifyLog, type LogVerdict } from '../log-ops/verify-log.js';
import { openStore, parseStoreTarget, type StoreTarget } from '../open-store.js';
import { addGroup, intArg, jsonOption, type RegisterCommand } from '../program.js';

/** Events per append: whole batches are what a kill can leave behind. */
const DEFAULT_BATCH = 500;

/**
 * `engine store copy --from <db> --to <db>`: moves a log between stores (SQLite and EventStoreDB, either
 * way, or SQLite to SQLite) with every event's id, stream, stream version, data, metadata and hashes, in
 * global order. The source is verified first (nothing is written if it fails), read as one snapshot (a
 * writer may go on appending to it: a rerun copies the rest), and copied in whole, verified batches after
 * whatever the destination already holds of it, so a rerun after a kill copies only what is missing. At
 * the end the destination is verified and its head must be the source's.
 *
 * Ctrl-C or a kill ends it at once: what the destination holds then is whole batches, a prefix of the
 * source, and the same command goes on from there.
 *
 * The destination is locked like a live run locks its log (exit 3 while one runs there). Signed heads are
 * not copied (they name the source's positions): under ENGINE_LOG_KEY the destination gets its own, as
 * any log does when it is appended to. The witness (ENGINE_LOG_WITNESS) follows the source and is not
 * written to.
 */
export const registerStoreCopy: RegisterCommand = (program, cli) => {
  const group = addGroup(program, 'store', 'move a log between stores');
  jsonOption(
    group
      .command('copy')
      .description('copy every event of a log into another store (SQLite <-> EventStoreDB), resumable: a rerun copies only what is missing')
      .requiredOption('--from <path|esdb://...>', 'the log to copy (SQLite file or EventStoreDB)')
      .requiredOption('--to <path|esdb://...>', 'where to copy it: a new or empty store, or one this copy was interrupted in')
      .option('--batch <n>', 'events per append (default 500)', intArg('--batch', 1), DEFAULT_BATCH),
  ).action(
    cli.action<{ from: string; to: string; batch: number; json?: boolean }>(async ({ out, logger }, opts) => {
      const from = parseStoreTarget(opts.from);
      const to = parseStoreTarget(opts.to);
      if (sameStore(from, to)) throw new UsageError(`--from and --to are the same store (${from.display})`);
      if (to.kind === 'sqlite') checkDestination(opts.to, '--to', { replace: true });
      const integrity = { ...logIntegrityFromEnv(), witness: null };

      const source = await openStore(opts.from, { access: 'read', integrity });
      const started = performance.now();
      let outcome: CopyOutcome;
      let sourceHead: { position: number; hash: string };
      let verdict: LogVerdict;
      try {
        const sourceVerdict = await verifyLog(source, logger);
        if (!sourceVerdict.ok) throw new InputError(`--from ${from.display}: ${sourceVerdict.failure}; nothing was copied`);
        logger.info({ events: sourceVerdict.events, head: sourceVerdict.head }, 'source verified');

        const lock = acquireLock(lockFileFor(to), { command: 'engine store copy' });
        try {
          const destination = await openStore(opts.to, { access: 'write', create: true, integrity });
          const snapshot = await source.store.snapshot();
          sourceHead = snapshot.at;
          const bar = progressBar();
          let barStarted = false;
          try {
            outcome = await copyLog(snapshot, destination.store, {
              batchSize: opts.batch,
              onProgress: (done, total) => {
                if (bar === null) return;
                if (!barStarted) bar.start(total, done);
                else bar.update(done);
                barStarted = true;
              },
            });
          } catch (err) {
            if (err instanceof StoreUnavailableError) {
              throw new StoreUnavailableError(`copying into ${to.display} failed after whole batches (rerun the same command to go on): ${err.message}`, { cause: err });
            }
            throw err;
          } finally {
            bar?.stop();
            await snapshot.close();
            // Under ENGINE_LOG_KEY, closing signs the destination's head.
            await destination.close();
          }
        } finally {
          lock.release();
        }
      } finally {
        await source.close();
      }
      logger.info({ ...outcome, ms: Math.round(performance.now() - started) }, 'store copy done');

      const copy = await openStore(opts.to, { access: 'read', integrity });
      try {
        verdict = await verifyLog(copy, logger);
      } finally {
        await copy.close();
      }
      const sameHead = verdict.head.hash === sourceHead.hash;
      const ok = verdict.ok && sameHead;
      const problem = !verdict.ok
        ? `the copy in ${to.display} ${verdict.failure}`
        : !sameHead
          ? `the copy in ${to.display} ends with hash ${verdict.head.hash}, the source with ${sourceHead.hash}`
          : null;
      if (opts.json) {
        await out.json({ ok, from: from.display, to: to.display, ...outcome, sourceHead, destinationHead: verdict.head, events: verdict.events, checks: verdict.results, problem });
      } else {
        const resumed = outcome.alreadyPresent > 0 ? ` (${outcome.alreadyPresent} were there already)` : '';
        await out.line(`store copy ${from.display} -> ${to.display}: ${outcome.copied} events copied${resumed}, ${verdict.events} in all`);
        await out.line(`source head: position ${sourceHead.position}, hash ${sourceHead.hash}`);
        await out.line(`copy head:   position ${verdict.head.position}, hash ${verdict.head.hash}`);
        await out.line(ok ? `verified: ${verdict.summary}; the heads' hashes are equal` : `NOT verified: ${problem}`);
      }
      return ok ? ExitCode.OK : ExitCode.VERDICT_FAILED;
    }),
  );
};

function sameStore(a: StoreTarget, b: StoreTarget): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') return path.resolve(a.path) === path.resolve(b.path);
  if (a.kind === 'esdb' && b.kind === 'esdb') return a.connectionString === b.connectionString;
  return false;
}

function progressBar(): cliProgress.SingleBar | null {
  if (process.stderr.isTTY !== true) return null;
  return new cliProgress.SingleBar(
    { stream: process.stderr, format: 'store copy [{bar}] {percentage}% {value}/{total} events, eta {eta_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}
