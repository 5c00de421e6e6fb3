import type { EventStoreSnapshot } from '../../events/store/port.js';
import type { EngineConfig } from '../../engine/config/schema.js';
import type { Logger } from '../logger.js';
import type { OpenedSnapshot, OpenedStore } from '../open-store.js';

/**
 * A doctor check: a function from the opened store to a verdict with figures. Later checks
 * (projections, parity, SLOs) are added to DOCTOR_CHECKS in ./checks.ts with one line.
 */
export type CheckStatus = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

export type Figure = string | number | boolean | null;

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** The numbers behind the verdict, e.g. { events: 1200, firstBadPosition: 17 }. */
  figures: Record<string, Figure>;
  /** One sentence a person reads: what was found, and where. */
  detail: string;
}

export interface DoctorContext {
  /**
   * The log as one snapshot (./run-doctor.ts): every check reads the same events, however many a
   * writer appends meanwhile. Checks read through this, never through `opened.store`.
   */
  store: EventStoreSnapshot;
  /** The snapshot's companions: checkpoints, signed heads and the page check, as of the same moment. */
  snapshot: OpenedSnapshot;
  /** The store itself: only to tell whether something newer than the snapshot exists now. */
  opened: OpenedStore;
  /** A witness file to check the log against (`--witness`, or ENGINE_LOG_WITNESS); null: none. */
  witness: string | null;
  /** `engine doctor --run <id>`: checks that are about a run look at this one; null = all / latest. */
  runId: string | null;
  logger: Logger;
  /** `--config f --profile p`: the configuration whose thresholds the checks judge by (SLOs). */
  config?: EngineConfig;
  profile?: string;
  /** Results of the checks that ran before this one (parity is not claimed when integrity failed). */
  earlier?: readonly CheckResult[];
}

export interface DoctorCheck {
  name: string;
  run(ctx: DoctorContext): Promise<CheckResult>;
}

/** Any FAIL fails the doctor (exit 1); WARN and SKIP do not. */
export function doctorPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'FAIL');
}
