import { strategyFromDefinition } from '../../engine/strategy-sdk/adapt.js';
import { createStrategy } from '../../engine/strategies/index.js';
import { StrategyConfigError, type Strategy } from '../../engine/strategy.js';
import { isStrategyPath, loadStrategyFile, type StrategyFile } from './load-strategy-file.js';

export { isStrategyPath, loadStrategyFile, type StrategyFile } from './load-strategy-file.js';

/** What `--strategy` named: a built-in, or a file (with what a replay needs to find it again). */
export interface OpenedStrategy {
  strategy: Strategy;
  file: { path: string; sha256: string } | null;
  /** Builds the same strategy with other parameters (sweeps, replays). */
  withParams(params: Readonly<Record<string, string>>): Strategy;
}

/** A built-in strategy by name, or a user's strategy file by path (`./my-strategy.ts`). */
export async function openStrategy(spec: string, params: Readonly<Record<string, string>>, expectedSha256?: string): Promise<OpenedStrategy> {
  if (!isStrategyPath(spec)) {
    return { strategy: createStrategy(spec, params), file: null, withParams: (p) => createStrategy(spec, p) };
  }
  const loaded: StrategyFile = await loadStrategyFile(spec);
  if (expectedSha256 !== undefined && loaded.sha256 !== expectedSha256) {
    throw new StrategyConfigError(`${spec}: the strategy file changed since the run (sha256 ${loaded.sha256.slice(0, 16)}..., recorded ${expectedSha256.slice(0, 16)}...)`);
  }
  const make = (p: Readonly<Record<string, string>>) => strategyFromDefinition(loaded.definition, p, loaded.locate);
  return { strategy: make(params), file: { path: loaded.path, sha256: loaded.sha256 }, withParams: make };
}
