import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical.js';
import type { Ids } from './ports.js';

/**
 * Deterministic identifiers. Nothing here reads the clock or randomness: the same run id and the
 * same sequence of requests give the same ids, which is what makes events byte-identical across runs
 * and what lets a retried submit reuse its client order id.
 */

/** `<prefix>-` + the first 16 hex digits of sha256(canonical(parts)). */
export function deriveRunId(prefix: string, parts: unknown): string {
  return `${prefix}-${createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 16)}`;
}

/** The stream a run's events live in. */
export function runStream(runId: string): string {
  return `run-${runId}`;
}

export function cycleIdFor(runId: string, cycleSeq: number): string {
  return `${runId}:c${cycleSeq}`;
}

export function eventIdFor(runId: string, cycleSeq: number, n: number): string {
  return `${runId}:${cycleSeq}:${n}`;
}

export function intentIdFor(runId: string, cycleSeq: number, seq: number): string {
  return `${runId}:${cycleSeq}:i${seq}`;
}

/**
 * Client order ids go to venues, which often allow only [A-Za-z0-9-_] and 36 characters or so:
 * run id, cycle and sequence joined by dashes.
 */
export function clientOrderIdFor(runId: string, cycleSeq: number, seq: number): string {
  return `${runId}-${cycleSeq}-${seq}`;
}

/** Ids port: `${prefix}:${kind}${n}` with one counter per kind. */
export class CountingIds implements Ids {
  private readonly counters = new Map<string, number>();
  constructor(private readonly prefix: string) {}
  next(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${this.prefix}:${kind}${n}`;
  }
}
