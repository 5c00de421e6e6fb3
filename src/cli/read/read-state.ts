import type { EventStore } from '../../events/store/port.js';
import { STATE_EVENT_TYPES, type ProjectionState } from '../../projections/projection-state.js';
import { DEFAULT_CHECKPOINT_NAME, ProjectionRunner } from '../../projections/runner.js';
import type { Logger } from '../logger.js';
import { openStore, type OpenedSnapshot } from '../open-store.js';
import { parseAsOf, resolveAsOf, resolveRun, type AsOf, type RunRef } from './as-of.js';

/**
 * What every read command starts from: the log opened read-only (one snapshot of it, so a writer appending
 * meanwhile changes nothing), the run, the point of the log, and the projections folded up to that point
 * from the newest checkpoint at or before it (from the start when there is none), reading only the event
 * types they react to (STATE_EVENT_TYPES; the run index in the state is not brought up to date).
 */
export interface ReadOptions {
  run?: string;
  asOf?: string;
}

export interface FoldInfo {
  startedFrom: 'empty' | 'checkpoint' | 'memory';
  /** Position the fold started after (the checkpoint's, or 0). */
  fromPosition: number;
  eventsFolded: number;
  ms: number;
}

export interface ReadContext {
  db: string;
  store: EventStore;
  run: RunRef;
  asOf: AsOf;
  state: ProjectionState;
  fold: FoldInfo;
}

/** Opens, resolves and folds, runs `fn`, and always closes the store. Nothing is ever written. */
export async function withReadState<T>(dbArg: string, opts: ReadOptions, logger: Logger, fn: (ctx: ReadContext) => Promise<T>): Promise<T> {
  const spec = parseAsOf(opts.asOf);
  const opened = await openStore(dbArg, { access: 'read' });
  let snap: OpenedSnapshot | null = null;
  try {
    snap = await opened.snapshot();
    const store = snap.store;
    const run = await resolveRun(store, opts.run, spec.kind === 'position' && spec.position <= store.at.position ? spec.position : undefined);
    const asOf = await resolveAsOf(store, spec, run, store.at.position);
    const started = performance.now();
    const runner = new ProjectionRunner({ store, checkpoints: snap.checkpoints(), name: DEFAULT_CHECKPOINT_NAME, checkpointEvery: 0 });
    const result = await runner.foldUpTo(asOf.position, STATE_EVENT_TYPES);
    if (result.skippedCheckpoint !== null) logger.warn({ detail: result.skippedCheckpoint }, 'checkpoint not used: folding from the start');
    const fold: FoldInfo = { startedFrom: result.startedFrom, fromPosition: result.fromPosition, eventsFolded: result.eventsApplied, ms: Math.round(performance.now() - started) };
    logger.debug({ ...fold, asOf: asOf.position }, 'projections folded');
    // The runner is dropped after this read: its own state is handed over rather than deep-copied (seconds on a big log).
    return await fn({ db: opened.target.display, store, run, asOf, state: runner.query((s) => s as ProjectionState), fold });
  } finally {
    if (snap) await snap.close();
    await opened.close();
  }
}

/** The header every read command's --json carries. */
export function readHeader(ctx: ReadContext): Record<string, unknown> {
  return {
    db: ctx.db,
    runId: ctx.run.runId,
    asOf: { position: ctx.asOf.position, at: ctx.asOf.at, requested: ctx.asOf.requested },
    fold: ctx.fold,
  };
}

/** The one line human output starts with. */
export function readTitle(what: string, ctx: ReadContext): string {
  const at = ctx.asOf.at ? ` (${ctx.asOf.at})` : '';
  return `${what} of run ${ctx.run.runId} as of position ${ctx.asOf.position}${at}`;
}
