import { Decimal, floorToStep } from '../values.js';
import type { Side } from '../ports.js';
import type { ReasonCode } from '../reason-codes.js';

/**
 * The EXECUTION layer: can an approved order be expressed at the venue and paid for? Pure.
 * An order larger than the account can pay is cut to what it can pay (spot: no borrowing, no
 * shorting); it is denied only when nothing sensible is left.
 */
export interface ExecutionRules {
  /** Venue quantity step: quantities are floored to it. */
  qtyStep: Decimal;
  /** Venue minimum notional (0: none). */
  minNotional: Decimal;
  /** Cost headroom for buys: fee plus slippage, in basis points. */
  costBps: Decimal;
}

export interface ExecutionFacts {
  side: Side;
  qty: Decimal;
  refPrice: Decimal;
  /** Cash the order may spend (free cash, reserve excluded). */
  spendableCash: Decimal;
  /** Current position in the symbol. */
  position: Decimal;
}

export type ExecutionCheck =
  | { ok: true; qty: Decimal; context: Record<string, string> }
  | { ok: false; reasonCode: Extract<ReasonCode, 'MIN_NOTIONAL' | 'PRECISION' | 'INSUFFICIENT_BALANCE'>; context: Record<string, string> };

export function checkExecution(f: ExecutionFacts, rules: ExecutionRules): ExecutionCheck {
  let qty = floorToStep(f.qty, rules.qtyStep);
  if (qty.lte(0)) {
    return { ok: false, reasonCode: 'PRECISION', context: { requested: f.qty.toFixed(), step: rules.qtyStep.toFixed() } };
  }
  const context: Record<string, string> = {};
  if (f.side === 'BUY') {
    const unitCost = f.refPrice.mul(rules.costBps.div(10_000).add(1));
    const affordable = f.spendableCash.lte(0) ? new Decimal(0) : floorToStep(f.spendableCash.div(unitCost), rules.qtyStep);
    if (affordable.lte(0)) {
      return { ok: false, reasonCode: 'INSUFFICIENT_BALANCE', context: { required: qty.mul(unitCost).toFixed(), available: f.spendableCash.toFixed() } };
    }
    if (qty.gt(affordable)) {
      context.cutToAffordable = `${qty.toFixed()}->${affordable.toFixed()}`;
      qty = affordable;
    }
  } else {
    const held = Decimal.max(f.position, 0);
    if (held.lte(0)) {
      return { ok: false, reasonCode: 'INSUFFICIENT_BALANCE', context: { requested: qty.toFixed(), available: held.toFixed() } };
    }
    if (qty.gt(held)) {
      context.cutToHeld = `${qty.toFixed()}->${held.toFixed()}`;
      qty = floorToStep(held, rules.qtyStep);
      if (qty.lte(0)) return { ok: false, reasonCode: 'PRECISION', context: { requested: held.toFixed(), step: rules.qtyStep.toFixed() } };
    }
  }
  const notional = qty.mul(f.refPrice);
  if (notional.lt(rules.minNotional)) {
    return { ok: false, reasonCode: 'MIN_NOTIONAL', context: { notional: notional.toFixed(), minimum: rules.minNotional.toFixed() } };
  }
  return { ok: true, qty, context };
}
