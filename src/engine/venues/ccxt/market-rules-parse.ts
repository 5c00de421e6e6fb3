import type { MarketRules } from '../market-rules.js';

export type RulesParse = { ok: true; rules: MarketRules } | { ok: false; problem: string };
