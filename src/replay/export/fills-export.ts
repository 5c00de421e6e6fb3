import { Decimal } from 'decimal.js';
import { normalizeDecimal } from '../../events/decimal-string.js';
import { instrumentAssets, valueFill } from '../../projections/fill-valuation.js';
import { isoTime } from '../../events/time.js';
import { fillTime } from '../metrics/run-trades.js';
import { utc, type ExportKind } from './export-kind.js';

export const fillsExport: ExportKind = {
  name: 'fills',
  row: 'one fill (OrderFilled), in the order the run recorded them; a fill id the venue sent again is left out, as every fold of the run leaves it out',
  columns: [
    { name: 'time', doc: 'when the venue filled it (OrderFilled.time); for fills recorded before v3, the engine time of the event' },
    { name: 'recorded_at', doc: 'engine time of the event (metadata.at)' },
    { name: 'cycle_id', doc: 'the cycle that recorded it (correlation id)' },
    { name: 'client_order_id', doc: 'our order id' },
    { name: 'venue_order_id', doc: 'the venue\'s order id, when it gave one' },
    { name: 'fill_id', doc: 'the venue\'s fill id' },
    { name: 'symbol', doc: 'instrument' },
    { name: 'side', doc: 'BUY or SELL' },
    { name: 'qty', doc: 'quantity filled' },
    { name: 'price', doc: 'fill price' },
    { name: 'notional', doc: 'qty x price, exact' },
    { name: 'fee', doc: 'fee as the venue charged it, in fee_asset' },
    { name: 'fee_asset', doc: 'asset of the fee; QUOTE means the run\'s quote asset' },
    { name: 'fee_in_quote', doc: 'the fee valued in the quote asset as the position book values it (a base-asset fee at the fill price); empty for an asset the run cannot value' },
    { name: 'liquidity', doc: 'MAKER, TAKER or UNKNOWN' },
    { name: 'position', doc: 'global position of the event in the log' },
    { name: 'event_id', doc: 'id of the OrderFilled event' },
  ],
  async *rows(events) {
    let quoteAsset = 'QUOTE';
    const seen = new Set<string>();
    for await (const e of events) {
      if (e.type === 'RunStarted') quoteAsset = e.data.quoteAsset;
      if (e.type !== 'OrderFilled') continue;
      const d = e.data;
      if (seen.has(d.fillId)) continue;
      seen.add(d.fillId);
      const qty = new Decimal(d.qty);
      const price = new Decimal(d.price);
      const valued = valueFill({ side: d.side, qty, price, fee: new Decimal(d.fee), feeAsset: d.feeAsset, time: 0 }, instrumentAssets(d.symbol, quoteAsset));
      yield {
        time: isoTime(fillTime(d, e.metadata)),
        recorded_at: utc(e.metadata.at),
        cycle_id: e.metadata.cycleId,
        client_order_id: d.clientOrderId,
        venue_order_id: d.venueOrderId,
        fill_id: d.fillId,
        symbol: d.symbol,
        side: d.side,
        qty: d.qty,
        price: d.price,
        notional: normalizeDecimal(qty.times(price)),
        fee: d.fee,
        fee_asset: d.feeAsset,
        fee_in_quote: valued.otherFee === null ? normalizeDecimal(valued.fill.fee) : null,
        liquidity: d.liquidity,
        position: e.globalPosition,
        event_id: e.eventId,
      };
    }
  },
};
