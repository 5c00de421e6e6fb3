import { type ConfigIssue, zodIssuesToConfigIssues } from './errors.js';
import { deepMerge, isPlainObject } from './merge.js';
import { crossFieldIssues, type EngineConfig, EngineConfigSchema, PROFILE_DEFAULTS, PROFILE_NAMES, type ProfileName } from './schema.js';

/**
 * A configuration file holds a `base` and up to three `profiles` (dev, paper, prod); a profile is
 * deep-merged over the base, the base over the profile's built-in defaults (PROFILE_DEFAULTS: dev has a
 * 7-day OBSERVE cool-off), then defaults fill the rest:
 *
 *   { "base": { "symbol": "BTCUSDT" }, "profiles": { "prod": { "risk": { "maxOrderNotional": "500" } } } }
 *
 * Validation covers the base and EVERY profile, not only the selected one, so a file is either wholly
 * usable or every invalid field is listed at once.
 */

const FILE_KEYS = ['description', 'base', 'profiles'];

export type ResolvedProfiles = { ok: true; profiles: Record<ProfileName, EngineConfig> } | { ok: false; issues: ConfigIssue[] };

export function resolveProfiles(raw: unknown): ResolvedProfiles {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const add = (list: ConfigIssue[]) => {
    for (const i of list) {
      const key = `${i.path}\u0000${i.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        issues.push(i);
      }
    }
  };

  // The file's own shape: problems here are listed too, and validation goes on with what is usable.
  if (!isPlainObject(raw)) return { ok: false, issues: [{ path: '(root)', message: 'must be a JSON object with "base" and/or "profiles"' }] };
  for (const k of Object.keys(raw)) if (!FILE_KEYS.includes(k)) add([{ path: k, message: 'unknown field (expected description, base, profiles)' }]);
  if (raw['description'] !== undefined && typeof raw['description'] !== 'string') add([{ path: 'description', message: 'must be a string' }]);
  let base: unknown = raw['base'] ?? {};
  if (!isPlainObject(base)) {
    add([{ path: 'base', message: 'must be an object' }]);
    base = {};
  }
  let profilesRaw = (raw['profiles'] ?? {}) as Record<string, unknown>;
  if (!isPlainObject(profilesRaw)) {
    add([{ path: 'profiles', message: 'must be an object' }]);
    profilesRaw = {};
  }
  for (const k of Object.keys(profilesRaw)) {
    if (!(PROFILE_NAMES as readonly string[]).includes(k)) add([{ path: `profiles.${k}`, message: `unknown profile (expected ${PROFILE_NAMES.join(', ')})` }]);
  }

  const baseCheck = EngineConfigSchema.safeParse(base);
  if (!baseCheck.success) add(zodIssuesToConfigIssues(baseCheck.error.issues, 'base'));

  const profiles = {} as Record<ProfileName, EngineConfig>;
  const crossByProfile = new Map<ProfileName, ConfigIssue[]>();
  for (const name of PROFILE_NAMES) {
    const own = profilesRaw[name];
    if (own !== undefined && !isPlainObject(own)) {
      add([{ path: `profiles.${name}`, message: 'must be an object' }]);
      continue;
    }
    const ownCheck = EngineConfigSchema.safeParse(own ?? {});
    if (!ownCheck.success) add(zodIssuesToConfigIssues(ownCheck.error.issues, `profiles.${name}`));
    if (!ownCheck.success || !baseCheck.success) continue;
    const merged = EngineConfigSchema.parse(deepMerge(deepMerge(PROFILE_DEFAULTS[name], base), own ?? {}));
    crossByProfile.set(name, crossFieldIssues(merged).map((i) => ({ path: i.path.join('.'), message: i.message })));
    profiles[name] = merged;
  }
  // A cross-field problem every profile shares comes from the base: report it once, there.
  const all = [...crossByProfile.values()];
  for (const [name, list] of crossByProfile) {
    for (const i of list) {
      const shared = all.length === PROFILE_NAMES.length && all.every((l) => l.some((x) => x.path === i.path && x.message === i.message));
      add([{ path: `${shared ? 'base' : `profiles.${name}`}.${i.path}`, message: i.message }]);
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, profiles };
}
