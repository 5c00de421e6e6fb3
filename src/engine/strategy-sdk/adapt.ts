import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { parseParams } from '../strategies/params.js';
import { StrategyConfigError, StrategyRuntimeError, type AccountView, type IntentDraft, type MarketView, type Strategy } from '../strategy.js';

export { StrategyRuntimeError };
import type { StrategyDefinition } from './define.js';
import { toParamSpecs } from './params.js';

const DecimalLike = z.custom<Decimal>((v) => Decimal.isDecimal(v), 'must be a Decimal (use the SDK Decimal, buy() or sell())');
const IntentSchema = z.object({
  symbol: z.string().min(1).optional(),
  side: z.enum(['BUY', 'SELL']),
  qty: DecimalLike.refine((d) => d.isFinite() && d.gt(0), 'must be > 0'),
  orderType: z.enum(['MARKET', 'LIMIT']),
  limitPrice: DecimalLike.refine((d) => d.isFinite() && d.gt(0), 'must be > 0').nullable(),
  rationale: z.string().max(2000),
  context: z.record(z.string(), z.string()),
});
const OutputSchema = z.object({ intents: z.array(z.unknown()).optional() });

/**
 * The engine strategy of a user's definition: parameters validated (unknown or bad ones refused in one line),
 * the warm-up length, and every call checked: an exception or a malformed intent becomes a
 * StrategyRuntimeError naming the strategy and, through `locate`, the line of its file.
 */
export function strategyFromDefinition(def: StrategyDefinition, raw: Readonly<Record<string, string>>, locate: (err: unknown) => string): Strategy {
  const { values, effective } = parseParams<Record<string, unknown>>(def.name, toParamSpecs(def.params), raw);
  const warmupBars = typeof def.warmup === 'function' ? def.warmup(values as never) : (def.warmup ?? 0);
  if (!Number.isSafeInteger(warmupBars) || warmupBars < 0) throw new StrategyConfigError(`strategy "${def.name}": warmup must be a whole number >= 0, got ${String(warmupBars)}`);
  const call = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof StrategyRuntimeError) throw err;
      throw new StrategyRuntimeError(def.name, locate(err), `${what} threw: ${messageOf(err)}`);
    }
  };
  return {
    name: def.name,
    params: Object.freeze(effective),
    warmupBars,
    initialState: () => call('init', () => def.init(values as never)),
    onBar(state: unknown, market: MarketView, account: AccountView) {
      const out = call('onBar', () => def.onBar(state, market, account, values as never));
      const shape = OutputSchema.safeParse(out);
      if (!shape.success || out === null || typeof out !== 'object' || !('state' in out)) {
        throw new StrategyRuntimeError(def.name, 'onBar', 'must return { state, intents }');
      }
      const intents: IntentDraft[] = [];
      for (const [i, raw] of (shape.data.intents ?? []).entries()) {
        const parsed = IntentSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new StrategyRuntimeError(def.name, 'onBar', `intent ${i}: ${issue.path.join('.') || '(intent)'} ${issue.message}`);
        }
        const d = parsed.data;
        // Fresh objects of this realm: what the strategy returned may come from its sandbox.
        intents.push({ ...(d.symbol !== undefined ? { symbol: d.symbol } : {}), side: d.side, qty: d.qty, orderType: d.orderType, limitPrice: d.limitPrice, rationale: d.rationale, context: { ...d.context } });
      }
      return { state: (out as { state: unknown }).state, intents };
    },
  };
}

/** An error's message, also for errors of another realm (a strategy's own context), which are not `instanceof Error` here. */
function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof (err as { message: unknown }).message === 'string') return (err as { message: string }).message;
  return String(err);
}
