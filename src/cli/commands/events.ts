import { CURRENT_SCHEMA_VERSION, EVENT_TYPES, isEventType } from '../../events/catalog.js';
import type { StoredEvent } from '../../events/envelope.js';
import type { EventStore } from '../../events/store/port.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { currentData, summarizeEvent } from '../event-summary.js';
import { openStore } from '../open-store.js';
import type { Output } from '../output.js';
import { addGroup, intArg, jsonOption, type RegisterCommand } from '../program.js';

/** `engine events ls|show|tail`: read the log as a person (or a script, with --json) needs it. */
export const registerEvents: RegisterCommand = (program, cli) => {
  const events = addGroup(program, 'events', 'read the event log');

  jsonOption(
    events
      .command('ls')
      .description('list events in global order: position, time, stream, type and what happened')
      .option('--run <id>', 'only events of this run (metadata.runId)')
      .option('--type <types>', 'only these event types (comma-separated)')
      .option('--from <position>', 'start at this global position (inclusive)', intArg('--from', 1))
      .option('--limit <n>', 'at most n events', intArg('--limit', 1)),
  ).action(
    cli.action<ListOptions>(async ({ global, out }, opts) => {
      const filter = eventFilter(opts);
      const opened = await openStore(global.db, { access: 'read' });
      try {
        const rows = limited(filtered(opened.store.readAll(readOptions(opts, filter)), filter), opts.limit);
        if (opts.json) await out.jsonArray(rows, toJson);
        else for await (const e of rows) await out.line(formatLine(e));
      } finally {
        await opened.close();
      }
      return ExitCode.OK;
    }),
  );

  jsonOption(
    events
      .command('show')
      .description('one event in full: envelope, data (upcast to the current schema), hashes')
      .argument('<position|eventId>', 'a global position (1, 2, ...) or an event id'),
  ).action(
    cli.action<{ json?: boolean }>(async ({ global, out }, opts, [ref]) => {
      const opened = await openStore(global.db, { access: 'read' });
      try {
        const e = await findEvent(opened.store, ref ?? '');
        if (!e) throw new InputError(`no event ${/^\d+$/.test(ref ?? '') ? 'at position' : 'with id'} ${ref} in ${opened.target.display}`);
        if (opts.json) await out.json(toJson(e));
        else await printEvent(out, e);
      } finally {
        await opened.close();
      }
      return ExitCode.OK;
    }),
  );

  jsonOption(
    events
      .command('tail')
      .description('the last events; with --follow, keep printing new ones until Ctrl-C')
      .option('-n, --lines <n>', 'how many of the last events to show first', intArg('--lines', 0), 10)
      .option('--run <id>', 'only events of this run (metadata.runId)')
      .option('--type <types>', 'only these event types (comma-separated)')
      .option('-f, --follow', 'keep printing new events as they are appended (JSON: one event per line)')
      .option('--poll-ms <ms>', 'how often to look for new events with --follow', intArg('--poll-ms', 10), 200),
  ).action(
    cli.action<TailOptions>(async ({ global, out, signal, logger }, opts) => {
      const filter = eventFilter(opts);
      const opened = await openStore(global.db, { access: 'read' });
      try {
        const head = await opened.store.head();
        const last = await lastEvents(opened.store, head.position, opts.lines, filter);
        // --follow streams forever, so its JSON is one event per line; otherwise one array.
        if (opts.json && !opts.follow) await out.jsonArray(last, toJson);
        else for (const e of last) await (opts.json ? out.jsonLine(toJson(e)) : out.line(formatLine(e)));
        if (!opts.follow) return ExitCode.OK;

        logger.debug({ from: head.position }, 'following the log');
        let printing: Promise<void> = Promise.resolve();
        const sub = opened.store.subscribeAll(
          async (e) => {
            if (!filter(e)) return;
            printing = opts.json ? out.jsonLine(toJson(e)) : out.line(formatLine(e));
            await printing;
          },
          { fromPosition: head.position, pollIntervalMs: opts.pollMs },
        );
        const stopped = new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await Promise.race([stopped, sub.done]);
        await sub.stop();
        await sub.done;
        await printing;
      } finally {
        await opened.close();
      }
      return ExitCode.OK;
    }),
  );
};

interface FilterOptions {
  run?: string;
  type?: string;
}
interface ListOptions extends FilterOptions {
  from?: number;
  limit?: number;
  json?: boolean;
}
interface TailOptions extends FilterOptions {
  lines: number;
  follow?: boolean;
  pollMs: number;
  json?: boolean;
}

type EventFilter = ((e: StoredEvent) => boolean) & { types?: string[] };

