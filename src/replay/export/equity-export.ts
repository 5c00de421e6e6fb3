import { Decimal } from 'decimal.js';
import type { EventData } from '../../events/catalog.js';
import { normalizeDecimal } from '../../events/decimal-string.js';
import type { AnyStoredEvent } from '../../events/event-factory.js';
import { valueRecordedFill } from '../../projections/fill-valuation.js';
import { FLAT_BOOK, foldFill, type PositionBook } from '../../projections/position-book.js';
import { ExportNotPossibleError, utc, type ExportKind, type Row } from './export-kind.js';

/**
 * The account of a run, folded as the run's own state folds it (src/engine/decider/evolve.ts): cash from
 * RunStarted.initialCash, each fill (once per fill id) through the one fill fold with its fee valued in the
 * quote asset, ReserveAllocated moving cash into the reserve, marks from each bar's close. Equity is
 * cash + reserve + each position at its mark (at cost before its first mark), the backtest's equityOf().
 */
export class AccountFold {
  cash = new Decimal(0);
  reserve = new Decimal(0);
  private quoteAsset = 'QUOTE';
  private readonly positions = new Map<string, PositionBook>();
  private readonly marks = new Map<string, Decimal>();
  private readonly fillIds = new Set<string>();

  observe(e: AnyStoredEvent): void {
    switch (e.type) {
      case 'RunStarted':
        this.cash = new Decimal(e.data.initialCash);
        this.quoteAsset = e.data.quoteAsset;
        return;
      case 'MarketSnapshotRecorded':
        for (const b of e.data.bars) this.marks.set(b.symbol, new Decimal(b.close));
        return;
      case 'OrderFilled': {
        const d = e.data;
        if (this.fillIds.has(d.fillId)) return;
        this.fillIds.add(d.fillId);
        const valued = valueRecordedFill(d, e.metadata, this.quoteAsset);
        const step = foldFill(this.positions.get(d.symbol) ?? FLAT_BOOK, valued.fill);
        this.positions.set(d.symbol, step.book);
        this.cash = this.cash.plus(step.effect.cashFlow).minus(valued.fill.fee);
        return;
      }
      case 'ReserveAllocated': {
        const amount = new Decimal(e.data.amount);
        this.cash = this.cash.minus(amount);
        this.reserve = this.reserve.plus(amount);
        return;
      }
      default:
        return;
    }
  }

  positionsValue(): Decimal {
    let value = new Decimal(0);
    for (const [symbol, p] of this.positions) {
      if (p.qty.isZero()) continue;
      const mark = this.marks.get(symbol);
      value = value.plus(mark === undefined ? p.costBasis : p.qty.times(mark));
    }
    return value;
  }

  valuation(): Pick<Row, 'cash' | 'reserve' | 'positions_value' | 'equity'> {
    const positions = this.positionsValue();
    return {
      cash: normalizeDecimal(this.cash),
      reserve: normalizeDecimal(this.reserve),
      positions_value: normalizeDecimal(positions),
      equity: normalizeDecimal(this.cash.plus(this.reserve).plus(positions)),
    };
  }
}

type Bar = { time: string; cycleId: string | null };

export const equityExport: ExportKind = {
  name: 'equity',
  row: 'one bar the run saw (MarketSnapshotRecorded): the account at the end of that bar\'s cycle, marked at its close; the last row includes what the run did after its last bar (a backtest\'s end-of-data close-out), as the backtest\'s final equity does',
  columns: [
    { name: 'time', doc: 'the bar\'s open time (equity is marked at its close)' },
    { name: 'cycle_id', doc: 'the cycle that saw the bar' },
    { name: 'cash', doc: 'free cash in the quote asset, exact' },
    { name: 'reserve', doc: 'profit set aside by self-financing (never traded), exact' },
    { name: 'positions_value', doc: 'every position at its instrument\'s last close (at cost before any close), exact' },
    { name: 'equity', doc: 'cash + reserve + positions_value: the backtest\'s equity curve, exact' },
  ],
  async *rows(events) {
    const account = new AccountFold();
    let bar: Bar | null = null;
    let cycle: string | null = null;
    // The account as the bar's cycle left it, taken when the next cycle began (its fills come before its bar).
    let atCycleEnd: ReturnType<AccountFold['valuation']> | null = null;
    let bars = 0;
    for await (const e of events) {
      if (e.type === 'RunStarted' && e.data.eventsMode === 'decisions') {
        throw new ExportNotPossibleError(
          `run ${e.metadata.runId} was recorded with --events decisions: its bars are not in the log, so its equity per bar cannot be exported (trades, fills, orders and decisions can)`,
        );
      }
      const c = e.metadata.cycleId;
      if (c !== null && c !== cycle) {
        if (bar !== null) atCycleEnd = account.valuation();
        cycle = c;
      }
      if (e.type === 'MarketSnapshotRecorded') {
        if (bar !== null) yield { time: bar.time, cycle_id: bar.cycleId, ...(atCycleEnd ?? account.valuation()) };
        bar = { time: utc(barTime(e.data)), cycleId: c };
        atCycleEnd = null;
        bars++;
      }
      account.observe(e);
    }
    if (bar !== null) yield { time: bar.time, cycle_id: bar.cycleId, ...account.valuation() };
    if (bars === 0) throw new ExportNotPossibleError('the run recorded no bars (MarketSnapshotRecorded): there is no equity per bar to export');
  },
};

function barTime(d: EventData<'MarketSnapshotRecorded'>): string {
  return d.bars[0]!.openTime;
}
