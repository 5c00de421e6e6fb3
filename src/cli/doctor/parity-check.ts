import { ReplayInputError, replayRun } from '../../replay/parity/replay-run.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './check.js';
import { runStarts } from './run-starts.js';

/** Without --run, the newest runs are replayed until one of these bounds is reached; the rest are counted, not replayed. */
export const PARITY_MAX_RUNS = 20;
export const PARITY_MAX_EVENTS = 300_000;

/**
 * Parity: `engine replay` of the run (--run) or of every run, newest first, within PARITY_MAX_RUNS
 * runs and PARITY_MAX_EVENTS recorded events. FAIL when any replay diverges (the first divergence is
 * named); WARN when a run cannot be replayed (e.g. a decisions-mode run whose dataset is gone).
 * On a log whose hash chain is broken parity is not claimed at all: a replay of altered events
 * would only prove that the altered events are self-consistent.
 */
export const parityCheck: DoctorCheck = {
  name: 'parity',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const integrity = ctx.earlier?.find((r) => r.name === 'integrity');
    if (integrity && integrity.status === 'FAIL') {
      const at = integrity.figures.firstBadPosition;
      return {
        name: 'parity',
        status: 'SKIP',
        figures: { claimed: false, integrityBrokenAt: at ?? null },
        detail: `not claimed: the hash chain is broken${at !== undefined ? ` at position ${String(at)}` : ''}, so no replay of this log can vouch for it`,
      };
    }
    const all = (await runStarts(ctx.store)).reverse();
    const chosen = ctx.runId !== null ? all.filter((r) => r.runId === ctx.runId) : all;
    let replayed = 0;
    let events = 0;
    let notReplayed = 0;
    let incomplete = 0;
    const diverged: string[] = [];
    const unreplayable: string[] = [];
    let firstDivergence: string | null = null;
    for (const run of chosen) {
      if (ctx.runId === null && (replayed >= PARITY_MAX_RUNS || events >= PARITY_MAX_EVENTS)) {
        notReplayed++;
        continue;
      }
      try {
        const report = await replayRun(ctx.store, run.runId);
        replayed++;
        events += report.recordedEvents;
        if (report.verdict === 'INCOMPLETE') incomplete++;
        if (report.verdict === 'DIVERGED') {
          diverged.push(run.runId);
          const d = report.divergence!;
          firstDivergence ??= `${run.runId} diverges at ${d.position === null ? 'the end of its log' : `position ${d.position}`} (${d.recorded?.type ?? 'nothing recorded'} vs re-derived ${d.rederived?.type ?? 'nothing'}; ${d.fields.join(', ')})`;
        }
      } catch (err) {
        if (!(err instanceof ReplayInputError)) throw err;
        unreplayable.push(`${run.runId}: ${err.message}`);
      }
    }
    const figures = { runs: chosen.length, replayed, events, parity: replayed - diverged.length, diverged: diverged.length, incomplete, unreplayable: unreplayable.length, notReplayed };
    if (chosen.length === 0) return { name: 'parity', status: 'SKIP', figures, detail: 'no runs in the log' };
    if (diverged.length > 0) return { name: 'parity', status: 'FAIL', figures, detail: `${diverged.length} run(s) DIVERGED: ${firstDivergence}` };
    const bound = notReplayed > 0 ? `; ${notReplayed} older run(s) not replayed (bound: ${PARITY_MAX_RUNS} runs or ${PARITY_MAX_EVENTS} events; use --run)` : '';
    if (unreplayable.length > 0) return { name: 'parity', status: 'WARN', figures, detail: `${replayed} run(s) at PARITY; cannot replay ${unreplayable[0]}${bound}` };
    const unfinished = incomplete > 0 ? ` (${incomplete} unfinished: parity up to where their last process stopped)` : '';
    return { name: 'parity', status: 'PASS', figures, detail: `${replayed} run(s) replayed to PARITY over ${events} recorded events${unfinished}${bound}` };
  },
};
