import type { Bar } from '../../engine/bar.js';
import type { ManualClock } from '../../engine/clocks.js';
import type { MarketData, MarketSnapshot } from '../../engine/ports.js';
import type { SimulatedVenue } from '../../engine/venues/simulated/simulated-venue.js';
import { type BarSource, batchesOf } from '../data/bar-source.js';
import { AlignedBars, type AlignedStep } from './aligned-bars.js';

const YIELD_EVERY_BARS = 64;

/**
 * A backtest's market: the data's bars, one time per cycle; with several instruments, aligned by time
 * (./aligned-bars.ts). Each cycle moves the engine clock to the bars' close and shows each bar to the
 * simulated venue first (resting orders trade on it); after the last one the venue is told the data has
 * ended, so the close-out's market orders fill at the last closes.
 */
export class BacktestMarket implements MarketData {
  private readonly aligned: AlignedBars;
  private served = 0;
  lastBarTime = 0;

  constructor(
    sources: ReadonlyArray<{ symbol: string; source: BarSource }>,
    private readonly o: {
      interval: string | null;
      intervalMs: number;
      clock: ManualClock;
      venue: SimulatedVenue;
      /** Sees each time's bars after the venue (the price tape of the report). */
      onBars?: (bars: ReadonlyArray<{ symbol: string; bar: Bar }>) => void;
    },
  ) {
    this.aligned = new AlignedBars(sources.map(({ symbol, source }) => ({ symbol, batches: batchesOf(source) })));
  }

  /** At once inside a batch of bars; a promise when a batch must be read, and every YIELD_EVERY_BARS bars. */
  next(): MarketSnapshot | null | Promise<MarketSnapshot | null> {
    // Everything else settles in microtasks: give the event loop a turn now and then, so signals,
    // timers and the garbage collector's scheduled tasks are not starved for the whole run.
    if (++this.served % YIELD_EVERY_BARS === 0) return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.step());
    return this.step();
  }

  private step(): MarketSnapshot | null | Promise<MarketSnapshot | null> {
    const step = this.aligned.next();
    return step instanceof Promise ? step.then((next) => this.serve(next)) : this.serve(step);
  }

  private serve(next: AlignedStep | null): MarketSnapshot | null {
    if (next === null) {
      this.o.venue.endOfData();
      return null;
    }
    this.lastBarTime = next.time;
    this.o.clock.set(next.time + this.o.intervalMs);
    for (const { symbol, bar } of next.bars) this.o.venue.onBar(bar, symbol);
    this.o.onBars?.(next.bars);
    return { interval: this.o.interval, bars: next.bars };
  }
}
