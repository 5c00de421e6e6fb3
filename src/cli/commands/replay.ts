import { canonicalJson } from '../../events/canonical.js';
import { type ParityReport, ReplayInputError, replayRun } from '../../replay/parity/replay-run.js';
import type { EventView } from '../../replay/parity/compare.js';
import { resolveEngineConfig } from '../config-file.js';
import { gitCommit } from '../live-ports.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { openStore } from '../open-store.js';
import { jsonOption, type RegisterCommand } from '../program.js';

interface ReplayOptions {
  run: string;
  config?: string;
  profile?: string;
  data?: string;
  json?: boolean;
}

/**
 * `engine replay --run <id>`: the run's recorded inputs through the current engine; PARITY (exit 0),
 * INCOMPLETE (exit 0: parity up to where an unfinished run's last process stopped) or DIVERGED (exit 1)
 * at the first differing event, with both sides. Appends nothing.
 */
export const registerReplay: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('replay')
      .description('re-derive every decision of a recorded run with the current engine and compare it, event by event, with the log (appends nothing)')
      .requiredOption('--run <id>', 'the run to replay (engine runs lists them)')
      .option('--config <file>', "replay with this file's risk section instead of the recorded one")
      .option('--profile <name>', 'profile of --config: dev, paper, prod (default dev)')
      .option('--data <file>', "decisions-mode backtests: read the run's dataset from here (verified against the recorded hash)"),
  ).action(
    cli.action<ReplayOptions>(async ({ global, out, logger }, opts) => {
      if (opts.profile !== undefined && opts.config === undefined) throw new UsageError('--profile needs --config (without a file the recorded configuration is used)');
      const override = opts.config !== undefined ? resolveEngineConfig({ command: 'replay', file: opts.config, ...(opts.profile !== undefined ? { profile: opts.profile } : {}) }) : null;
      const opened = await openStore(global.db, { access: 'read' });
      let report: ParityReport;
      try {
        report = await replayRun(opened.store, opts.run, {
          ...(override ? { risk: override.config.risk, riskSource: `${override.source} (profile ${override.profile})` } : {}),
          ...(opts.data !== undefined ? { dataPath: opts.data } : {}),
        });
      } catch (err) {
        if (err instanceof ReplayInputError) throw new InputError(err.message);
        throw err;
      } finally {
        await opened.close();
      }
      logger.info({ runId: report.runId, verdict: report.verdict, matched: report.matched }, 'replay done');
      const replayedBy = { packageVersion: program.version() ?? '0.0.0', gitCommit: gitCommit() };
      if (opts.json) await out.json({ ...report, replayedBy });
      else for (const line of formatParityReport(report, replayedBy)) await out.line(line);
      return report.verdict === 'DIVERGED' ? ExitCode.VERDICT_FAILED : ExitCode.OK;
    }),
  );
};

export function formatParityReport(r: ParityReport, replayedBy?: { packageVersion: string; gitCommit: string | null }): string[] {
  const engine = (e: { packageVersion: string; gitCommit: string | null }) => `${e.packageVersion}${e.gitCommit ? ` (${e.gitCommit.slice(0, 12)})` : ''}`;
  const lines = [
    `replay of run ${r.runId} (${r.mode}, events ${r.eventsMode}${r.segments > 1 ? `, ${r.segments} process segments` : ''}): ${r.verdict}`,
    `  compared     ${r.matched} of ${r.recordedEvents} recorded events re-derived identically over ${r.cycles} cycles`,
    ...(r.verdict === 'INCOMPLETE' ? ['  incomplete   the run has no RunEnded: its last process stopped (killed, or it is still running); parity holds up to there'] : []),
    `  config       ${r.config.riskOverridden ? `risk section from ${r.config.source} (sha256 ${r.config.riskHash.slice(0, 16)})` : `as recorded (sha256 ${r.config.recordedHash.slice(0, 16)})`}`,
  ];
  if (replayedBy) lines.push(`  engine       recorded by ${engine(r.recordedBy)}, replayed by ${engine(replayedBy)}`);
  if (r.data) lines.push(`  data         ${r.data.source} ${r.data.verified ? 're-read, hash verified' : 'snapshots from the log'} (sha256 ${r.data.hash.slice(0, 16)})`);
  lines.push(`  decisions    recorded   ${r.fingerprints.recorded}`, `  fingerprint  re-derived ${r.fingerprints.rederived}`);
  const d = r.divergence;
  if (d) {
    lines.push(
      `  first divergence at ${d.position === null ? 'the end of the log (the replay produced more)' : `global position ${d.position}`} (recorded event #${d.index + 1}${r.divergenceSegment !== null && r.segments > 1 ? `, process segment ${r.divergenceSegment} of ${r.segments}` : ''}); differs in: ${d.fields.join(', ')}`,
      `    recorded    ${describe(d.recorded)}`,
      `    re-derived  ${describe(d.rederived)}`,
    );
  }
  return lines;
}

function describe(v: EventView | null): string {
  if (v === null) return '(nothing)';
  return `${v.type} cycle=${v.cycleId ?? '-'} at=${v.at} ${canonicalJson(v.data)}`;
}
