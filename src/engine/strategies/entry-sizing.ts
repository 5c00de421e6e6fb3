import type { Decimal } from 'decimal.js';
import { atrPositionSize, type AtrSizing } from '../sizing/atr-position-size.js';
import type { AccountView } from '../strategy.js';
import { decimalString, floatString } from './format.js';
import type { AtrSizingParams } from './params.js';

/** Sizes an entry by ATR from the account's equity and returns the size with the figures behind it. */
export function sizeEntry(p: AtrSizingParams, account: AccountView, atr: number, close: Decimal): { sizing: AtrSizing; context: Record<string, string> } {
  const sizing = atrPositionSize({
    equity: account.equity,
    riskFraction: p.risk,
    atr,
    atrMultiple: p.atrMult,
    price: close,
    qtyStep: p.qtyStep,
    maxLeverage: p.maxLeverage,
  });
  return {
    sizing,
    context: {
      atr: floatString(atr),
      equity: decimalString(account.equity),
      riskFraction: decimalString(p.risk),
      atrMultiple: decimalString(p.atrMult),
      riskBudget: decimalString(sizing.riskBudget),
      stopDistance: decimalString(sizing.stopDistance),
      sizeCappedByLeverage: String(sizing.capped),
      close: decimalString(close),
    },
  };
}
