import { DEFAULT_CHECKPOINT_NAME, ProjectionRunner } from '../../projections/runner.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './check.js';

/**
 * Projections: the saved checkpoint must name a point of this chain (the event at its position has its
 * hash; with ENGINE_LOG_KEY, its seal verifies) and equal a rebuild from scratch up to its position.
 * Also catches a log cut short at its end (the checkpoint then points past the head).
 */
export const projectionsCheck: DoctorCheck = {
  name: 'projections',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const runner = new ProjectionRunner({ store: ctx.store, checkpoints: ctx.snapshot.checkpoints(), name: DEFAULT_CHECKPOINT_NAME });
    const v = await runner.verifyCheckpoint();
    const figures = { checkpoint: v.name, position: v.position, fingerprint: v.expected?.slice(0, 16) ?? null };
    switch (v.status) {
      case 'MISSING':
        return { name: 'projections', status: 'SKIP', figures, detail: "no checkpoint saved yet (engine projections rebuild saves one)" };
      case 'OK':
        return { name: 'projections', status: 'PASS', figures, detail: `checkpoint at position ${v.position} equals a rebuild from scratch` };
      default:
        return {
          name: 'projections',
          status: 'FAIL',
          figures: { ...figures, verdict: v.status, rebuilt: v.actual?.slice(0, 16) ?? null },
          detail: `checkpoint "${v.name}" at position ${v.position}: ${v.status}${v.detail ? `: ${v.detail}` : ''}`,
        };
    }
  },
};