function eventFilter(opts: FilterOptions): EventFilter {
  let types: string[] | undefined;
  if (opts.type !== undefined) {
    types = opts.type.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const unknown = types.filter((t) => !isEventType(t));
    if (types.length === 0 || unknown.length > 0) {
      throw new UsageError(`--type: unknown event type ${unknown.length ? `"${unknown.join(', ')}"` : '(empty)'}; known: ${EVENT_TYPES.join(', ')}`);
    }
  }
  const run = opts.run;
  const filter: EventFilter = (e) => (run === undefined || e.metadata.runId === run) && (types === undefined || types.includes(e.type));
  if (types !== undefined) filter.types = types;
  return filter;
}

function readOptions(opts: ListOptions, filter: EventFilter): { fromPosition: number; types?: string[] } {
  return { fromPosition: (opts.from ?? 1) - 1, ...(filter.types ? { types: filter.types } : {}) };
}

async function* filtered(events: AsyncIterable<StoredEvent>, keep: (e: StoredEvent) => boolean): AsyncIterable<StoredEvent> {
  for await (const e of events) if (keep(e)) yield e;
}

async function* limited(events: AsyncIterable<StoredEvent>, limit: number | undefined): AsyncIterable<StoredEvent> {
  if (limit === undefined) return yield* events;
  let n = 0;
  if (limit <= 0) return;
  for await (const e of events) {
    yield e;
    if (++n >= limit) return;
  }
}

/** The last n events (after filtering), reading backwards in windows so a huge log is not scanned. */
async function lastEvents(store: EventStore, head: number, n: number, filter: EventFilter): Promise<StoredEvent[]> {
  if (n === 0 || head === 0) return [];
  let window = Math.max(n * 4, 256);
  let end = head;
  const found: StoredEvent[] = [];
  while (end > 0 && found.length < n) {
    const start = Math.max(0, end - window);
    const chunk: StoredEvent[] = [];
    for await (const e of store.readAll({ fromPosition: start, ...(filter.types ? { types: filter.types } : {}) })) {
      if (e.globalPosition > end) break;
      if (filter(e)) chunk.push(e);
    }
    found.unshift(...chunk);
    end = start;
    window *= 4;
  }
  return found.slice(-n);
}

async function findEvent(store: EventStore, ref: string): Promise<StoredEvent | undefined> {
  if (/^\d+$/.test(ref)) {
    const position = Number(ref);
    if (position < 1) throw new UsageError(`positions start at 1, got ${ref}`);
    for await (const e of store.readAll({ fromPosition: position - 1, maxCount: 1 })) return e.globalPosition === position ? e : undefined;
    return undefined;
  }
  for await (const e of store.readAll()) if (e.eventId === ref) return e;
  return undefined;
}

function formatLine(e: StoredEvent): string {
  return `${String(e.globalPosition).padStart(6)}  ${e.metadata.at}  ${e.stream}  ${e.type.padEnd(22)}  ${summarizeEvent(e)}`;
}

/** The envelope with data upcast to the current schema (stored bytes are untouched), plus the summary. */
function toJson(e: StoredEvent): Record<string, unknown> {
  const parsed = currentData(e);
  return {
    globalPosition: e.globalPosition,
    stream: e.stream,
    streamVersion: e.streamVersion,
    eventId: e.eventId,
    type: e.type,
    storedSchemaVersion: e.schemaVersion,
    data: parsed.ok ? parsed.value : e.data,
    ...(parsed.ok ? {} : { dataError: parsed.error }),
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
    summary: summarizeEvent(e),
  };
}

async function printEvent(out: Output, e: StoredEvent): Promise<void> {
  const parsed = currentData(e);
  const current = parsed.ok ? parsed.value : e.data;
  const upcast = isEventType(e.type) && e.schemaVersion < CURRENT_SCHEMA_VERSION[e.type];
  const m = e.metadata;
  const lines = [
    `position       ${e.globalPosition}`,
    `type           ${e.type}`,
    `summary        ${summarizeEvent(e)}`,
    `event id       ${e.eventId}`,
    `stream         ${e.stream} @ version ${e.streamVersion}`,
    `schema         v${e.schemaVersion} as stored${upcast ? `, data upcast on read to v${isEventType(e.type) ? CURRENT_SCHEMA_VERSION[e.type] : '?'}` : ''}`,
    `run            ${m.runId} (${m.mode})`,
    `at             ${m.at}`,
    `cycle          ${m.cycleId ?? '-'}`,
    `caused by      ${m.causationId ?? '-'}`,
    `prev hash      ${e.prevHash}`,
    `hash           ${e.hash}`,
    ...(parsed.ok ? [] : [`INVALID DATA   ${parsed.error}`]),
    'data',
    ...JSON.stringify(current, null, 2).split('\n').map((l) => '  ' + l),
  ];
  for (const l of lines) await out.line(l);
}
