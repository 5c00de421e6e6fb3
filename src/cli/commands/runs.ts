import { decodeTrusted } from '../../projections/decode.js';
import { evolveRunIndex, initialRunIndexState, listRuns } from '../../projections/run-index-projection.js';
import { ExitCode } from '../exit-codes.js';
import { openStore } from '../open-store.js';
import { formatTable } from '../output.js';
import { jsonOption, type RegisterCommand } from '../program.js';

/** `engine runs`: every run in the log, from the run index projection. */
export const registerRuns: RegisterCommand = (program, cli) => {
  jsonOption(program.command('runs').description('list the runs in the log: id, mode, strategy, symbol, start, end, events')).action(
    cli.action<{ json?: boolean }>(async ({ global, out }, opts) => {
      const opened = await openStore(global.db, { access: 'read' });
      let runs;
      try {
        const state = initialRunIndexState();
        for await (const e of opened.store.readAll()) evolveRunIndex(state, decodeTrusted(e)); // a listing: doctor proves the bytes
        runs = listRuns(state);
      } finally {
        await opened.close();
      }
      if (opts.json) {
        await out.json(runs);
        return ExitCode.OK;
      }
      if (runs.length === 0) {
        await out.line(`no runs in ${opened.target.display}`);
        return ExitCode.OK;
      }
      const rows = runs.map((r) => [
        r.runId,
        r.mode ?? '-',
        r.strategy ?? '-',
        r.symbol ?? '-',
        r.startedAt ?? '-',
        r.endedAt ? `${r.endedAt} ${r.endReason ?? ''}`.trim() : 'not ended',
        String(r.cycles),
        String(r.events),
        `${r.firstPosition}..${r.lastPosition}`,
      ]);
      for (const l of formatTable(['RUN', 'MODE', 'STRATEGY', 'SYMBOL', 'STARTED', 'ENDED', 'CYCLES', 'EVENTS', 'POSITIONS'], rows)) await out.line(l);
      return ExitCode.OK;
    }),
  );
};
