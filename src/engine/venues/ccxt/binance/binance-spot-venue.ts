import { z } from 'zod';
import type { Clock, OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../../ports.js';
import { Decimal } from '../../../values.js';
import type { MarketRules } from '../../market-rules.js';
import { offGridReason, wireDecimal } from '../../market-grid.js';
import { clientOrderIdProblem } from '../client-order-id.js';
import { type VenueSession, rejectedBeforeSending } from '../venue-session.js';
import { BINANCE_CODES, BinanceAccount, BinanceOrder, BinanceTrade, binanceErrorCode, binanceStatus } from './binance-answers.js';

export interface BinanceSpotVenueConfig {
  /** A session whose exchange has its markets loaded. */
  session: VenueSession;
  /** ccxt symbol, e.g. BTC/USDT; also the engine's symbol for orders and fills. */
  symbol: string;
  /** Binance's id of the market, e.g. BTCUSDT. */
  marketId: string;
  rules: MarketRules;
  clock: Clock;
  /**
   * Fills are reported from this time on (epoch ms), at least once per adapter instance: a restarted
   * adapter reports them all again and the engine dedupes by fill id. Absent: the account's whole
   * history of the market.
   */
  fillsSinceMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const TRADES_PAGE = 1000;

const OrderInfo = z.looseObject({ info: BinanceOrder }).transform((o) => o.info);
const OrderInfos = z.array(z.looseObject({ info: BinanceOrder })).transform((os) => os.map((o) => o.info));
const TradeInfos = z.array(z.looseObject({ info: BinanceTrade })).transform((ts) => ts.map((t) => t.info));
const BalanceInfo = z.looseObject({ info: BinanceAccount }).transform((b) => b.info);

/**
 * Binance spot through ccxt. Orders are known by client order id (newClientOrderId /
 * origClientOrderId); money is read from the raw strings of each answer. myTrades carry only the venue
 * order id, so the adapter keeps a venue id -> client id map (filled by every order it sees) and
 * resolves an unknown id with a lookup; a trade it cannot yet attribute is held back and tried again,
 * never dropped. Binance keeps a client order id unique among OPEN orders only: once an order ended,
 * the id may be reused, so a submit is never retried except after a 429/418 (nothing created).
 */
export class BinanceSpotVenue implements Venue {
  readonly name = 'binance';
  readonly #s: VenueSession;
  readonly #clientIdOf = new Map<string, string>();
  /** Next trade id to ask for, once the first trade is known. */
  #nextTradeId: number | null = null;
  /** Start of the next 24 h window to scan while no trade is known yet (Binance caps startTime..endTime at 24 h). */
  #windowStart: number | null;
  /** Trades whose order could not be attributed yet. */
  #held = new Map<number, BinanceTrade>();
  /** Base quantity of the fills this instance reported, by venue order id. */
  readonly #reportedQty = new Map<string, Decimal>();
  /** Trade ids this instance reported. */
  readonly #reportedIds = new Set<number>();
  /**
   * Orders the venue says are filled further than the fills this instance reported: their trades are
   * asked for by order id at the next poll. The trade cursor alone can pass a trade the venue listed
   * late (an order it did not show yet), and such a fill would never be reported.
   */
  readonly #behind = new Set<string>();

  constructor(private readonly config: BinanceSpotVenueConfig) {
    this.#s = config.session;
    this.#windowStart = config.fillsSinceMs ?? null;
  }

  async submit(order: OrderRequest): Promise<SubmitOutcome> {
    const problem = this.precheck(order);
    if (problem !== null) return rejectedBeforeSending(problem);
    const request: Record<string, string> = {
      symbol: this.config.marketId,
      side: order.side,
      type: order.orderType,
      quantity: wireDecimal(order.qty),
      newClientOrderId: order.clientOrderId,
      newOrderRespType: 'FULL',
    };
    if (order.orderType === 'LIMIT' && order.limitPrice !== null) {
      request['price'] = wireDecimal(order.limitPrice);
      request['timeInForce'] = 'GTC';
    }
    const a = await this.#s.ask((ex) => ex.privatePostOrder(request), (r) => r, BinanceOrder);
    if (!a.ok) return this.#s.submitOutcome(a.failure);
    this.#clientIdOf.set(a.value.orderId, a.value.clientOrderId);
    return { kind: 'accepted', venueOrderId: a.value.orderId };
  }

  async queryOrder(clientOrderId: string): Promise<OrderLookup> {
    const a = await this.#s.ask((ex) => ex.fetchOrder(undefined as unknown as string, this.config.symbol, { origClientOrderId: clientOrderId }), (r) => r, OrderInfo);
    if (a.ok) return { kind: 'found', order: this.view(a.value) };
    if (a.failure.kind === 'refused' && binanceErrorCode(a.failure.text) === BINANCE_CODES.NO_SUCH_ORDER) return { kind: 'not_found' };
    return { kind: 'unknown', detail: this.#s.accessError('order lookup', a.failure).message };
  }

  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    if (symbol !== undefined && symbol !== this.config.symbol) return [];
    const a = await this.#s.ask((ex) => ex.fetchOpenOrders(this.config.symbol), (r) => r, OrderInfos);
    if (!a.ok) throw this.#s.accessError('open orders', a.failure);
    return a.value.map((o) => this.view(o));
  }

  async pollFills(): Promise<VenueFill[]> {
    const fresh = await this.newTrades();
    for (const t of fresh) this.#held.set(t.id, t);
    for (const orderId of [...this.#behind]) {
      for (const t of await this.tradesPage(undefined, { orderId })) if (!this.#reportedIds.has(t.id)) this.#held.set(t.id, t);
      this.#behind.delete(orderId);
    }
    const out: VenueFill[] = [];
    for (const [id, t] of [...this.#held].sort((a, b) => a[0] - b[0])) {
      const clientOrderId = await this.attribute(t.orderId);
      if (clientOrderId === null) continue;
      this.#held.delete(id);
      if (this.#reportedIds.has(id)) continue;
      this.#reportedIds.add(id);
      this.#reportedQty.set(t.orderId, (this.#reportedQty.get(t.orderId) ?? new Decimal(0)).add(t.qty));
      out.push(this.fill(t, clientOrderId));
    }
    return out;
  }

  async cancel(clientOrderId: string): Promise<OrderLookup> {
    const a = await this.#s.ask(
      (ex) => ex.cancelOrder(undefined as unknown as string, this.config.symbol, { origClientOrderId: clientOrderId }),
      (r) => r,
      OrderInfo,
    );
    if (a.ok) return { kind: 'found', order: this.view(a.value) };
    // "Unknown order sent.": not open. It may have filled or ended meanwhile: say what it is now.
    if (a.failure.kind === 'refused' && binanceErrorCode(a.failure.text) === BINANCE_CODES.CANCEL_UNKNOWN) return this.queryOrder(clientOrderId);
    return { kind: 'unknown', detail: this.#s.accessError('cancel', a.failure).message };
  }

  async balances(): Promise<Record<string, Decimal>> {
    const a = await this.#s.ask((ex) => ex.fetchBalance(), (r) => r, BalanceInfo);
    if (!a.ok) throw this.#s.accessError('balances', a.failure);
    return Object.fromEntries(a.value.balances.map((b) => [b.asset, b.free]));
  }

  private precheck(order: OrderRequest): string | null {
    if (order.symbol !== this.config.symbol) return `this adapter trades ${this.config.symbol}, not ${order.symbol}`;
    return clientOrderIdProblem('binance', order.clientOrderId) ?? offGridReason(order, this.config.rules);
  }

  private view(o: BinanceOrder): VenueOrderView {
    const clientOrderId = o.origClientOrderId ?? o.clientOrderId;
    this.#clientIdOf.set(o.orderId, clientOrderId);
    const reported = this.#reportedQty.get(o.orderId);
    if (o.executedQty.gt(0) && (reported === undefined || o.executedQty.gt(reported))) this.#behind.add(o.orderId);
    return {
      clientOrderId,
      venueOrderId: o.orderId,
      symbol: this.config.symbol,
      side: o.side,
      qty: o.origQty,
      filledQty: o.executedQty,
      status: binanceStatus(o.status),
    };
  }

  private fill(t: BinanceTrade, clientOrderId: string): VenueFill {
    return {
      fillId: `binance-${this.config.marketId}-${t.id}`,
      clientOrderId,
      venueOrderId: t.orderId,
      symbol: this.config.symbol,
      side: t.isBuyer ? 'BUY' : 'SELL',
      qty: t.qty,
      price: t.price,
      fee: t.commission,
      feeAsset: t.commissionAsset,
      liquidity: t.isMaker ? 'MAKER' : 'TAKER',
      time: t.time,
    };
  }

  /** The client order id of a venue order id: from the map, else by looking the order up (null: not now). */
  private async attribute(venueOrderId: string): Promise<string | null> {
    const known = this.#clientIdOf.get(venueOrderId);
    if (known !== undefined) return known;
    const a = await this.#s.ask((ex) => ex.fetchOrder(venueOrderId, this.config.symbol), (r) => r, OrderInfo);
    if (!a.ok) return null;
    return this.view(a.value).clientOrderId;
  }

  /** Trades not asked for before by this instance, oldest first. Throws when the venue cannot answer. */
  private async newTrades(): Promise<BinanceTrade[]> {
    const out: BinanceTrade[] = [];
    if (this.#nextTradeId === null) {
      const first = await this.firstTrades();
      if (first.length === 0) return out;
      out.push(...first);
      this.#nextTradeId = first[first.length - 1]!.id + 1;
      if (first.length < TRADES_PAGE) return out;
    }
    for (;;) {
      const fromId = this.#nextTradeId!;
      const page = await this.tradesPage(undefined, { fromId: String(fromId) });
      out.push(...page);
      if (page.length > 0) this.#nextTradeId = page[page.length - 1]!.id + 1;
      if (page.length < TRADES_PAGE) return out;
    }
  }

  /** Before any trade is known: from the first trade ever (fromId 0), or from fillsSinceMs in 24 h windows. */
  private async firstTrades(): Promise<BinanceTrade[]> {
    if (this.#windowStart === null) return this.tradesPage(undefined, { fromId: '0' });
    const now = this.config.clock.now();
    for (let start: number = this.#windowStart; start <= now; start += DAY_MS) {
      const page = await this.tradesPage(start, { endTime: start + DAY_MS - 1 });
      if (page.length > 0) return page;
      // An empty window is final only once it lies wholly in the past.
      if (start + DAY_MS - 1 >= now) return [];
      this.#windowStart = start + DAY_MS;
    }
    return [];
  }

  private async tradesPage(since: number | undefined, params: Record<string, string | number>): Promise<BinanceTrade[]> {
    const a = await this.#s.ask((ex) => ex.fetchMyTrades(this.config.symbol, since, TRADES_PAGE, params), (r) => r, TradeInfos);
    if (!a.ok) throw this.#s.accessError('trades', a.failure);
    return [...a.value].sort((x, y) => x.id - y.id);
  }
}
