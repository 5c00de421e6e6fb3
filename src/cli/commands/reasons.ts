import { REASON_CODES, type DecisionLayer } from '../../engine/reason-codes.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../output.js';
import { jsonOption, type RegisterCommand } from '../program.js';

const LAYER_ORDER: readonly DecisionLayer[] = ['POLICY', 'RISK', 'EXECUTION', 'VENUE', 'RECONCILIATION'];

/** `engine reasons`: the one reason-code vocabulary, every code with its decision layer and meaning. */
export const registerReasons: RegisterCommand = (program, cli) => {
  jsonOption(program.command('reasons').description('list every reason code with its decision layer and meaning')).action(
    cli.action<{ json?: boolean }>(async ({ out }, opts) => {
      const rows = Object.entries(REASON_CODES)
        .map(([code, info]) => ({ code, layer: info.layer as DecisionLayer, meaning: info.meaning as string }))
        .sort((a, b) => LAYER_ORDER.indexOf(a.layer) - LAYER_ORDER.indexOf(b.layer));
      if (opts.json) {
        await out.json(rows);
        return ExitCode.OK;
      }
      for (const l of formatTable(['CODE', 'LAYER', 'MEANING'], rows.map((r) => [r.code, r.layer, r.meaning]))) await out.line(l);
      await out.line();
      await out.line('"Denied" means the engine refused (POLICY, RISK, EXECUTION); "Rejected" means the venue did (VENUE, raw text kept beside).');
      return ExitCode.OK;
    }),
  );
};
