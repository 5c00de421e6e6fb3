import { MemoryEventStore } from '../../events/store/memory/memory-event-store.js';
import { WindowedBarSource } from '../sweep/windowed-source.js';
import { RunFailedError } from './errors.js';
import { type BacktestRequest, runBacktest } from './run-backtest.js';

/** The earliest time a Date holds (a window from the start of any data). */
const EARLIEST_DATE_MS = -8.64e15;

/** Bars of the first instrument a probe runs the strategy over. */
export const PROBE_BARS = 300;

/**
 * A trial of the strategy on the first bars of the data, in memory, before anything is appended: a strategy
 * that throws or returns malformed intents early (most do, at once) is then bad input (exit 2, an untouched
 * log) instead of a recorded run that ended ERROR. Returns the failure, or null when the trial ran through.
 * A failure later in the data still ends the recorded run ERROR, with what it decided kept.
 */
export async function probeStrategy(req: BacktestRequest, bars = PROBE_BARS): Promise<string | null> {
  let end: number | null = null;
  let seen = 0;
  for await (const bar of req.source.bars()) {
    if (++seen > bars) {
      end = bar.time;
      break;
    }
  }
  const window = (source: BacktestRequest['source']) => (end === null ? source : new WindowedBarSource(source, EARLIEST_DATE_MS, end));
  const { scan: _scan, onProgress: _progress, ...rest } = req;
  try {
    await runBacktest(new MemoryEventStore(), {
      ...rest,
      source: window(req.source),
      more: (req.more ?? []).map((m) => ({ symbol: m.symbol, source: window(m.source) })),
      eventsMode: 'decisions',
    });
    return null;
  } catch (err) {
    if (err instanceof RunFailedError) return err.failure;
    throw err;
  }
}
