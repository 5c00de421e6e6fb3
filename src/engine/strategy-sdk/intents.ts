import { Decimal } from 'decimal.js';
import type { IntentDraft } from '../strategy.js';

/** What drove an intent: a sentence for people, the numbers for the record. */
export interface Why {
  rationale: string;
  context?: Record<string, string | number>;
  /** The instrument; absent: the run's first. */
  symbol?: string;
}

export function buy(qty: Decimal.Value, why: Why): IntentDraft {
  return draft('BUY', qty, null, why);
}

export function sell(qty: Decimal.Value, why: Why): IntentDraft {
  return draft('SELL', qty, null, why);
}

/** A limit order: buy at `limit` or lower. */
export function buyLimit(qty: Decimal.Value, limit: Decimal.Value, why: Why): IntentDraft {
  return draft('BUY', qty, limit, why);
}

/** A limit order: sell at `limit` or higher. */
export function sellLimit(qty: Decimal.Value, limit: Decimal.Value, why: Why): IntentDraft {
  return draft('SELL', qty, limit, why);
}

function draft(side: 'BUY' | 'SELL', qty: Decimal.Value, limit: Decimal.Value | null, why: Why): IntentDraft {
  const context: Record<string, string> = {};
  for (const [k, v] of Object.entries(why.context ?? {})) context[k] = String(v);
  return {
    ...(why.symbol !== undefined ? { symbol: why.symbol } : {}),
    side,
    qty: new Decimal(qty),
    orderType: limit === null ? 'MARKET' : 'LIMIT',
    limitPrice: limit === null ? null : new Decimal(limit),
    rationale: why.rationale,
    context,
  };
}
