import { PROFILE_NAMES } from '../../engine/config/schema.js';
import { ExitCode } from '../exit-codes.js';
import { loadConfigFile, parseProfileName } from '../config-file.js';
import { resolveEngineConfig } from '../config-file.js';
import { addGroup, jsonOption, type RegisterCommand } from '../program.js';

/**
 * `engine config check --config f`: validates every profile of a file (exit 2 listing every invalid
 * field). `engine config show [--config f] [--profile p]`: the effective configuration, defaults filled in.
 */
export const registerConfig: RegisterCommand = (program, cli) => {
  const group = addGroup(program, 'config', 'validate a configuration file or show the effective configuration');

  group
    .command('check')
    .description('validate every profile of a configuration file')
    .requiredOption('--config <file>', 'configuration file (JSON)')
    .action(
      cli.action<{ config: string }>(async ({ out }, opts) => {
        for (const p of PROFILE_NAMES) loadConfigFile(opts.config, p);
        await out.line(`${opts.config}: valid (profiles ${PROFILE_NAMES.join(', ')})`);
        return ExitCode.OK;
      }),
    );

  jsonOption(
    group
      .command('show')
      .description('print the effective configuration of a profile (built-in defaults without --config)')
      .option('--config <file>', 'configuration file (JSON)')
      .option('--profile <name>', `one of ${PROFILE_NAMES.join(', ')}`, 'dev'),
  ).action(
    cli.action<{ config?: string; profile: string; json?: boolean }>(async ({ out }, opts) => {
      const { config, profile, source } = resolveEngineConfig({ command: 'config', file: opts.config, profile: parseProfileName(opts.profile) });
      if (opts.json) await out.json(config);
      else {
        await out.line(`# ${source}, profile ${profile}`);
        await out.line(JSON.stringify(config, null, 2));
      }
      return ExitCode.OK;
    }),
  );
};
