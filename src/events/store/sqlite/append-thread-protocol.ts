import {
  EventValidationError,
  ExpectedVersionConflictError,
  IdempotencyConflictError,
  StoreDamagedError,
  StoreOpenError,
  StoreUnavailableError,
  type ExpectedVersion,
} from '../../errors.js';
import type { AppendResult } from '../port.js';

/** What crosses between a store and its append thread (./append-thread.ts). */
export interface AppendRequest {
  kind: 'append';
  id: number;
  stream: string;
  /** A BatchEncoder's bytes (encodeBatchBytes(), or a run log's batch encoded as it came), transferred, not copied. */
  batch: Uint8Array;
  expected: ExpectedVersion;
}

export type AppendReply = { id: number; result: AppendResult; error?: undefined } | { id: number; error: SerializedError; result?: undefined };

/** A thrown error as plain data: structured cloning keeps neither the class nor the fields the CLI maps to exit codes. */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export function serializeStoreError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (k !== 'name' && k !== 'message' && k !== 'cause') fields[k] = v;
  return { name: err.name, message: err.message, fields };
}

/** The typed error the store's own thread would have thrown (same class, fields and message). */
export function deserializeStoreError(e: SerializedError): Error {
  const f = <T>(k: string): T => e.fields[k] as T;
  switch (e.name) {
    case 'ExpectedVersionConflictError':
      return new ExpectedVersionConflictError(f<string>('stream'), f<ExpectedVersion>('expected'), f<number | 'no_stream'>('actual'));
    case 'IdempotencyConflictError':
      return new IdempotencyConflictError(f<string>('stream'), f<string[]>('eventIds'));
    case 'EventValidationError':
      return new EventValidationError(f<string>('eventType'), f<string>('eventId'), f<string>('detail'));
    case 'StoreDamagedError':
      return new StoreDamagedError(f<string>('target'), f<string>('detail'), f<string | null>('where'));
    case 'StoreOpenError':
      return new StoreOpenError(f<string>('target'), f<string>('detail'));
    case 'StoreUnavailableError':
      return new StoreUnavailableError(e.message.replace(/^event store unavailable: /, ''));
    default: {
      const err = new Error(e.message);
      err.name = e.name;
      return err;
    }
  }
}
