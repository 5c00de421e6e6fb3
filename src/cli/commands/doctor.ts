import { doctorPassed, type Figure } from '../doctor/check.js';
import { DOCTOR_CHECKS } from '../doctor/checks.js';
import { runDoctor, type DoctorReport } from '../doctor/run-doctor.js';
import type { EventStore } from '../../events/store/port.js';
import { resolveEngineConfig } from '../config-file.js';
import { InputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { openStore } from '../open-store.js';
import { assertWitnessReadable } from '../witness.js';
import { renderTable } from '../read/table.js';
import { jsonOption, type RegisterCommand } from '../program.js';

/**
 * `engine doctor`: a table of checks, each PASS/FAIL with figures, over one snapshot of the log; exit 1
 * when any check fails.
 */
export const registerDoctor: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('doctor')
      .description(`check the log and what is derived from it (${DOCTOR_CHECKS.map((c) => c.name).join(', ')}); exit 1 on any FAIL`)
      .option('--run <id>', 'checks about a run look at this run')
      .option('--config <file>', 'engine configuration file whose profile gives the SLO thresholds')
      .option('--profile <name>', 'configuration profile: dev, paper, prod (default paper)')
      .option('--witness <file>', 'check the log against the heads this witness file saw (default: ENGINE_LOG_WITNESS)'),
  ).action(
    cli.action<{ run?: string; json?: boolean; config?: string; profile?: string; witness?: string }>(async ({ global, out, logger }, opts) => {
      const { config, profile } = resolveEngineConfig({
        command: 'doctor',
        ...(opts.config !== undefined ? { file: opts.config } : {}),
        ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      });
      const opened = await openStore(global.db, { access: 'read' });
      const witness = opts.witness ?? opened.integrity.witness;
      let report: DoctorReport;
      try {
        if (witness !== null) assertWitnessReadable(witness);
        if (opts.run !== undefined && !(await hasRun(opened.store, opts.run))) {
          throw new InputError(`--run ${opts.run}: no such run in ${opened.target.display} (engine runs lists them)`);
        }
        report = await runDoctor(opened, {
          runId: opts.run ?? null,
          logger,
          // Without --config or --profile, each run is judged by the SLO thresholds it recorded.
          ...(opts.config !== undefined || opts.profile !== undefined ? { config, profile: opts.config !== undefined ? `${profile} profile of ${opts.config}` : `built-in ${profile} profile` } : {}),
          witness,
        });
      } finally {
        await opened.close();
      }
      const results = report.results;
      const ok = doctorPassed(results);
      if (opts.json) {
        await out.json({ ok, db: opened.target.display, runId: opts.run ?? null, snapshot: report.snapshot, checks: results });
      } else {
        // Figures and details wrap inside their columns, so the table fits a 100-column terminal.
        const rows = results.map((r) => [r.name, r.status, formatFigures(r.figures), r.detail ?? '']);
        for (const l of renderTable(['CHECK', 'STATUS', 'FIGURES', 'DETAIL'], rows)) await out.line(l);
        const over = `over the log up to position ${report.snapshot.position}`;
        await out.line(ok ? `doctor: all checks passed ${over}` : `doctor: ${results.filter((r) => r.status === 'FAIL').length} check(s) FAILED ${over}`);
      }
      return ok ? ExitCode.OK : ExitCode.VERDICT_FAILED;
    }),
  );
};

function formatFigures(figures: Record<string, Figure>): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** Whether the log names this run; true when it cannot tell (a damaged log is for the checks to report). */
async function hasRun(store: EventStore, runId: string): Promise<boolean> {
  try {
    for await (const e of store.readAll()) if (e.metadata.runId === runId) return true;
  } catch {
    return true;
  }
  return false;
}
