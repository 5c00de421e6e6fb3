import { ErrorType, isCommandError } from '@eventstore/db-client';
import { StoreUnavailableError } from '../../errors.js';

/**
 * The server did not answer within the deadline. The outcome of a write is unknown: a retry with the
 * same events is safe (appends are idempotent by event id). Still a StoreUnavailableError, so nothing
 * upstream can mistake it for a venue answer.
 */
export class EsdbDeadlineExceededError extends StoreUnavailableError {
  readonly reason = 'deadline-exceeded';
  constructor(what: string, deadlineMs: number, options?: { cause?: unknown }) {
    super(`EventStoreDB did not answer ${what} within ${deadlineMs} ms (deadline exceeded; the outcome of a write is unknown, retrying it is safe)`, options);
  }
}

export function isNotLeader(err: unknown): boolean {
  return err instanceof Error && isCommandError(err) && err.type === ErrorType.NOT_LEADER;
}

/** A client failure as our typed store error; our own typed errors pass through unchanged. */
export function toStoreError(err: unknown, what: string, deadlineMs: number): Error {
  if (err instanceof StoreUnavailableError) return err;
  if (err instanceof Error && isCommandError(err)) {
    switch (err.type) {
      case ErrorType.DEADLINE_EXCEEDED:
      case ErrorType.TIMEOUT:
        return new EsdbDeadlineExceededError(what, deadlineMs, { cause: err });
      case ErrorType.UNAVAILABLE:
      case ErrorType.CANCELLED:
        return new StoreUnavailableError(`EventStoreDB unreachable during ${what} (${err.message})`, { cause: err });
      default:
        return new StoreUnavailableError(`EventStoreDB refused ${what}: ${err.type} (${err.message})`, { cause: err });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StoreUnavailableError(`EventStoreDB ${what} failed: ${message}`, { cause: err });
}
