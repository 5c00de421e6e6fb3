import { Decimal } from 'decimal.js';

export interface FillAmounts {
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
}

const parsedFills = new WeakMap<object, FillAmounts>();

/**
 * The decimals of an OrderFilled event's data, parsed once per event however many projections read
 * them (a memo keyed by the data object; parsing decimals was a visible share of a full rebuild).
 */
export function fillAmounts(data: { qty: string; price: string; fee: string }): FillAmounts {
  let a = parsedFills.get(data);
  if (!a) {
    a = { qty: new Decimal(data.qty), price: new Decimal(data.price), fee: new Decimal(data.fee) };
    parsedFills.set(data, a);
  }
  return a;
}
