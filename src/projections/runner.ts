import type { StoredEvent } from '../events/envelope.js';
import { EventValidationError, UntrustedCheckpointError } from '../events/errors.js';
import { GENESIS_HASH } from '../events/hash-chain.js';
import type { Checkpoint, CheckpointStore, EventStore, ReadAllOptions } from '../events/store/port.js';
import { type DecodeMode, decoderFor, ownedDecoderFor } from './decode.js';
import { CheckpointFormatError, EventOrderError, IllegalOrderTransitionError, LedgerImbalanceError } from './errors.js';
import { fingerprint, sha256Hex } from './fingerprint.js';
import { type ProjectionState, evolve, initialProjectionState } from './projection-state.js';
import { cloneProjectionState, deserializeProjectionState, serializeProjectionState } from './state-codec.js';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** Where checkpoints go; without one the runner only folds in memory. */
  checkpoints?: CheckpointStore | null;
  /** Checkpoint name. */
  name?: string;
  /** Save a checkpoint every this many events folded (and always at the end of rebuild/catchUp); 0: only at the end. */
  checkpointEvery?: number;
  /** See ./decode.ts. */
  decode?: DecodeMode;
  /**
   * Also keep a checkpoint every this many events under its own name, `<name>@<position>` (0: none): reads at an
   * earlier point of the log (`--as-of`) start from the nearest one. Each costs the size of the state then.
   */
  keepEvery?: number;
}

export interface RunnerResult {
  /** 'empty' when folding started from nothing, 'checkpoint' when it resumed from a saved one. */
  startedFrom: 'empty' | 'checkpoint' | 'memory';
  fromPosition: number;
  position: number;
  eventsApplied: number;
  checkpointsSaved: number;
}

export type CheckpointStatus = 'OK' | 'MISSING' | 'UNTRUSTED' | 'CORRUPT' | 'MISMATCH' | 'REBUILD_FAILED';

export interface CheckpointVerdict {
  name: string;
  status: CheckpointStatus;
  ok: boolean;
  position: number | null;
  /** The fingerprint saved with the checkpoint. */
  expected: string | null;
  /** The fingerprint of the state rebuilt from scratch up to the checkpoint's position. */
  actual: string | null;
  detail: string | null;
}

export const DEFAULT_CHECKPOINT_NAME = 'projections';
/** A checkpoint of a 1M-event log is ~35 MB of canonical JSON (~1 s to encode), so not too often. */
export const DEFAULT_CHECKPOINT_EVERY = 100_000;

/**
 * Runs the projections over an EventStore: rebuild from an empty state, catch up from a checkpoint,
 * apply events one by one (for a live subscription), save checkpoints, and verify a saved checkpoint
 * against a rebuild from scratch (what `engine doctor` uses).
 *
 * The state is owned by the runner and never handed out: snapshot() returns a deep copy, and query()
 * is for the projection query helpers, which return copies.
 */
export class ProjectionRunner {
  private state: ProjectionState = initialProjectionState();
  /** The chain hash of the event at state.position: what a checkpoint of this state names. */
  private hash = GENESIS_HASH;
  private sinceCheckpoint = 0;
  private readonly store: EventStore;
  private readonly checkpoints: CheckpointStore | null;
  private readonly name: string;
  private readonly every: number;
  private readonly decode: ReturnType<typeof decoderFor>;
  /** The same decoding, for the fresh events of a page read: it may type them in place. */
  private readonly decodeOwned: ReturnType<typeof decoderFor>;
  private readonly decodeMode: DecodeMode;
  private readonly keepEvery: number;

  constructor(options: ProjectionRunnerOptions) {
    this.store = options.store;
    this.checkpoints = options.checkpoints ?? null;
    this.name = options.name ?? DEFAULT_CHECKPOINT_NAME;
    this.every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.decodeMode = options.decode ?? 'validate';
    this.decode = decoderFor(this.decodeMode);
    this.decodeOwned = ownedDecoderFor(this.decodeMode);
    this.keepEvery = options.keepEvery ?? 0;
  }

  get position(): number {
    return this.state.position;
  }

  /** Forget everything and fold the whole log from position 0. */
  async rebuild(): Promise<RunnerResult> {
    this.state = initialProjectionState();
    this.hash = GENESIS_HASH;
    this.sinceCheckpoint = 0;
    return this.foldFromStore('empty', true);
  }

  /**
   * Bring the state up to the head of the log: resume from the saved checkpoint when the runner has
   * folded nothing yet (from empty when there is none), else from where it is.
   *
   * A checkpoint is only a cache, and only trusted once it names a point of this chain: the event
   * stored at its position must have its hash (and a sealing store must vouch for it). Otherwise
   * catchUp throws UntrustedCheckpointError (CheckpointFormatError for one that cannot be read back)
   * without touching the state: the caller warns and calls rebuild().
   */
  async catchUp(): Promise<RunnerResult> {
    let startedFrom: RunnerResult['startedFrom'] = 'memory';
    if (this.state.position === 0 && this.state.events === 0) {
      const cp = this.checkpoints ? await this.checkpoints.load(this.name) : null;
      if (cp) {
        const untrusted = await this.chainMismatch(cp);
        if (untrusted !== null) throw new UntrustedCheckpointError(cp.name, untrusted);
        this.restore(cp);
        startedFrom = 'checkpoint';
      } else {
        startedFrom = 'empty';
      }
    }
    return this.foldFromStore(startedFrom, true);
  }

