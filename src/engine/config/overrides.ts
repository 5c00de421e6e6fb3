import { ConfigError, zodIssuesToConfigIssues } from './errors.js';
import { deepMerge } from './merge.js';
import { CompleteEngineConfigSchema, type EngineConfig } from './schema.js';

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Values from command-line flags, in the config's own shape (decimals may be strings or numbers). */
export type ConfigOverrides = DeepPartial<{
  strategy: { name: string; params: Record<string, string | number> };
  symbol: string;
  quoteAsset: string;
  initialCash: string | number;
  simulation: { feeBps: number; slippageBps: number; fill: 'next-open' | 'close'; participationCap: string | number | null };
  risk: Record<string, unknown>;
  slo: Record<string, unknown>;
}>;

/**
 * Flags win over the file. Undefined values are "flag not given" and leave the file's value. When a flag
 * names a different strategy than the file, the file's parameters (which belong to the other strategy)
 * are dropped and only the flags' --param values apply. The result is validated again, so a bad flag
 * value is a ConfigError (source "--flags") like a bad file field.
 */
export function applyOverrides(config: EngineConfig, overrides: ConfigOverrides): EngineConfig {
  const clean = stripUndefined(overrides) as Record<string, unknown>;
  let base: EngineConfig = config;
  const strat = clean['strategy'] as { name?: string } | undefined;
  if (strat?.name !== undefined && strat.name !== config.strategy.name) {
    base = { ...config, strategy: { name: strat.name, params: {} } };
  }
  const parsed = CompleteEngineConfigSchema.safeParse(deepMerge(base, clean));
  if (!parsed.success) throw new ConfigError('--flags', zodIssuesToConfigIssues(parsed.error.issues, ''));
  return parsed.data;
}

function stripUndefined(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = stripUndefined(x);
  return out;
}
