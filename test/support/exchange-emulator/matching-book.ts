import { Decimal } from 'decimal.js';
import type { Bar } from '../../../src/engine/bar.js';

/**
 * The emulator's venue, dialect-neutral: one market matched against a replayed price path, one
 * account's balances (free and locked), orders and trades. Both HTTP dialects (Binance, BTCTurk) are
 * views of this book. Tests inspect it directly: it is the venue's truth the engine's log is held to.
 */

export interface EmulatedMarket {
  /** Venue id, e.g. BTCUSDT. */
  id: string;
  base: string;
  quote: string;
  tickSize: Decimal;
  stepSize: Decimal;
  minQty: Decimal;
  minNotional: Decimal;
}

/**
 * Where fees are charged: 'quote' (from the quote asset), 'received' (from what the trade brings in:
 * base on a buy, quote on a sell; Binance's default), or another asset (Binance's BNB option) at
 * `perQuote` units of it per unit of quote.
 */
export type FeeAsset = { kind: 'quote' } | { kind: 'received' } | { kind: 'other'; asset: string; perQuote: Decimal };

export interface FeeSchedule {
  makerBps: Decimal;
  takerBps: Decimal;
  asset: FeeAsset;
}

/**
 * How a venue keeps client order ids unique: among open orders (Binance: "Duplicate order sent."
 * while an order with the id is open; reusable once it ended), among all orders, or not at all.
 */
export type ClientIdUniqueness = 'open-orders' | 'all-orders' | 'none';

export type EmuSide = 'BUY' | 'SELL';
export type EmuType = 'MARKET' | 'LIMIT';
export type EmuStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface EmuOrder {
  orderId: number;
  clientOrderId: string;
  side: EmuSide;
  type: EmuType;
  /** Base quantity asked. */
  qty: Decimal;
  price: Decimal | null;
  executed: Decimal;
  quoteFilled: Decimal;
  status: EmuStatus;
  time: number;
  updateTime: number;
  /** Hidden from every query before this time (an accepted order the venue does not show yet). */
  visibleFrom: number;
  /** Quote (buy) or base (sell) still locked for the unfilled part. */
  locked: Decimal;
}

export interface EmuTrade {
  id: number;
  orderId: number;
  clientOrderId: string;
  side: EmuSide;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  fee: Decimal;
  feeAsset: string;
  isMaker: boolean;
  time: number;
}

export interface PlaceRequest {
  clientOrderId: string;
  side: EmuSide;
  type: EmuType;
  qty: Decimal;
  price: Decimal | null;
  /** Hide the new order from queries for this long. */
  invisibleMs?: number;
}

export type PlaceResult =
  | { ok: true; order: EmuOrder; trades: EmuTrade[] }
  | { ok: false; reason: 'duplicate' | 'insufficient' | 'lot' | 'price' | 'notional' | 'unknown-type'; detail: string };

export interface BookOptions {
  market: EmulatedMarket;
  bars: readonly Bar[];
  /** Index of the bar that is the market "now" (its close is the price). */
  startIndex?: number;
  balances: Record<string, Decimal.Value>;
  fees: FeeSchedule;
  uniqueness: ClientIdUniqueness;
  now: () => number;
  /**
   * Live mode: the bars are re-timed so that bar `startIndex` opens at `startOpenTime`, and the market
   * moves on by itself as the clock passes each bar (for a live run against the emulator). Absent: the
   * CSV's own times, and the market moves only when a test calls advance().
   */
  followClock?: { startOpenTime: number; intervalMs: number };
  /**
   * Paced mode, for a test run of the engine against the emulator: the market moves on one bar every
   * `everyMs` of the clock from `since` (a fast replay). The bars are re-timed `intervalMs` apart so that
   * the last one opens at `lastOpenTime`: every bar is closed and recent by the clock.
   */
  paced?: { since: number; everyMs: number; lastOpenTime: number; intervalMs: number };
}

const BPS = new Decimal(10_000);

export class MatchingBook {
  readonly market: EmulatedMarket;
  private cursor: number;
  private readonly bars: readonly Bar[];
  private readonly free = new Map<string, Decimal>();
  private readonly orderList: EmuOrder[] = [];
  private readonly tradeList: EmuTrade[] = [];
  private nextOrderId = 1000;
  private nextTradeId = 5000;

  constructor(private readonly options: BookOptions) {
    this.market = options.market;
    this.cursor = options.startIndex ?? 0;
    if (options.bars.length === 0) throw new Error('the emulator needs at least one bar');
    const follow = options.followClock;
    const paced = options.paced;
    const last = options.bars.length - 1;
    this.bars = follow
      ? options.bars.map((b, i) => ({ ...b, time: follow.startOpenTime + (i - this.cursor) * follow.intervalMs }))
      : paced
        ? options.bars.map((b, i) => ({ ...b, time: paced.lastOpenTime - (last - i) * paced.intervalMs }))
        : options.bars;
    for (const [asset, amount] of Object.entries(options.balances)) this.free.set(asset, new Decimal(amount));
  }

