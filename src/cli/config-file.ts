import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '../engine/config/errors.js';
import { applyOverrides, type ConfigOverrides } from '../engine/config/overrides.js';
import { resolveProfiles } from '../engine/config/profiles.js';
import { defaultEngineConfig, type EngineConfig, PROFILE_NAMES, type ProfileName } from '../engine/config/schema.js';

/**
 * Loading the engine configuration file (`--config <file> --profile <name>`).
 *
 * The file is JSON: it needs no parser beyond the platform (no new dependency), a JSON string keeps a
 * decimal exactly as written ("0.1" stays 0.1), and the same text is what RunStarted records. See
 * config/engine.example.json for every field with its default, and src/engine/config/schema.ts for what
 * each one means.
 */

export { applyOverrides, ConfigError, type ConfigOverrides, type EngineConfig, type ProfileName };

/** The profile a command uses when --profile is not given. */
export const DEFAULT_PROFILE: Readonly<Record<string, ProfileName>> = {
  backtest: 'dev',
  replay: 'dev',
  'stage7-run': 'paper',
  doctor: 'paper',
};

export function defaultProfileFor(command: string): ProfileName {
  return DEFAULT_PROFILE[command] ?? 'dev';
}

export function parseProfileName(name: string): ProfileName {
  if ((PROFILE_NAMES as readonly string[]).includes(name)) return name as ProfileName;
  throw new ConfigError('--profile', [{ path: 'profile', message: `unknown profile "${name}": expected one of ${PROFILE_NAMES.join(', ')}` }]);
}

/**
 * Read and validate a config file and pick one profile. Every profile is validated, so a bad file
 * fails with ALL its invalid fields listed in one ConfigError (the CLI exits 2).
 */
export function loadConfigFile(file: string, profile: ProfileName): EngineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(err)})` }]);
  }
  return parseConfigText(file, text, profile);
}

export function parseConfigText(file: string, text: string, profile: ProfileName): EngineConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(file, [jsonSyntaxIssue(text, err)]);
  }
  const resolved = resolveProfiles(raw);
  if (!resolved.ok) throw new ConfigError(file, resolved.issues);
  return resolved.profiles[profile];
}

/**
 * The configuration a command runs with: the file's profile (or the profile's built-in defaults without a
 * file), then the command-line flags on top.
 */
export function resolveEngineConfig(options: {
  command: string;
  file?: string;
  profile?: string;
  overrides?: ConfigOverrides;
}): { config: EngineConfig; profile: ProfileName; source: string } {
  const profile = options.profile !== undefined ? parseProfileName(options.profile) : defaultProfileFor(options.command);
  const fromFile = options.file !== undefined ? loadConfigFile(options.file, profile) : defaultEngineConfig(profile);
  const config = options.overrides ? applyOverrides(fromFile, options.overrides) : fromFile;
  return { config, profile, source: options.file ?? '(built-in defaults)' };
}

function jsonSyntaxIssue(text: string, err: unknown): ConfigIssue {
  const message = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(message);
  if (pos) {
    const before = text.slice(0, Number(pos[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return { path: `line ${line}, column ${column}`, message: `invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}` };
  }
  return { path: '(file)', message: `invalid JSON: ${message}` };
}
