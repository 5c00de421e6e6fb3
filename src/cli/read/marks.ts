import { Decimal } from 'decimal.js';
import type { EventStore } from '../../events/store/port.js';
import { toTypedEvent } from '../../events/event-factory.js';
import { versionAtPosition, type RunRef } from './as-of.js';

/** A last price: the close of the run's last recorded bar of the instrument at or before the point read. */
export interface Mark {
  price: Decimal;
  /** Open time of that bar. */
  barTime: string;
  position: number;
}

/** How far back (events of the run) to look for a bar before giving up; a decisions-mode backtest records none. */
export const MARK_LOOKBACK_EVENTS = 20_000;
const WINDOW = 500;

/**
 * The last recorded close of each of `symbols` in the run at or before `position`: the run's stream read
 * backwards in windows from that point, so it costs a few reads however long the log is. Symbols without a
 * recorded bar within MARK_LOOKBACK_EVENTS are left out (the caller falls back to the last fill price).
 */
export async function lastMarks(store: EventStore, run: RunRef, position: number, symbols: readonly string[]): Promise<Map<string, Mark>> {
  const marks = new Map<string, Mark>();
  if (symbols.length === 0) return marks;
  const top = await versionAtPosition(store, run, position);
  let hi = top;
  while (hi >= 0 && top - hi < MARK_LOOKBACK_EVENTS && marks.size < symbols.length) {
    const lo = Math.max(0, hi - WINDOW + 1);
    const window = [];
    for await (const e of store.readStream(run.stream, { fromVersion: lo, maxCount: hi - lo + 1 })) {
      if (e.type === 'MarketSnapshotRecorded') window.push(e);
    }
    for (let i = window.length - 1; i >= 0; i--) {
      const e = toTypedEvent(window[i]!);
      if (e.type !== 'MarketSnapshotRecorded') continue;
      for (const bar of e.data.bars) {
        if (symbols.includes(bar.symbol) && !marks.has(bar.symbol)) {
          marks.set(bar.symbol, { price: new Decimal(bar.close), barTime: bar.openTime, position: e.globalPosition });
        }
      }
    }
    hi = lo - 1;
  }
  return marks;
}
