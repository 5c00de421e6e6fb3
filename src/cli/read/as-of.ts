import { DateTime } from 'luxon';
import type { EventStore } from '../../events/store/port.js';
import { runStream } from '../../engine/ids.js';
import { InputError, UsageError } from '../errors.js';

/**
 * `--run` and `--as-of` of the read commands: which run, and up to which point of the log.
 *
 * `--as-of` is a global position (a bare integer) or an ISO 8601 time (a date, or a date and time; without
 * an offset it is UTC). A time is read on the run's own clock (engine time: bar time in a backtest, the
 * system clock live) and means the global position of the run's last event at or before it (found by a
 * binary search over the run's stream, whose times never go back).
 */

export type AsOfSpec = { kind: 'head' } | { kind: 'position'; position: number; text: string } | { kind: 'time'; time: number; text: string };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseAsOf(text: string | undefined): AsOfSpec {
  if (text === undefined) return { kind: 'head' };
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const position = Number(t);
    if (!Number.isSafeInteger(position) || position < 1) throw new UsageError(`--as-of ${quote(text)}: a position is an integer >= 1`);
    return { kind: 'position', position, text: t };
  }
  if (ISO_TIME.test(t)) {
    const dt = DateTime.fromISO(t.replace(' ', 'T'), { zone: 'utc' });
    if (dt.isValid) return { kind: 'time', time: dt.toMillis(), text: t };
  }
  throw new UsageError(`--as-of ${quote(text)}: not a global position (an integer) or an ISO 8601 time (e.g. 2024-03-01T12:00:00Z)`);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}

export interface RunRef {
  runId: string;
  stream: string;
  /** Last stream version (versions start at 0). */
  lastVersion: number;
  firstPosition: number;
  firstAt: string;
  lastPosition: number;
}

/**
 * The run `--run` names (it must exist); by default the run of the event at `atPosition` (`--as-of` a
 * position), else of the newest event in the log (one read), or, when that is no run's (a kill switch), the
 * run started last (a scan of the stream index).
 */
export async function resolveRun(store: EventStore, runId: string | undefined, atPosition?: number): Promise<RunRef> {
  let id = runId ?? (await runAt(store, atPosition ?? (await store.head()).position));
  if (id === undefined) {
    const streams = await store.listStreams('run-');
    const last = streams[streams.length - 1];
    if (last === undefined) throw new InputError(`${store.location} holds no run (nothing to show)`);
    id = last.slice('run-'.length);
  }
  const stream = runStream(id);
  const lastVersion = await store.streamVersion(stream);
  if (lastVersion === 'no_stream') throw new InputError(`--run ${id}: no such run in ${store.location} (engine runs lists them)`);
  const first = await eventAtVersion(store, stream, 0);
  const last = await eventAtVersion(store, stream, lastVersion);
  return { runId: id, stream, lastVersion, firstPosition: first.position, firstAt: first.at, lastPosition: last.position };
}

/** The run of the event at `position`, when that event belongs to a run's stream. */
async function runAt(store: EventStore, position: number): Promise<string | undefined> {
  if (position < 1) return undefined;
  for await (const e of store.readAll({ fromPosition: position - 1, maxCount: 1 })) {
    if ((await store.streamVersion(runStream(e.metadata.runId))) !== 'no_stream') return e.metadata.runId;
  }
  return undefined;
}

async function eventAtVersion(store: EventStore, stream: string, version: number): Promise<{ position: number; at: string }> {
  for await (const e of store.readStream(stream, { fromVersion: version, maxCount: 1 })) return { position: e.globalPosition, at: e.metadata.at };
  throw new InputError(`stream ${stream} has no version ${version}`);
}

/** The version of the run's last event at or before global position `position` (-1: none). */
export async function versionAtPosition(store: EventStore, run: RunRef, position: number): Promise<number> {
  return lastVersionWhere(store, run, (e) => e.position <= position);
}

/** Binary search for the last version whose event satisfies `ok` (monotone: true, then false). */
async function lastVersionWhere(store: EventStore, run: RunRef, ok: (e: { position: number; at: string }) => boolean): Promise<number> {
  let lo = 0;
  let hi = run.lastVersion;
  let found = -1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(await eventAtVersion(store, run.stream, mid))) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export interface AsOf {
  /** The last global position folded. */
  position: number;
  /** Engine time of the run's last event at or before it. */
  at: string | null;
  /** What was asked for: "head", or the --as-of text. */
  requested: string;
}

/** Where a read stops: at the head, at a position, or at the run's last event at or before a time. */
export async function resolveAsOf(store: EventStore, spec: AsOfSpec, run: RunRef, head: number): Promise<AsOf> {
  if (spec.kind === 'head') return { position: head, at: await atOfRun(store, run, head), requested: 'head' };
  if (spec.kind === 'position') {
    if (spec.position > head) throw new InputError(`--as-of ${spec.text}: past the head of the log (position ${head})`);
    if (spec.position < run.firstPosition) {
      throw new InputError(`--as-of ${spec.text}: before the first event of run ${run.runId} (position ${run.firstPosition})`);
    }
    return { position: spec.position, at: await atOfRun(store, run, spec.position), requested: spec.text };
  }
  const version = await lastVersionWhere(store, run, (e) => Date.parse(e.at) <= spec.time);
  if (version < 0) throw new InputError(`--as-of ${spec.text}: before the first event of run ${run.runId} (${run.firstAt})`);
  const e = await eventAtVersion(store, run.stream, version);
  return { position: e.position, at: e.at, requested: spec.text };
}

async function atOfRun(store: EventStore, run: RunRef, position: number): Promise<string | null> {
  const v = await versionAtPosition(store, run, position);
  return v < 0 ? null : (await eventAtVersion(store, run.stream, v)).at;
}
