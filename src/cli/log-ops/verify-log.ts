import { anchorCheck } from '../doctor/anchor-check.js';
import type { CheckResult, DoctorCheck } from '../doctor/check.js';
import { integrityCheck } from '../doctor/integrity-check.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { storageCheck } from '../doctor/storage-check.js';
import type { Logger } from '../logger.js';
import type { OpenedStore } from '../open-store.js';

/**
 * What a copy of a log (a backup, the file a restore reads, the destination of `store copy`) must pass:
 * the checks of `engine doctor` that are about the log itself, over one snapshot of it. `storage` is
 * SQLite's page check; `integrity` every hash link over the stored bytes; `anchor` the signed heads
 * beside the log (their signatures when ENGINE_LOG_KEY is set). No witness: a witness follows the one
 * store it was written for, and a copy is a different store (its positions, and for a backup its end).
 */
export const LOG_CHECKS: readonly DoctorCheck[] = [storageCheck, integrityCheck, anchorCheck];

export interface LogVerdict {
  ok: boolean;
  /** The head the checks covered. */
  head: { position: number; hash: string };
  /** Events the integrity check walked. */
  events: number;
  results: CheckResult[];
  /** The first failing check, in one sentence; null when ok. */
  failure: string | null;
  /** One line: what passed (e.g. "storage PASS, integrity PASS, anchor SKIP"). */
  summary: string;
}

export async function verifyLog(opened: OpenedStore, logger: Logger): Promise<LogVerdict> {
  const report = await runDoctor(opened, { runId: null, logger, witness: null }, LOG_CHECKS);
  const failed = report.results.find((r) => r.status === 'FAIL') ?? null;
  const integrity = report.results.find((r) => r.name === 'integrity');
  const events = typeof integrity?.figures.events === 'number' ? integrity.figures.events : 0;
  return {
    ok: failed === null,
    head: report.snapshot,
    events,
    results: report.results,
    failure: failed === null ? null : `its ${failed.name} check fails: ${failed.detail}`,
    summary: report.results.map((r) => `${r.name} ${r.status}`).join(', '),
  };
}
