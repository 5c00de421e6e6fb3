import type { Command } from 'commander';
import { jsonOption } from '../program.js';

/** The options every read command takes: --run, --as-of, --json. */
export interface ReadCommandOptions {
  run?: string;
  asOf?: string;
  json?: boolean;
}

export function readOptions(cmd: Command): Command {
  return jsonOption(
    cmd
      .option('--run <id>', 'the run to read (default: the run of the newest event)')
      .option('--as-of <position|time>', 'the state at this global position, or at the run\'s last event at or before this ISO 8601 time (UTC unless it has an offset)'),
  );
}
