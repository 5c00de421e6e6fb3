import { toTypedEvent } from '../../events/event-factory.js';
import { defaultEngineConfig, SloSection, type SloConfig } from '../../engine/config/schema.js';
import { sloThresholdsFromConfig } from '../../engine/config/slo-thresholds.js';
import { runStream } from '../../engine/ids.js';
import { checkSlos } from '../../projections/slo/slo-checks.js';
import { emptySloAccumulator, foldSlo, sloFigures } from '../../projections/slo/slo-figures.js';
import type { CheckResult, DoctorCheck, DoctorContext, Figure } from './check.js';
import { runStarts } from './run-starts.js';

/**
 * SLOs: the service-level figures of one run computed from its events (src/projections/slo), judged
 * against the thresholds of the config profile given (`--config f --profile p`), else the thresholds the run
 * recorded in its RunStarted configuration (what the run was held to), else the built-in defaults. The run is --run, or the newest run in the log. The age of the oldest unresolved order is
 * measured at the run's last recorded event, so the verdict is a property of the log alone.
 */
export const sloCheck: DoctorCheck = {
  name: 'slo',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const runId = ctx.runId ?? (await runStarts(ctx.store)).at(-1)?.runId ?? null;
    if (runId === null) return { name: 'slo', status: 'SKIP', figures: {}, detail: 'no runs in the log' };
    let acc = emptySloAccumulator();
    let last = 0;
    let recorded: SloConfig | null = null;
    for await (const raw of ctx.store.readStream(runStream(runId))) {
      const e = toTypedEvent(raw);
      if (e.type === 'RunStarted' && recorded === null) recorded = recordedSlo(e.data.config);
      acc = foldSlo(acc, e);
      last = Math.max(last, Date.parse(e.metadata.at));
    }
    const thresholds = sloThresholdsFromConfig(ctx.config?.slo ?? recorded ?? defaultEngineConfig().slo);
    const figures = sloFigures(acc, last);
    const checks = checkSlos(figures, thresholds);
    const failed = checks.filter((c) => c.status === 'FAIL');
    const out: Record<string, Figure> = { run: runId };
    for (const [k, v] of Object.entries(figures)) out[k] = typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v;
    out.failed = failed.map((c) => c.name).join(',') || null;
    const profile = ctx.config ? (ctx.profile ? `the ${ctx.profile}` : 'the given configuration') : recorded ? "the run's recorded thresholds" : 'the built-in default thresholds';
    if (failed.length === 0) return { name: 'slo', status: 'PASS', figures: out, detail: `run ${runId}: all ${checks.length} SLOs within ${profile}` };
    const list = failed.map((c) => `${c.name} ${fmt(c.value)} > ${fmt(c.limit)}`).join(', ');
    return { name: 'slo', status: 'FAIL', figures: out, detail: `run ${runId}: ${failed.length} SLO(s) breached under ${profile}: ${list}` };
  },
};

function fmt(v: number | null): string {
  if (v === null) return '-';
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

/** The SLO thresholds a run recorded in its configuration, if they read as a valid SLO section. */
function recordedSlo(config: unknown): SloConfig | null {
  const slo = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['slo'] : undefined;
  const parsed = SloSection.safeParse(slo);
  return parsed.success ? parsed.data : null;
}
