import { ConfigError, type ConfigIssue } from '../../engine/config/errors.js';
import { type EngineConfig, PROFILE_NAMES, type ProfileName } from '../../engine/config/schema.js';
import { openStrategy } from '../../replay/strategy-file/index.js';
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
        const profiles = PROFILE_NAMES.map((p) => [p, loadConfigFile(opts.config, p)] as const);
        const strategyIssues = await strategyProblems(profiles);
        if (strategyIssues.length > 0) throw new ConfigError(opts.config, strategyIssues);
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

/**
 * The strategy each profile names (a built-in, or a strategy file) must exist and take its parameters,
 * as a run would find out. A problem every profile shares comes from the base and is reported once.
 */
async function strategyProblems(profiles: ReadonlyArray<readonly [ProfileName, EngineConfig]>): Promise<ConfigIssue[]> {
  const byProfile = await Promise.all(
    profiles.map(async ([name, config]) => {
      try {
        await openStrategy(config.strategy.name, config.strategy.params);
        return [name, null] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  const messages = byProfile.map(([, m]) => m);
  if (messages.every((m) => m !== null && m === messages[0])) return [{ path: 'base.strategy', message: messages[0] ?? '' }];
  return byProfile.flatMap(([name, m]) => (m === null ? [] : [{ path: `profiles.${name}.strategy`, message: m }]));
}
