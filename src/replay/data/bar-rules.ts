import type { Bar } from '../../engine/bar.js';
import type { FieldProblem } from './data-error.js';

export interface OhlcvFieldNames {
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

const CANONICAL: OhlcvFieldNames = { open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };

/**
 * The rules every bar obeys: prices > 0, volume >= 0, low <= high, open and close inside [low, high].
 * Returns the first broken rule (named with the file's own column names), or null.
 */
export function checkBar(bar: Bar, names: OhlcvFieldNames = CANONICAL): FieldProblem | null {
  for (const key of ['open', 'high', 'low', 'close'] as const) {
    if (!bar[key].gt(0)) return { field: names[key], reason: `price must be > 0, got ${bar[key].toString()}` };
  }
  if (bar.volume.isNegative() && !bar.volume.isZero()) {
    return { field: names.volume, reason: `volume must be >= 0, got ${bar.volume.toString()}` };
  }
  if (bar.high.lt(bar.low)) {
    return { field: names.high, reason: `high ${bar.high.toString()} is below low ${bar.low.toString()}` };
  }
  for (const key of ['open', 'close'] as const) {
    if (bar[key].lt(bar.low) || bar[key].gt(bar.high)) {
      return {
        field: names[key],
        reason: `${key} ${bar[key].toString()} is outside [low ${bar.low.toString()}, high ${bar.high.toString()}]`,
      };
    }
  }
  return null;
}
