import type { Bar } from '../../engine/bar.js';
import type { ManualClock } from '../../engine/clocks.js';
import type { MarketData, MarketSnapshot } from '../../engine/ports.js';
import type { SimulatedVenue } from '../../engine/venues/simulated/simulated-venue.js';
import type { BarSource } from '../data/bar-source.js';

const YIELD_EVERY_BARS = 64;

/**
 * A backtest's market: the data's bars, one per cycle. Each bar moves the engine clock to the bar's close
 * and is shown to the simulated venue first (resting orders trade on it); after the last one the venue is
 * told the data has ended, so the close-out's market orders fill at the last close.
 */
export class BacktestMarket implements MarketData {
  private readonly bars: AsyncIterator<Bar>;
  private served = 0;
  lastBarTime = 0;

  constructor(
    source: BarSource,
    private readonly o: { symbol: string; interval: string | null; intervalMs: number; clock: ManualClock; venue: SimulatedVenue; onBar?: (bar: Bar) => void },
  ) {
    this.bars = source.bars()[Symbol.asyncIterator]();
  }

  async next(): Promise<MarketSnapshot | null> {
    // Everything else settles in microtasks: give the event loop a turn now and then, so signals,
    // timers and the garbage collector's scheduled tasks are not starved for the whole run.
    if (++this.served % YIELD_EVERY_BARS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const next = await this.bars.next();
    if (next.done) {
      this.o.venue.endOfData();
      return null;
    }
    const bar = next.value;
    this.lastBarTime = bar.time;
    this.o.clock.set(bar.time + this.o.intervalMs);
    this.o.venue.onBar(bar);
    this.o.onBar?.(bar);
    return { interval: this.o.interval, bars: [{ symbol: this.o.symbol, bar }] };
  }
}