  /**
   * The state at global position `upTo` (a read: nothing is saved): resume from the saved checkpoint when it
   * is at or before `upTo` and names a point of this chain, else fold from the start; never fold past `upTo`.
   * An untrusted checkpoint is skipped (reported in `skippedCheckpoint`), not fatal: a read still answers.
   * With `types` only those events are read and folded (see STATE_EVENT_TYPES): the projections that react
   * to nothing else come out the same, much faster on a log that is mostly market data.
   */
  async foldUpTo(upTo: number, types?: readonly string[]): Promise<RunnerResult & { skippedCheckpoint: string | null }> {
    this.state = initialProjectionState();
    this.hash = GENESIS_HASH;
    let startedFrom: RunnerResult['startedFrom'] = 'empty';
    let skippedCheckpoint: string | null = null;
    for (const name of await this.checkpointsAtOrBefore(upTo)) {
      try {
        const cp = this.checkpoints ? await this.checkpoints.load(name) : null;
        if (!cp || cp.position > upTo) continue;
        const untrusted = await this.chainMismatch(cp);
        if (untrusted !== null) throw new UntrustedCheckpointError(cp.name, untrusted);
        this.restore(cp);
        startedFrom = 'checkpoint';
        break;
      } catch (err) {
        if (!(err instanceof UntrustedCheckpointError) && !(err instanceof CheckpointFormatError)) throw err;
        skippedCheckpoint = err instanceof UntrustedCheckpointError ? `${err.checkpointName}: ${err.detail}` : err.message;
        this.state = initialProjectionState();
        this.hash = GENESIS_HASH;
      }
    }
    return { ...(await this.foldFromStore(startedFrom, false, upTo, types)), skippedCheckpoint };
  }

  /**
   * The names of the saved checkpoints to try for a read at `upTo`, nearest first: the newest one, and those
   * kept along the log by a rebuild with `keepEvery` (`<name>@<position>`), at or before `upTo`.
   */
  private async checkpointsAtOrBefore(upTo: number): Promise<string[]> {
    if (!this.checkpoints) return [];
    const kept = this.checkpoints.list ? await this.checkpoints.list(`${this.name}@`) : [];
    const main = this.checkpoints.list ? (await this.checkpoints.list(this.name)).filter((c) => c.name === this.name) : [{ name: this.name, position: 0 }];
    return [...main, ...kept]
      .filter((c) => c.position <= upTo)
      .sort((a, b) => b.position - a.position)
      .map((c) => c.name);
  }

  /**
   * Replace the state with a checkpoint's (checked against its fingerprint first). It does not read
   * the log: catchUp() checks the checkpoint against the chain before it restores one.
   */
  restore(cp: Checkpoint): void {
    if (sha256Hex(cp.state) !== cp.fingerprint) throw new CheckpointFormatError(cp.name, 'saved state does not match its fingerprint');
    const state = deserializeProjectionState(cp.state, cp.name);
    if (state.position !== cp.position) throw new CheckpointFormatError(cp.name, `state is at position ${state.position}, checkpoint says ${cp.position}`);
    this.state = state;
    this.hash = cp.hash;
    this.sinceCheckpoint = 0;
  }

  /** Why the checkpoint does not name a point of this chain, or null when the event at its position has its hash. */
  private async chainMismatch(cp: Checkpoint): Promise<string | null> {
    if (!Number.isSafeInteger(cp.position) || cp.position < 0) return `position ${String(cp.position)} is not a log position`;
    if (cp.position === 0) return cp.hash === GENESIS_HASH ? null : 'at position 0 its hash must be the genesis hash';
    for await (const e of this.store.readAll({ fromPosition: cp.position - 1, maxCount: 1 })) {
      if (e.globalPosition !== cp.position) break;
      return e.hash === cp.hash ? null : `the event at position ${cp.position} has hash ${e.hash.slice(0, 16)}…, the checkpoint names ${cp.hash.slice(0, 16) || '(none)'}… (the log was rewritten, or the checkpoint forged)`;
    }
    return `the log has no event at checkpoint position ${cp.position} (the log was cut short, or the checkpoint belongs to another log)`;
  }

  /** Fold one stored event (a live subscription's handler), saving a checkpoint when one is due. */
  async handle(raw: StoredEvent): Promise<void> {
    if (raw.globalPosition <= this.state.position) return; // already folded (a subscription may overlap a catch-up)
    this.state = evolve(this.state, this.decode(raw));
    this.hash = raw.hash;
    this.sinceCheckpoint++;
    if (this.every > 0 && this.sinceCheckpoint >= this.every) await this.saveCheckpoint();
  }

