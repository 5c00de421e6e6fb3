import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../engine/config/errors.js';
import { applyOverrides, type ConfigOverrides } from '../engine/config/overrides.js';
import { resolveProfiles } from '../engine/config/profiles.js';
import { parseStrictJson } from '../engine/config/strict-json.js';
import { defaultEngineConfig, type EngineConfig, PROFILE_NAMES, type ProfileName } from '../engine/config/schema.js';

/**
 * Loading the engine configuration file (`--config <file> --profile <name>`).
 *
 * The file is JSON, read strictly (engine/config/strict-json.ts): a key given twice, or a number a JS
 * double cannot carry exactly, is refused with its field and line; a JSON string keeps a decimal
 * exactly as written ("0.1" stays 0.1), which is how money is written. See
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
  return parseConfigText(file, readConfigText(file), profile);
}

/** A configuration is a few kilobytes; this is far past any real one. */
export const MAX_CONFIG_BYTES = 1 << 20;

/**
 * The file's text: a regular file (opened non-blocking and checked, so a FIFO or a device is refused
 * instead of waited on) of at most MAX_CONFIG_BYTES.
 */
function readConfigText(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(err)})` }]);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ConfigError(file, [{ path: '(file)', message: 'is a directory, not a configuration file' }]);
    if (!st.isFile()) throw new ConfigError(file, [{ path: '(file)', message: 'is not a regular file (a named pipe, device or socket)' }]);
    if (st.size > MAX_CONFIG_BYTES) throw new ConfigError(file, [{ path: '(file)', message: `is ${st.size} bytes: a configuration is at most ${MAX_CONFIG_BYTES}` }]);
    // Read to the end rather than trust the size: the file may grow while it is read.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_CONFIG_BYTES) throw new ConfigError(file, [{ path: '(file)', message: `is larger than ${MAX_CONFIG_BYTES} bytes` }]);
    return buffer.subarray(0, length).toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  } finally {
    closeSync(fd);
  }
}

export function parseConfigText(file: string, text: string, profile: ProfileName): EngineConfig {
  const parsed = parseStrictJson(text.replace(/^\uFEFF/, ''));
  if (!parsed.ok) throw new ConfigError(file, parsed.issues);
  const resolved = resolveProfiles(parsed.value);
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
