import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical.js';

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

/** The correlation id of one cycle (or pass) of a run: `${runId}:c${seq}`. */
export function cycleIdFor(runId: string, cycleSeq: number): string {
  return `${runId}:c${cycleSeq}`;
}

/** `${runId}:c${n}` -> n; null for any other cycle id (another run's, or none). */
export function cycleSeqOf(runId: string, cycleId: string | null): number | null {
  if (cycleId === null || !cycleId.startsWith(`${runId}:c`)) return null;
  const n = Number(cycleId.slice(runId.length + 2));
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
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

/** The id of the n-th RunResumed of a run (the n-th process that took the run over). */
export function resumeEventIdFor(runId: string, n: number): string {
  return `${runId}:resume:${n}`;
}

export function runStartedEventId(runId: string): string {
  return `${runId}:start`;
}

export function runEndedEventId(runId: string): string {
  return `${runId}:end`;
}

/** The client order id prefix shared by every order of a run (what tells a run's orders apart at a venue). */
export function clientOrderIdPrefix(runId: string): string {
  return `${runId}-`;
}
