export { createStrategy, listStrategies, type StrategyInfo, type StrategyParamInfo } from './registry.js';
export { createSmaCross, type SmaCrossState } from './sma-cross.js';
export { createDonchianBreakout, type DonchianBreakoutState } from './donchian-breakout.js';
