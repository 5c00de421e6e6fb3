/** One invalid field: dotted path from the file's root, and what is wrong with it. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * A configuration that cannot be used. Lists every invalid field at once, headed by the source
 * (file name, or "--flags" for command-line overrides). The CLI maps it to exit 2.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatConfigError(source, issues));
  }
}

export function formatConfigError(source: string, issues: readonly ConfigIssue[]): string {
  if (issues.length === 1) return `${source}: ${issues[0]!.path}: ${issues[0]!.message}`;
  return [`${source}: ${issues.length} invalid fields:`, ...issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n');
}

export function zodIssuesToConfigIssues(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>,
  prefix: string,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const i of issues) {
    const base = [prefix, ...i.path.map(String)].filter((s) => s !== '').join('.');
    if (i.code === 'unrecognized_keys' && i.keys) {
      for (const k of i.keys) out.push({ path: base ? `${base}.${k}` : k, message: 'unknown field' });
    } else {
      out.push({ path: base || '(root)', message: i.message });
    }
  }
  return out;
}
