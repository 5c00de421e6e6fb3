import { StrategyConfigError, type Strategy } from '../strategy.js';
import { createDonchianBreakout, DONCHIAN_DESCRIPTION, DONCHIAN_NAME, DONCHIAN_PARAMS } from './donchian-breakout.js';
import type { ParamSpec } from './params.js';
import { createSmaCross, SMA_CROSS_DESCRIPTION, SMA_CROSS_NAME, SMA_CROSS_PARAMS } from './sma-cross.js';

export interface StrategyParamInfo {
  name: string;
  default: string;
  description: string;
}

export interface StrategyInfo {
  name: string;
  description: string;
  params: StrategyParamInfo[];
}

interface Entry {
  description: string;
  params: readonly ParamSpec[];
  create(params: Readonly<Record<string, string>>): Strategy<never>;
}

const STRATEGIES: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  [SMA_CROSS_NAME, { description: SMA_CROSS_DESCRIPTION, params: SMA_CROSS_PARAMS, create: createSmaCross as Entry['create'] }],
  [DONCHIAN_NAME, { description: DONCHIAN_DESCRIPTION, params: DONCHIAN_PARAMS, create: createDonchianBreakout as Entry['create'] }],
]);

/**
 * Builds a strategy from its name and `--param k=v` strings. Throws StrategyConfigError (one line,
 * naming the param) for an unknown strategy, an unknown param or a bad value.
 */
export function createStrategy(name: string, params: Readonly<Record<string, string>> = {}): Strategy {
  const entry = STRATEGIES.get(name);
  if (entry === undefined) {
    throw new StrategyConfigError(`unknown strategy "${name}" (available: ${[...STRATEGIES.keys()].join(', ')})`);
  }
  return entry.create(params) as Strategy;
}

export function listStrategies(): StrategyInfo[] {
  return [...STRATEGIES.entries()].map(([name, e]) => ({
    name,
    description: e.description,
    params: e.params.map((p) => ({ name: p.name, default: p.default, description: p.description })),
  }));
}