  async saveCheckpoint(name = this.name): Promise<Checkpoint | null> {
    if (!this.checkpoints) return null;
    const text = serializeProjectionState(this.state);
    const cp: Checkpoint = { name, position: this.state.position, hash: this.hash, fingerprint: sha256Hex(text), state: text };
    await this.checkpoints.save(cp);
    this.sinceCheckpoint = 0;
    return cp;
  }

  fingerprint(): string {
    return fingerprint(this.state);
  }

  /** A deep copy of the current state. */
  snapshot(): ProjectionState {
    return cloneProjectionState(this.state);
  }

  /** Read the state through a query helper (they return copies); do not keep references into it. */
  query<T>(fn: (state: Readonly<ProjectionState>) => T): T {
    return fn(this.state);
  }

  /**
   * Rebuild from scratch up to the saved checkpoint's position, in a separate state, and compare
   * fingerprints. The runner's own state is not touched.
   */
  async verifyCheckpoint(): Promise<CheckpointVerdict> {
    const base = { name: this.name, position: null, expected: null, actual: null };
    let cp: Checkpoint | null;
    try {
      cp = this.checkpoints ? await this.checkpoints.load(this.name) : null;
    } catch (err) {
      if (err instanceof UntrustedCheckpointError) return { ...base, status: 'UNTRUSTED', ok: false, detail: err.detail };
      throw err;
    }
    if (!cp) return { ...base, status: 'MISSING', ok: true, detail: 'no checkpoint saved' };
    const known = { ...base, position: cp.position, expected: cp.fingerprint };
    const offChain = await this.chainMismatch(cp);
    if (offChain !== null) return { ...known, status: 'UNTRUSTED', ok: false, detail: offChain };
    if (sha256Hex(cp.state) !== cp.fingerprint) {
      return { ...known, status: 'CORRUPT', ok: false, detail: 'saved state does not hash to the saved fingerprint' };
    }
    try {
      deserializeProjectionState(cp.state, cp.name);
    } catch (err) {
      if (err instanceof CheckpointFormatError) return { ...known, status: 'CORRUPT', ok: false, detail: err.message };
      throw err;
    }
    let state = initialProjectionState();
    try {
      const decode = this.store.readAllPages ? this.decodeOwned : this.decode;
      reading: for await (const page of this.pages({ fromPosition: 0 })) {
        for (let i = 0; i < page.length; i++) {
          if (page[i]!.globalPosition > cp.position) break reading;
          state = evolve(state, decode(page[i]!));
        }
      }
    } catch (err) {
      if (err instanceof IllegalOrderTransitionError || err instanceof LedgerImbalanceError || err instanceof EventValidationError || err instanceof EventOrderError) {
        return { ...known, status: 'REBUILD_FAILED', ok: false, detail: err.message };
      }
      throw err;
    }
    const actual = fingerprint(state);
    if (state.position !== cp.position) {
      return { ...known, actual, status: 'MISMATCH', ok: false, detail: `the log has no event at checkpoint position ${cp.position} (rebuild stopped at ${state.position})` };
    }
    if (actual !== cp.fingerprint) {
      return { ...known, actual, status: 'MISMATCH', ok: false, detail: `state rebuilt up to position ${cp.position} differs from the checkpoint` };
    }
    return { ...known, actual, status: 'OK', ok: true, detail: null };
  }

  /** The log in pages where the store has them (one await per page instead of one per event), else one event per page. */
  private pages(options: ReadAllOptions): AsyncIterable<StoredEvent[]> {
    return this.store.readAllPages ? this.store.readAllPages(options) : singles(this.store.readAll(options));
  }

  private async foldFromStore(startedFrom: RunnerResult['startedFrom'], finalCheckpoint: boolean, upTo = Number.POSITIVE_INFINITY, types?: readonly string[]): Promise<RunnerResult> {
    const fromPosition = this.state.position;
    let applied = 0;
    let saved = 0;
    let sinceKept = 0;
    const decode = this.store.readAllPages ? this.decodeOwned : this.decode;
    reading: for await (const page of this.pages({ fromPosition, ...(types ? { types } : {}) })) {
      for (let i = 0; i < page.length; i++) {
        const raw = page[i]!;
        if (raw.globalPosition > upTo) break reading;
        this.state = evolve(this.state, decode(raw));
        this.hash = raw.hash;
        applied++;
        this.sinceCheckpoint++;
        if (finalCheckpoint && this.checkpoints && this.keepEvery > 0 && ++sinceKept >= this.keepEvery) {
          await this.saveCheckpoint(`${this.name}@${this.state.position}`);
          sinceKept = 0;
        }
        if (this.checkpoints && this.every > 0 && this.sinceCheckpoint >= this.every) {
          await this.saveCheckpoint();
          saved++;
        }
      }
    }
    if (finalCheckpoint && this.checkpoints && (this.sinceCheckpoint > 0 || saved === 0)) {
      await this.saveCheckpoint();
      saved++;
    }
    return { startedFrom, fromPosition, position: this.state.position, eventsApplied: applied, checkpointsSaved: saved };
  }
}

/** Each event of `events` as a page of one (a store without readAllPages). */
async function* singles(events: AsyncIterable<StoredEvent>): AsyncIterable<StoredEvent[]> {
  for await (const e of events) yield [e];
}
