/** Typed errors for broken rules of the log. */

export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly eventType: string,
    readonly eventId: string,
    readonly detail: string,
  ) {
    super(`invalid ${eventType} event ${eventId}: ${detail}`);
  }
}

export type ExpectedVersion = 'no_stream' | 'any' | 'stream_exists' | number;

export class ExpectedVersionConflictError extends Error {
  override readonly name = 'ExpectedVersionConflictError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    /** The stream's actual last version, or 'no_stream' when it does not exist. */
    readonly actual: number | 'no_stream',
  ) {
    super(`expected version conflict on stream "${stream}": expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/** Some, but not all, of a batch's event ids are already stored: not a retry of the same batch. */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  constructor(
    readonly stream: string,
    readonly eventIds: string[],
  ) {
    super(`batch for stream "${stream}" partly repeats stored event ids (${eventIds.slice(0, 3).join(', ')}${eventIds.length > 3 ? ', ...' : ''})`);
  }
}

/** The --db target is not a usable event store (not a database, wrong schema, unreachable). */
export class StoreOpenError extends Error {
  override readonly name: string = 'StoreOpenError';
  constructor(
    readonly target: string,
    readonly detail: string,
  ) {
    super(`cannot open event store ${target}: ${detail}`);
  }
}

/** The store itself failed (I/O, connection lost). Never to be mistaken for a venue answer. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`event store unavailable: ${detail}`, options);
  }
}

/**
 * The database file is damaged: a page cannot be read (SQLite's "database disk image is malformed"),
 * or its page check failed. Bad input like any unusable --db (exit 2), never an internal error; nothing
 * is appended to a damaged log. `where` names what was being read when the damage showed, if known.
 */
export class StoreDamagedError extends StoreOpenError {
  override readonly name = 'StoreDamagedError';
  constructor(target: string, detail: string, readonly where: string | null = null) {
    super(target, detail);
    this.message = `event store ${target} is damaged${where ? ` (${where})` : ''}: ${detail}; \`engine doctor --db ${target}\` names the damaged range`;
  }
}

/**
 * A projection checkpoint that must not be trusted: it names no point of this chain (its position and
 * hash do not match the stored event), or its seal does not verify under the log key. Only a cache:
 * whoever meets one warns and rebuilds the projections from the log.
 */
export class UntrustedCheckpointError extends Error {
  override readonly name = 'UntrustedCheckpointError';
  constructor(
    readonly checkpointName: string,
    readonly detail: string,
  ) {
    super(`checkpoint "${checkpointName}" is not trusted: ${detail}`);
  }
}
