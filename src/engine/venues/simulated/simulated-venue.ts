import { Decimal, floorToStep } from '../../values.js';
import type { Bar } from '../../bar.js';
import type { OrderLookup, OrderRequest, Random, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../ports.js';
import { type SimBookState, type SimOrder, isOpen, viewOf } from './book.js';
import { type FillPlan, type FillRules, type FillTiming, affordableQty, feeFor, planFill } from './fill-model.js';

export interface SimulatedVenueConfig {
  name?: string;
  /** The first instrument (and its base asset); `more` lists the others a multi-instrument run trades. */
  symbol: string;
  baseAsset: string;
  more?: ReadonlyArray<{ symbol: string; baseAsset: string }>;
  quoteAsset: string;
  initialBalances: Record<string, Decimal>;
  timing: FillTiming;
  rules: FillRules;
  /** Bar length in ms: a close-timed fill happens at bar time + interval. 0 when unknown. */
  intervalMs: number;
  random: Random;
  /** A paper venue restored from its state file (see ./venue-state.ts); absent: a fresh venue. */
  restore?: SimVenueState;
}

/** Everything the venue knows, as plain data: what a paper venue persists between engine restarts. */
export interface SimVenueState {
  book: SimBookState;
  lastBar: Bar | null;
}

/**
 * A venue that matches orders against bars it is shown (onBar). Backtests show it each bar before
 * the cycle runs; a live paper run shows it a price walk. Spot semantics: no shorting, no spending
 * more than the balance (a fill is cut to what the account can pay; the rest of the order is canceled).
 */
export class SimulatedVenue implements Venue {
  readonly name: string;
  private readonly book: SimBookState;
  /** The last bar shown of each instrument. */
  private readonly lastBars = new Map<string, Bar>();
  /** Instrument -> its base asset. */
  private readonly baseAssets: ReadonlyMap<string, string>;
  private timing: FillTiming;
  private closingOut = false;

  constructor(private readonly config: SimulatedVenueConfig) {
    this.name = config.name ?? 'sim';
    this.timing = config.timing;
    this.book = config.restore?.book ?? {
      orders: new Map(),
      open: [],
      balances: new Map(Object.entries(config.initialBalances)),
      outbox: [],
      nextVenueOrderSeq: 1,
    };
    if (config.restore?.lastBar) this.lastBars.set(config.symbol, config.restore.lastBar);
    this.baseAssets = new Map([[config.symbol, config.baseAsset], ...(config.more ?? []).map((x) => [x.symbol, x.baseAsset] as const)]);
  }

  /** The live state (not a copy): serialise it before the venue is used again. */
  exportState(): SimVenueState {
    return { book: this.book, lastBar: this.lastBars.get(this.config.symbol) ?? null };
  }

  /** The market moved on by one bar of an instrument (the first by default): its resting orders trade against it. */
  onBar(bar: Bar, symbol: string = this.config.symbol): void {
    this.lastBars.set(symbol, bar);
    if (this.book.open.length === 0) return;
    const basis = this.timing === 'next-open' ? 'open' : 'close';
    for (const id of [...this.book.open]) {
      const order = this.book.orders.get(id)!;
      if (order.symbol !== symbol) continue;
      if (order.placedAfterBarTime !== null && bar.time <= order.placedAfterBarTime) continue;
      this.tryFill(order, bar, basis, false);
    }
  }

  /**
   * No more bars: from now on market orders fill at the last close, whole (no participation cap), so
   * a run can close its position at the end. Resting orders stay until canceled.
   */
  endOfData(): void {
    this.closingOut = true;
  }

  async submit(request: OrderRequest): Promise<SubmitOutcome> {
    const existing = this.book.orders.get(request.clientOrderId);
    if (existing) return { kind: 'rejected', reasonCode: 'VENUE_DUPLICATE_ORDER', rawReason: `duplicate clientOrderId ${request.clientOrderId}` };
    const problem = this.validate(request);
    if (problem) return { kind: 'rejected', reasonCode: 'VENUE_INVALID_ORDER', rawReason: problem };
    const order: SimOrder = {
      clientOrderId: request.clientOrderId,
      venueOrderId: `sim-${this.book.nextVenueOrderSeq++}`,
      symbol: request.symbol,
      side: request.side,
      orderType: request.orderType,
      qty: request.qty,
      limitPrice: request.limitPrice,
      filled: new Decimal(0),
      status: 'OPEN',
      placedAfterBarTime: this.lastBars.get(request.symbol)?.time ?? null,
      fillCount: 0,
      endReason: null,
    };
    this.book.orders.set(order.clientOrderId, order);
    this.book.open.push(order.clientOrderId);
    const lastBar = this.lastBars.get(request.symbol);
    if (lastBar && (this.timing === 'close' || this.closingOut)) {
      // Placed at the close of the bar it was decided on: it can trade on that closing print.
      this.tryFill(order, lastBar, 'close', this.closingOut);
    }
    return { kind: 'accepted', venueOrderId: order.venueOrderId };
  }

  async queryOrder(clientOrderId: string): Promise<OrderLookup> {
    const order = this.book.orders.get(clientOrderId);
    if (!order) return { kind: 'not_found' };
    return { kind: 'found', order: viewOf(order) };
  }

  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    return this.book.open
      .map((id) => this.book.orders.get(id)!)
      .filter((o) => symbol === undefined || o.symbol === symbol)
      .map(viewOf);
  }

  pollFills(): VenueFill[] {
    if (this.book.outbox.length === 0) return [];
    const fills = this.book.outbox;
    this.book.outbox = [];
    return fills;
  }

  async cancel(clientOrderId: string): Promise<OrderLookup> {
    const order = this.book.orders.get(clientOrderId);
    if (!order) return { kind: 'not_found' };
    if (isOpen(order.status)) this.close(order, 'CANCELED', 'canceled by client');
    return { kind: 'found', order: viewOf(order) };
  }

  async balances(): Promise<Record<string, Decimal>> {
    return Object.fromEntries(this.book.balances);
  }

  private validate(r: OrderRequest): string | null {
    if (!this.baseAssets.has(r.symbol)) return `unknown symbol ${r.symbol}`;
    if (r.qty.lte(0)) return 'quantity must be positive';
    if (!floorToStep(r.qty, this.config.rules.qtyStep).eq(r.qty)) return `quantity ${r.qty.toFixed()} is not a multiple of the step ${this.config.rules.qtyStep.toFixed()}`;
    if (r.orderType === 'LIMIT' && (r.limitPrice === null || r.limitPrice.lte(0))) return 'limit order needs a positive limit price';
    return null;
  }

  private tryFill(order: SimOrder, bar: Bar, basis: 'open' | 'close', ignoreCap: boolean): void {
    const remaining = order.qty.sub(order.filled);
    const plan = planFill({ side: order.side, orderType: order.orderType, limitPrice: order.limitPrice, remaining }, bar, basis, this.config.rules, ignoreCap);
    if (!plan) return;
    const qty = this.fundedQty(order, plan);
    if (qty.lte(0)) {
      this.close(order, 'CANCELED', 'insufficient balance');
      return;
    }
    this.execute(order, { ...plan, qty }, basis === 'open' ? bar.time : bar.time + this.config.intervalMs);
    if (order.filled.eq(order.qty)) this.close(order, 'FILLED', null);
    else if (qty.lt(plan.qty)) this.close(order, 'CANCELED', 'insufficient balance');
  }

  /** The plan's quantity cut to what the account holds (spot: no borrowing). */
  private fundedQty(order: SimOrder, plan: FillPlan): Decimal {
    const { quoteAsset, rules } = this.config;
    const baseAsset = this.baseAssets.get(order.symbol)!;
    if (order.side === 'SELL') return Decimal.min(plan.qty, floorToStep(this.balance(baseAsset), rules.qtyStep));
    return Decimal.min(plan.qty, affordableQty(this.balance(quoteAsset), plan.price, rules));
  }

  private execute(order: SimOrder, plan: FillPlan, time: number): void {
    const { quoteAsset, rules } = this.config;
    const baseAsset = this.baseAssets.get(order.symbol)!;
    const fee = feeFor(plan.qty, plan.price, rules.feeBps);
    const notional = plan.qty.mul(plan.price);
    const buy = order.side === 'BUY';
    this.adjust(baseAsset, buy ? plan.qty : plan.qty.neg());
    this.adjust(quoteAsset, (buy ? notional.neg() : notional).sub(fee));
    order.filled = order.filled.add(plan.qty);
    order.fillCount += 1;
    order.status = 'PARTIALLY_FILLED';
    this.book.outbox.push({
      fillId: `${order.venueOrderId}-f${order.fillCount}`,
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      symbol: order.symbol,
      side: order.side,
      qty: plan.qty,
      price: plan.price,
      fee,
      feeAsset: 'QUOTE',
      liquidity: plan.liquidity,
      time,
    });
  }

  private close(order: SimOrder, status: 'FILLED' | 'CANCELED', reason: string | null): void {
    order.status = status;
    order.endReason = reason;
    this.book.open = this.book.open.filter((id) => id !== order.clientOrderId);
  }

  private balance(asset: string): Decimal {
    return this.book.balances.get(asset) ?? new Decimal(0);
  }

  private adjust(asset: string, delta: Decimal): void {
    this.book.balances.set(asset, this.balance(asset).add(delta));
  }
}
