/**
 * The strategy API for users (`import { defineStrategy, param, buy, sell, sma } from 'engine/strategy'` in a
 * strategy file). See README.md, "Writing a strategy".
 */
export { defineStrategy, type StrategyDefinition } from './define.js';
export * as param from './params.js';
export type { ParamDef, ParamValues } from './params.js';
export { buy, sell, buyLimit, sellLimit, type Why } from './intents.js';
export type { AccountView, IntentDraft, MarketView } from '../strategy.js';
export type { Bar } from '../bar.js';
export { Decimal } from 'decimal.js';
export * from '../indicators/index.js';
