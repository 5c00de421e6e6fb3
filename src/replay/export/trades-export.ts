import { normalizeDecimal } from '../../events/decimal-string.js';
import { isoTime } from '../../events/time.js';
import { RunTradesFold } from '../metrics/run-trades.js';
import type { ExportKind } from './export-kind.js';

/** Digits kept of a VWAP price (a quotient): as the backtest summary's JSON shows it. */
const PRICE_PLACES = 12;

export const tradesExport: ExportKind = {
  name: 'trades',
  row: 'one round trip (flat -> position -> flat, or through a flip), the very trips of the backtest summary (src/replay/metrics/run-trades.ts), in order of exit time',
  columns: [
    { name: 'trade', doc: 'number of the trip in this export, from 1' },
    { name: 'symbol', doc: 'instrument' },
    { name: 'side', doc: 'LONG or SHORT' },
    { name: 'qty', doc: 'quantity opened (= quantity closed)' },
    { name: 'entry_time', doc: 'time of the first entry fill (the venue\'s fill time)' },
    { name: 'exit_time', doc: 'time of the fill that closed the trip' },
    { name: 'entry_price', doc: 'volume-weighted average entry price, rounded to 12 decimal places' },
    { name: 'exit_price', doc: 'volume-weighted average exit price, rounded to 12 decimal places' },
    { name: 'pnl', doc: 'profit and loss in the quote asset, net of every fee of the trip (entry and exit), exact' },
    { name: 'fees', doc: 'fees of the trip in the quote asset (a flipping fill\'s fee is split pro rata), exact' },
    { name: 'open_at_end', doc: 'true when the trip was still open after the last bar and closed by the end-of-data close-out' },
  ],
  async *rows(events) {
    const fold = new RunTradesFold();
    for await (const e of events) fold.observe(e);
    let n = 0;
    for (const t of fold.trades()) {
      yield {
        trade: ++n,
        symbol: t.symbol,
        side: t.side,
        qty: normalizeDecimal(t.qty),
        entry_time: isoTime(t.entryTime),
        exit_time: isoTime(t.exitTime),
        entry_price: normalizeDecimal(t.entryPrice.toDecimalPlaces(PRICE_PLACES)),
        exit_price: normalizeDecimal(t.exitPrice.toDecimalPlaces(PRICE_PLACES)),
        pnl: normalizeDecimal(t.pnl),
        fees: normalizeDecimal(t.fees),
        open_at_end: t.openAtEnd,
      };
    }
  },
};
