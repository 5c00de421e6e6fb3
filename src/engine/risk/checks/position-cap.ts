import type { Side } from '../../ports.js';
import { Decimal } from '../../values.js';
import { str } from '../decimal-math.js';
import type { QtyLimit } from './types.js';

/**
 * |position after the order| may not exceed the cap. A position already above the cap (the cap was
 * lowered) may still be reduced: the room is measured towards the far side of zero.
 */
export function checkPositionCap(cap: Decimal | null, side: Side, position: Decimal, qty: Decimal): QtyLimit | null {
  if (cap === null) return null;
  const after = side === 'BUY' ? position.plus(qty) : position.minus(qty);
  const shrinksSameSide = after.abs().lt(position.abs()) && (after.isZero() || after.isNeg() === position.isNeg());
  if (after.abs().lte(cap) || shrinksSameSide) return null;
  const room = side === 'BUY' ? cap.minus(position) : cap.plus(position);
  return {
    code: 'POSITION_CAP',
    maxQty: Decimal.max(room, 0),
    context: { position: str(position), requestedPosition: str(after), limit: str(cap) },
  };
}
