import type { LiveLogger } from '../../engine/live/live-run.js';
import type { MarketData, MarketSnapshot } from '../../engine/ports.js';
import type { ClosedBarReader } from '../../engine/venues/ccxt/closed-bars.js';
import { VenueAccessError } from '../../engine/venues/ccxt/venue-errors.js';

/**
 * The live market of a real venue: each cycle, the newest CLOSED bar of the run's interval, read from
 * the venue the run trades on. A bar the run has seen is not news (the decider records only newer
 * ones). A venue that cannot answer, or has no closed bar, gives an empty snapshot: the cycle decides
 * nothing and the run goes on; a bar that is too old reaches risk, which denies STALE_DATA. Never null:
 * null would end the run as "end of data".
 */
/**
 * Bars asked for each cycle: the newest closed one is used, but a window this wide still finds a venue's
 * last bar when it is old (BTCTurk answers by time range), so a stale market reaches risk as STALE_DATA
 * instead of looking like no data at all.
 */
export const BAR_WINDOW = 100;

export class ClosedBarMarket implements MarketData {
  private failures = 0;

  constructor(
    private readonly reader: ClosedBarReader,
    private readonly symbol: string,
    private readonly log: LiveLogger,
  ) {}

  async next(): Promise<MarketSnapshot> {
    const empty: MarketSnapshot = { interval: this.reader.interval, bars: [] };
    let bars;
    try {
      bars = await this.reader.closedBars({ limit: BAR_WINDOW });
    } catch (err) {
      if (!(err instanceof VenueAccessError)) throw err;
      this.failures++;
      this.log.warn({ kind: err.kind, detail: err.message, failures: this.failures }, 'no market data this cycle');
      return empty;
    }
    this.failures = 0;
    const bar = bars[bars.length - 1];
    if (bar === undefined) {
      this.log.warn({ interval: this.reader.interval }, 'the venue has no closed bar yet');
      return empty;
    }
    return { interval: this.reader.interval, bars: [{ symbol: this.symbol, bar }] };
  }
}
