import { Option } from 'commander';
import { CURRENT_SCHEMA_VERSION, isEventType } from '../../events/catalog.js';
import { toTypedEvent, type AnyStoredEvent } from '../../events/event-factory.js';
import { fastEncode } from '../../events/fast-codecs.js';
import type { StoredEvent } from '../../events/envelope.js';
import { runStream } from '../../engine/ids.js';
import { EXPORT_FORMATS, EXPORT_KINDS, ExportNotPossibleError, exportFormatter, type ExportFormat, type ExportKind } from '../../replay/export/index.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { AtomicTextFile, checkDestination } from '../log-ops/new-file.js';
import { openStore } from '../open-store.js';
import { formatTable } from '../output.js';
import { addGroup, type RegisterCommand } from '../program.js';

/**
 * `engine export trades|fills|orders|equity|decisions --run ID --format csv|jsonl [--out FILE]`: one run's
 * trades, fills, orders, equity per bar or risk decisions as flat rows for pandas or a spreadsheet
 * (src/replay/export/, whose README documents every column; `--columns` prints them). Read from one
 * snapshot of the log; to stdout, or to FILE written under a temporary name and renamed when whole.
 */
export const registerExport: RegisterCommand = (program, cli) => {
  const group = addGroup(program, 'export', "export one run's trades, fills, orders, equity or decisions as CSV or JSON lines");
  for (const kind of EXPORT_KINDS) {
    group
      .command(kind.name)
      .description(`${kind.row}`)
      .option('--run <id>', 'the run to export (engine runs lists them)')
      .addOption(new Option('--format <format>', 'csv (with a header row) or jsonl (one JSON object per line)').choices(EXPORT_FORMATS).default('csv'))
      .option('--out <file>', 'write to this file (created whole, under a temporary name first) instead of stdout')
      .option('--force', 'replace --out FILE when it exists')
      .option('--columns', 'print the columns of this export and what each means, then exit')
      .action(
        cli.action<{ run?: string; format: ExportFormat; out?: string; force?: boolean; columns?: boolean }>(async ({ global, out, logger }, opts) => {
          if (opts.columns) {
            await out.line(`engine export ${kind.name}: ${kind.row}`);
            for (const l of formatTable(['COLUMN', 'MEANING'], kind.columns.map((c) => [c.name, c.doc]))) await out.line(l);
            return ExitCode.OK;
          }
          if (opts.run === undefined || opts.run.trim() === '') throw new UsageError(`--run <id> is required (engine runs lists the runs)`);
          const file = opts.out !== undefined ? checkDestination(opts.out, '--out', { replace: opts.force === true }) : null;
          const opened = await openStore(global.db, { access: 'read' });
          let rows = 0;
          try {
            const snapshot = await opened.snapshot();
            try {
              const stream = runStream(opts.run);
              if ((await snapshot.store.streamVersion(stream)) === 'no_stream') {
                throw new InputError(`--run ${opts.run}: no such run in ${opened.target.display} (engine runs lists them)`);
              }
              const sink = file === null ? out : await AtomicTextFile.create(file);
              try {
                rows = await writeRows(kind, opts.format, typed(snapshot.store.readStream(stream)), sink);
                if (sink instanceof AtomicTextFile) await sink.commit();
              } catch (err) {
                if (sink instanceof AtomicTextFile) await sink.abort();
                throw err instanceof ExportNotPossibleError ? new InputError(`export ${kind.name} --run ${opts.run}: ${err.message}`) : err;
              }
            } finally {
              await snapshot.close();
            }
          } finally {
            await opened.close();
          }
          logger.info({ export: kind.name, run: opts.run, rows, out: file ?? 'stdout', format: opts.format }, 'export written');
          return ExitCode.OK;
        }),
      );
  }
};

async function writeRows(kind: ExportKind, format: ExportFormat, events: AsyncIterable<AnyStoredEvent>, sink: { write(text: string): Promise<void> }): Promise<number> {
  const formatter = exportFormatter(format, kind.columns);
  const header = formatter.header();
  if (header !== '') await sink.write(header);
  let n = 0;
  for await (const row of kind.rows(events)) {
    await sink.write(formatter.line(row));
    n++;
  }
  return n;
}

/**
 * The run's events upcast and validated (a bad event is EventValidationError: exit 2, naming it). The
 * per-bar types at their current version are validated by their hand-written codecs (the same acceptance
 * as zod, property-tested), the rest by zod.
 */
async function* typed(events: AsyncIterable<StoredEvent>): AsyncIterable<AnyStoredEvent> {
  for await (const e of events) {
    const fast = isEventType(e.type) && e.schemaVersion === CURRENT_SCHEMA_VERSION[e.type] ? fastEncode(e.type, e.data) : undefined;
    yield fast !== undefined ? ({ ...e, data: fast.data } as AnyStoredEvent) : toTypedEvent(e);
  }
}
