import type { CcxtVenueId } from './exchange-factory.js';

/**
 * What each venue accepts as a client order id. Binance spot answers -1100 "legal range is
 * '^[a-zA-Z0-9-_]{1,36}$'" for anything else. BTCTurk documents no rule (its own default is a GUID,
 * 36 characters); we hold it to the same charset and length. Engine ids
 * (`live-<12 hex>-<cycle>-<seq>`, src/engine/ids.ts) fit both: 22 characters at cycle 12, and within
 * 36 while cycle and sequence have 17 digits together (cycle below 10^14, up to 999 orders a cycle).
 */
export const CLIENT_ORDER_ID_RULES: Record<CcxtVenueId, { pattern: RegExp; maxLength: number; text: string }> = {
  binance: { pattern: /^[a-zA-Z0-9_-]{1,36}$/, maxLength: 36, text: '^[a-zA-Z0-9-_]{1,36}$' },
  btcturk: { pattern: /^[a-zA-Z0-9_-]{1,36}$/, maxLength: 36, text: '^[a-zA-Z0-9-_]{1,36}$ (GUID length)' },
};

/** Why the venue would refuse this client order id, or null when it is acceptable. */
export function clientOrderIdProblem(venue: CcxtVenueId, id: string): string | null {
  const rule = CLIENT_ORDER_ID_RULES[venue];
  if (rule.pattern.test(id)) return null;
  return `client order id "${id}" does not match ${venue}'s ${rule.text}`;
}