  get now(): number {
    return this.options.now();
  }

  /** In live mode, moves the market on to the bar the clock is in. */
  sync(): void {
    const follow = this.options.followClock;
    const paced = this.options.paced;
    if (!follow && !paced) return;
    const start = this.options.startIndex ?? 0;
    const steps = follow ? Math.floor((this.now - follow.startOpenTime) / follow.intervalMs) : Math.floor((this.now - paced!.since) / paced!.everyMs);
    const due = Math.min(this.bars.length - 1, start + steps);
    if (due > this.cursor) this.advance(due - this.cursor);
  }

  /** The bar the market is in. */
  bar(): Bar {
    return this.bars[this.cursor]!;
  }

  /** Bars up to and including the current one. */
  barsSoFar(): readonly Bar[] {
    return this.bars.slice(0, this.cursor + 1);
  }

  price(): Decimal {
    return this.bar().close;
  }

  /** The market moves on by `n` bars: resting limit orders trade on each. */
  advance(n = 1): void {
    for (let i = 0; i < n && this.cursor < this.bars.length - 1; i++) {
      this.cursor++;
      const bar = this.bar();
      for (const o of this.openOrders()) {
        if (o.type !== 'LIMIT' || o.price === null) continue;
        const touched = o.side === 'BUY' ? bar.low.lte(o.price) : bar.high.gte(o.price);
        if (touched) this.execute(o, o.qty.sub(o.executed), o.price, true);
      }
    }
  }

  place(r: PlaceRequest): PlaceResult {
    const m = this.market;
    if (r.type !== 'MARKET' && r.type !== 'LIMIT') return { ok: false, reason: 'unknown-type', detail: `order type ${String(r.type)}` };
    if (this.isDuplicate(r.clientOrderId)) return { ok: false, reason: 'duplicate', detail: r.clientOrderId };
    if (r.qty.lt(m.minQty) || r.qty.lte(0) || !r.qty.div(m.stepSize).isInteger()) return { ok: false, reason: 'lot', detail: r.qty.toFixed() };
    if (r.type === 'LIMIT' && (r.price === null || r.price.lte(0) || !r.price.div(m.tickSize).isInteger())) {
      return { ok: false, reason: 'price', detail: String(r.price?.toFixed()) };
    }
    const refPrice = r.price ?? this.price();
    if (r.qty.mul(refPrice).lt(m.minNotional)) return { ok: false, reason: 'notional', detail: r.qty.mul(refPrice).toFixed() };
    const marketable = r.type === 'MARKET' || (r.side === 'BUY' ? r.price!.gte(this.price()) : r.price!.lte(this.price()));
    const lockPrice = r.type === 'LIMIT' ? r.price! : this.price();
    const toLock = r.side === 'BUY' ? r.qty.mul(lockPrice).mul(this.quoteFeeFactor()) : r.qty;
    const lockAsset = r.side === 'BUY' ? m.quote : m.base;
    if (this.balance(lockAsset).lt(toLock)) return { ok: false, reason: 'insufficient', detail: `${lockAsset} ${this.balance(lockAsset).toFixed()} < ${toLock.toFixed()}` };
    const now = this.now;
    const order: EmuOrder = {
      orderId: this.nextOrderId++,
      clientOrderId: r.clientOrderId,
      side: r.side,
      type: r.type,
      qty: r.qty,
      price: r.price,
      executed: new Decimal(0),
      quoteFilled: new Decimal(0),
      status: 'NEW',
      time: now,
      updateTime: now,
      visibleFrom: now + (r.invisibleMs ?? 0),
      locked: toLock,
    };
    this.adjust(lockAsset, toLock.neg());
    this.orderList.push(order);
    const before = this.tradeList.length;
    if (marketable) this.execute(order, r.qty, this.price(), false);
    return { ok: true, order, trades: this.tradeList.slice(before) };
  }

  /** Cancels an open order; the lock of its unfilled part is released. */
  cancel(order: EmuOrder): void {
    if (!isOpen(order)) return;
    this.release(order);
    order.status = 'CANCELED';
    order.updateTime = this.now;
  }

  /**
   * A fill reported after the cancel went through: the match happened before the cancel was processed.
   * The order stays CANCELED; its executed quantity grows.
   */
  lateFill(order: EmuOrder, qty: Decimal, price: Decimal): EmuTrade {
    const lockAsset = order.side === 'BUY' ? this.market.quote : this.market.base;
    const lock = order.side === 'BUY' ? qty.mul(price).mul(this.quoteFeeFactor()) : qty;
    this.adjust(lockAsset, lock.neg());
    order.locked = order.locked.add(lock);
    const status = order.status;
    this.execute(order, qty, price, true);
    this.release(order);
    order.status = status;
    return this.tradeList[this.tradeList.length - 1]!;
  }

