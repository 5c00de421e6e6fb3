import type { Bar } from '../../engine/bar.js';

/** What a validating pass over a data source found. */
export interface DataScan {
  /** sha256 hex over the normalised bars in chronological order (see BarHasher). */
  hash: string;
  /** From the file's symbol column (or the synthetic spec); null when the data does not say. */
  symbol: string | null;
  /** The most frequent gap between bars, e.g. '1m', '1h', '1d'; null with fewer than two bars. */
  interval: string | null;
  intervalMs: number | null;
  firstBarTime: number | null;
  lastBarTime: number | null;
  barCount: number;
  /**
   * Rows that stepped against the file's time direction and were sorted into place (0 for clean
   * files; always 0 with `strictOrder`). Worth a warning: it usually means a glitch in the export.
   */
  rowsOutOfOrder?: number;
}

/**
 * Market data for a run. scan() is a full validating streaming pass: call it before anything is
 * appended, so bad input appends nothing (it rejects with a DataError naming file, line and field).
 * bars() streams the same bars again, oldest first. Neither holds the whole data set in memory.
 */
export interface BarSource {
  readonly spec: string;
  scan(): Promise<DataScan>;
  bars(): AsyncIterable<Bar>;
  /**
   * The same bars as bars(), a batch at a time (none empty), for a reader that would otherwise pay an await per
   * bar. Optional: batchesOf() falls back to bars().
   */
  batches?(): AsyncIterable<readonly Bar[]>;
}

/** A source's bars a batch at a time: its own batches() when it has them, else each bar alone. */
export function batchesOf(source: BarSource): AsyncIterable<readonly Bar[]> {
  return source.batches ? source.batches() : eachBarAlone(source.bars());
}

/** A stream of bars as batches of one bar (for a reader of batches given a source without them). */
export async function* eachBarAlone(bars: AsyncIterable<Bar>): AsyncGenerator<readonly Bar[]> {
  for await (const bar of bars) yield [bar];
}

export interface BarSourceOptions {
  /** IANA zone for timestamps that carry none ("naive"); default 'UTC'. */
  tz?: string;
  /** The instrument, when known: picks the base-asset volume column and names synthetic data. */
  symbol?: string;
  /**
   * Reject a row whose time steps against the file's direction ("non-monotonic time") instead of
   * sorting it into place. Default false: real exports (CryptoDataDownload, Stock.Indicators'
   * mismatch.csv) contain a few such rows with otherwise distinct times. Duplicates are always rejected.
   */
  strictOrder?: boolean;
  /** CSV only: read through the general parser and recordToBar (the reference the fast paths are tested against). */
  reference?: boolean;
}
