import type { ReasonCode } from '../../reason-codes.js';
import type { Decimal } from '../../values.js';

/**
 * What a check says. A check returns null when it does not bind (limit switched off, not applicable,
 * or the order fits).
 *
 * - Denial: the whole order is refused, whatever its size (stale data, rate limit, bad input).
 * - QtyLimit: the order may go through with at most maxQty (0 means nothing may go through). The
 *   composer in ../decide.ts turns a binding limit into REDUCED, or into DENIED when what is left is
 *   zero or below the venue minimum.
 */
export interface Denial {
  code: ReasonCode;
  context: Record<string, string>;
}

export interface QtyLimit {
  code: ReasonCode;
  maxQty: Decimal;
  context: Record<string, string>;
}
