import { z } from 'zod';
import { type ConfigIssue, zodIssuesToConfigIssues } from './errors.js';
import { deepMerge, isPlainObject } from './merge.js';
import { type EngineConfig, EngineConfigSchema, PROFILE_NAMES, type ProfileName } from './schema.js';

/**
 * A configuration file holds a `base` and up to three `profiles` (dev, paper, prod); a profile is
 * deep-merged over the base, then defaults fill the rest:
 *
 *   { "base": { "symbol": "BTCUSDT" }, "profiles": { "prod": { "risk": { "maxOrderNotional": "500" } } } }
 *
 * Validation covers the base and EVERY profile, not only the selected one, so a file is either wholly
 * usable or every invalid field is listed at once.
 */

const FileShape = z.strictObject({
  description: z.string().optional(),
  base: z.unknown().optional(),
  profiles: z.strictObject(Object.fromEntries(PROFILE_NAMES.map((p) => [p, z.unknown().optional()])) as Record<ProfileName, z.ZodOptional<z.ZodUnknown>>).optional(),
});

export type ResolvedProfiles = { ok: true; profiles: Record<ProfileName, EngineConfig> } | { ok: false; issues: ConfigIssue[] };

export function resolveProfiles(raw: unknown): ResolvedProfiles {
  const shape = FileShape.safeParse(raw);
  if (!shape.success) return { ok: false, issues: zodIssuesToConfigIssues(shape.error.issues, '') };
  const base = shape.data.base ?? {};
  const profilesRaw = (shape.data.profiles ?? {}) as Partial<Record<ProfileName, unknown>>;

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

  const baseCheck = EngineConfigSchema.safeParse(base);
  if (!baseCheck.success) add(zodIssuesToConfigIssues(baseCheck.error.issues, 'base'));
  // Cross-field rules that already fail in the base would repeat under every profile: report them once.
  const baseMessages = new Set(baseCheck.success ? [] : baseCheck.error.issues.map((i) => `${i.path.join('.')}\u0000${i.message}`));

  const profiles = {} as Record<ProfileName, EngineConfig>;
  for (const name of PROFILE_NAMES) {
    const own = profilesRaw[name];
    if (own !== undefined && !isPlainObject(own)) {
      add([{ path: `profiles.${name}`, message: 'must be an object' }]);
      continue;
    }
    const ownCheck = EngineConfigSchema.safeParse(own ?? {});
    if (!ownCheck.success) {
      add(zodIssuesToConfigIssues(ownCheck.error.issues, `profiles.${name}`));
      continue;
    }
    const merged = EngineConfigSchema.safeParse(deepMerge(base, own ?? {}));
    if (merged.success) {
      profiles[name] = merged.data;
    } else {
      const fresh = merged.error.issues.filter((i) => !baseMessages.has(`${i.path.join('.')}\u0000${i.message}`));
      add(zodIssuesToConfigIssues(fresh, `profiles.${name}`));
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, profiles };
}