  /** Test hook: fill `qty` of an open order now at `price` (default the order's limit, else the market). */
  fillNow(clientOrderId: string, qty: Decimal.Value, price?: Decimal.Value): EmuTrade {
    const o = this.openOrders().find((x) => x.clientOrderId === clientOrderId);
    if (!o) throw new Error(`no open order ${clientOrderId}`);
    const before = this.tradeList.length;
    this.execute(o, new Decimal(qty), price === undefined ? (o.price ?? this.price()) : new Decimal(price), true);
    if (this.tradeList.length === before) throw new Error(`could not fill ${clientOrderId}`);
    return this.tradeList[this.tradeList.length - 1]!;
  }

  visible(o: EmuOrder): boolean {
    return this.now >= o.visibleFrom;
  }

  orders(): readonly EmuOrder[] {
    return this.orderList;
  }

  openOrders(): EmuOrder[] {
    return this.orderList.filter(isOpen);
  }

  trades(): readonly EmuTrade[] {
    return this.tradeList;
  }

  ordersWithClientId(id: string): EmuOrder[] {
    return this.orderList.filter((o) => o.clientOrderId === id);
  }

  /** Free and locked per asset. */
  balances(): Record<string, { free: Decimal; locked: Decimal }> {
    const assets = new Set([...this.free.keys(), this.market.base, this.market.quote]);
    const out: Record<string, { free: Decimal; locked: Decimal }> = {};
    for (const a of [...assets].sort()) out[a] = { free: this.balance(a), locked: this.locked(a) };
    return out;
  }

  private isDuplicate(id: string): boolean {
    switch (this.options.uniqueness) {
      case 'none':
        return false;
      case 'open-orders':
        return this.openOrders().some((o) => o.clientOrderId === id);
      case 'all-orders':
        return this.orderList.some((o) => o.clientOrderId === id);
    }
  }

  /** Quote locked per unit of notional on a buy: room for a quote-asset fee. */
  private quoteFeeFactor(): Decimal {
    const f = this.options.fees;
    if (f.asset.kind !== 'quote') return new Decimal(1);
    return Decimal.max(f.makerBps, f.takerBps).div(BPS).add(1);
  }

  private execute(o: EmuOrder, wanted: Decimal, price: Decimal, isMaker: boolean): void {
    const qty = Decimal.min(wanted, o.qty.sub(o.executed));
    if (qty.lte(0)) return;
    const m = this.market;
    const notional = qty.mul(price);
    const f = this.options.fees;
    const rate = (isMaker ? f.makerBps : f.takerBps).div(BPS);
    let fee: Decimal;
    let feeAsset: string;
    if (f.asset.kind === 'other' && this.balance(f.asset.asset).gte(notional.mul(rate).mul(f.asset.perQuote))) {
      fee = notional.mul(rate).mul(f.asset.perQuote);
      feeAsset = f.asset.asset;
    } else if (f.asset.kind === 'received' && o.side === 'BUY') {
      fee = qty.mul(rate);
      feeAsset = m.base;
    } else {
      fee = notional.mul(rate);
      feeAsset = m.quote;
    }
    // Venues report fees to 8 decimals; the book charges exactly what it reports.
    fee = fee.toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
    // Release the lock of this part, then settle.
    const lockShare = o.side === 'BUY' ? Decimal.min(o.locked, o.price ? qty.mul(o.price).mul(this.quoteFeeFactor()) : notional.mul(this.quoteFeeFactor())) : qty;
    o.locked = o.locked.sub(lockShare);
    if (o.side === 'BUY') {
      this.adjust(m.quote, lockShare.sub(notional));
      this.adjust(m.base, qty);
    } else {
      this.adjust(m.base, lockShare.sub(qty));
      this.adjust(m.quote, notional);
    }
    this.adjust(feeAsset, fee.neg());
    o.executed = o.executed.add(qty);
    o.quoteFilled = o.quoteFilled.add(notional);
    o.updateTime = this.now;
    o.status = o.executed.eq(o.qty) ? 'FILLED' : 'PARTIALLY_FILLED';
    if (o.status === 'FILLED') this.release(o);
    this.tradeList.push({
      id: this.nextTradeId++,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      side: o.side,
      price,
      qty,
      quoteQty: notional,
      fee,
      feeAsset,
      isMaker,
      time: this.now,
    });
  }

  private release(o: EmuOrder): void {
    if (o.locked.lte(0)) return;
    this.adjust(o.side === 'BUY' ? this.market.quote : this.market.base, o.locked);
    o.locked = new Decimal(0);
  }

  private balance(asset: string): Decimal {
    return this.free.get(asset) ?? new Decimal(0);
  }

  private locked(asset: string): Decimal {
    return this.orderList
      .filter((o) => (o.side === 'BUY' ? this.market.quote : this.market.base) === asset)
      .reduce((s, o) => s.add(o.locked), new Decimal(0));
  }

  private adjust(asset: string, delta: Decimal): void {
    this.free.set(asset, this.balance(asset).add(delta));
  }
}

export function isOpen(o: EmuOrder): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}
