import type { EventDataInput } from '../../events/catalog.js';
import { Decimal, ZERO } from '../values.js';
import { str } from './decimal-math.js';

/**
 * Self-financing. Each realized result is split: a profit moves `fraction` of itself into the reserve,
 * which is never traded, and the rest into tradable capital; a loss comes entirely out of tradable
 * capital (the reserve is never drawn on to absorb it). The reserve therefore only ever grows.
 */
export interface CapitalSplit {
  tradable: Decimal;
  reserve: Decimal;
}

export interface Allocation {
  next: CapitalSplit;
  /** Amount moved into the reserve (0 for a loss or a break-even trade). */
  toReserve: Decimal;
  /** Data of the ReserveAllocated event to record; null when nothing moved. */
  event: EventDataInput<'ReserveAllocated'> | null;
}

export function allocateRealizedPnl(current: CapitalSplit, realizedPnl: Decimal, fraction: Decimal, context: Record<string, string> = {}): Allocation {
  if (fraction.lt(0) || fraction.gt(1)) throw new RangeError(`reserve fraction must be in [0, 1], got ${fraction.toString()}`);
  if (realizedPnl.lte(0) || fraction.isZero()) {
    return { next: { tradable: current.tradable.plus(realizedPnl), reserve: current.reserve }, toReserve: ZERO, event: null };
  }
  const toReserve = realizedPnl.mul(fraction);
  const next = { tradable: current.tradable.plus(realizedPnl.minus(toReserve)), reserve: current.reserve.plus(toReserve) };
  return {
    next,
    toReserve,
    event: {
      amount: str(toReserve),
      fraction: str(fraction),
      context: { ...context, realizedPnl: str(realizedPnl), reserveAfter: str(next.reserve), tradableAfter: str(next.tradable) },
    },
  };
}
