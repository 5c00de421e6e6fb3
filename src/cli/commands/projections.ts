import { fingerprint } from '../../projections/fingerprint.js';
import { DEFAULT_CHECKPOINT_NAME, ProjectionRunner } from '../../projections/runner.js';
import { ExitCode } from '../exit-codes.js';
import { openStore } from '../open-store.js';
import { formatTable } from '../output.js';
import { addGroup, intArg, jsonOption, type RegisterCommand } from '../program.js';

/** `engine projections rebuild`: fold the whole log from an empty state, save the checkpoint, show fingerprints. */
export const registerProjections: RegisterCommand = (program, cli) => {
  const projections = addGroup(program, 'projections', 'the states folded from the log (orders, positions, ledger, risk, runs)');

  jsonOption(
    projections
      .command('rebuild')
      .description('rebuild every projection from an empty state, save the checkpoint, print fingerprints per projection')
      .option('--keep-every <n>', 'also keep a checkpoint every n events, for reads --as-of earlier points (each costs the size of the state then)', intArg('--keep-every', 1)),
  ).action(
    cli.action<{ json?: boolean; keepEvery?: number }>(async ({ global, out, logger }, opts) => {
      const opened = await openStore(global.db, { access: 'write' });
      let report: RebuildReport;
      try {
        const runner = new ProjectionRunner({ store: opened.store, checkpoints: opened.checkpoints(), name: DEFAULT_CHECKPOINT_NAME, checkpointEvery: 0, keepEvery: opts.keepEvery ?? 0 });
        const started = performance.now();
        const result = await runner.rebuild();
        const ms = performance.now() - started;
        const state = runner.snapshot();
        const checkpoint = await opened.checkpoints().load(DEFAULT_CHECKPOINT_NAME);
        report = {
          db: opened.target.display,
          events: result.eventsApplied,
          position: result.position,
          ms: Math.round(ms),
          eventsPerSecond: ms > 0 ? Math.round((result.eventsApplied / ms) * 1000) : null,
          checkpoint: checkpoint ? { name: checkpoint.name, position: checkpoint.position, fingerprint: checkpoint.fingerprint } : null,
          fingerprints: {
            orders: fingerprint(state.orders),
            positions: fingerprint(state.positions),
            ledger: fingerprint(state.ledger),
            risk: fingerprint(state.risk),
            runs: fingerprint(state.runs),
          },
          stateFingerprint: runner.fingerprint(),
        };
        logger.debug({ events: report.events, ms: report.ms }, 'projections rebuilt');
      } finally {
        await opened.close();
      }
      if (opts.json) {
        await out.json(report);
        return ExitCode.OK;
      }
      await out.line(
        `rebuilt from ${report.events} events (up to position ${report.position}) in ${report.ms} ms` +
          (report.eventsPerSecond !== null ? ` (${report.eventsPerSecond} events/s)` : ''),
      );
      const rows = Object.entries(report.fingerprints).map(([name, fp]) => [name, fp]);
      rows.push(['(all)', report.stateFingerprint]);
      for (const l of formatTable(['PROJECTION', 'FINGERPRINT'], rows)) await out.line(l);
      if (report.checkpoint) await out.line(`checkpoint "${report.checkpoint.name}" saved at position ${report.checkpoint.position}`);
      return ExitCode.OK;
    }),
  );
};

interface RebuildReport {
  db: string;
  events: number;
  position: number;
  ms: number;
  eventsPerSecond: number | null;
  checkpoint: { name: string; position: number; fingerprint: string } | null;
  fingerprints: Record<string, string>;
  /** Fingerprint of all projections together (what checkpoints and replays compare). */
  stateFingerprint: string;
}
