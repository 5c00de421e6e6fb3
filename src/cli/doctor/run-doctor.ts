import type { Logger } from '../logger.js';
import type { OpenedStore } from '../open-store.js';
import type { EngineConfig } from '../../engine/config/schema.js';
import type { CheckResult, DoctorCheck } from './check.js';
import { DOCTOR_CHECKS } from './checks.js';

export interface DoctorOptions {
  runId: string | null;
  logger: Logger;
  config?: EngineConfig;
  profile?: string;
  witness: string | null;
}

export interface DoctorReport {
  /** The head of the snapshot every check read: the report is about the log up to here. */
  snapshot: { position: number; hash: string };
  results: CheckResult[];
}

/**
 * Runs the checks, in order, over ONE snapshot of the log (a single read transaction on SQLite), so
 * that integrity, projections, parity and SLO figures all speak of the same events while writers go on
 * appending. A check that throws is a FAIL naming why it could not run.
 */
export async function runDoctor(opened: OpenedStore, options: DoctorOptions, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<DoctorReport> {
  const snapshot = await opened.snapshot();
  const results: CheckResult[] = [];
  try {
    for (const check of checks) {
      const started = performance.now();
      let result: CheckResult;
      try {
        result = await check.run({
          store: snapshot.store,
          snapshot,
          opened,
          witness: options.witness,
          runId: options.runId,
          logger: options.logger,
          ...(options.config !== undefined ? { config: options.config } : {}),
          ...(options.profile !== undefined ? { profile: options.profile } : {}),
          earlier: [...results],
        });
      } catch (err) {
        options.logger.debug({ err, check: check.name }, 'doctor check crashed');
        result = { name: check.name, status: 'FAIL', figures: {}, detail: `could not run: ${(err as Error).message}` };
      }
      options.logger.debug({ check: check.name, status: result.status, ms: Math.round(performance.now() - started) }, 'doctor check done');
      results.push(result);
    }
    return { snapshot: snapshot.store.at, results };
  } finally {
    await snapshot.close();
  }
}
