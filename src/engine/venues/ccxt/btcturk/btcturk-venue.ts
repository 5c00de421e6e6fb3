import { z } from 'zod';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../../ports.js';
import { Decimal } from '../../../values.js';
import type { MarketRules } from '../../market-rules.js';
import { offGridReason, wireDecimal } from '../../market-grid.js';
import { clientOrderIdProblem } from '../client-order-id.js';
import { type VenueSession, rejectedBeforeSending } from '../venue-session.js';
import { BtcturkBalances, BtcturkCreated, BtcturkOrder, type BtcturkTrade, BtcturkTrades, btcturkStatus } from './btcturk-answers.js';

export interface BtcturkVenueConfig {
  /** A session whose exchange has its markets loaded. */
  session: VenueSession;
  /** ccxt symbol, e.g. BTC/USDT; also the engine's symbol for orders and fills. */
  symbol: string;
  /** BTCTurk's pair symbol, e.g. BTCUSDT. */
  pairSymbol: string;
  rules: MarketRules;
  /** Fills (and the order history searched by client id) from this time on, epoch ms. Absent: what the venue keeps. */
  fillsSinceMs?: number;
}

/** Orders asked of the history at once; a page this full may not be the whole history. */
const HISTORY_LIMIT = 1000;

const OrderInfos = z.array(z.looseObject({ info: BtcturkOrder })).transform((os) => os.map((o) => o.info));

type Search = { kind: 'found'; order: BtcturkOrder } | { kind: 'not_found' } | { kind: 'unknown'; detail: string };

/**
 * BTCTurk through ccxt. BTCTurk has no lookup by client order id (ccxt's has.fetchOrder is undefined):
 * an order is searched among open orders, then in the order history (entries carry orderClientId), and
 * is "not found" only when both answered completely. Orders are created with the raw endpoint because
 * ccxt sends the client id as `newClientOrderId` while BTCTurk reads `newOrderClientId`. Its trade list
 * carries only the venue order id and every market of the account: trades are filtered by
 * numerator/denominator and attributed through a venue id -> client id map (unknown ids by searching
 * the history). Fees are in the denominator; fee and tax are both charged.
 *
 * BTCTurk sizes a MARKET BUY in the quote asset; the engine sizes orders in the base asset, so market
 * buys are refused before sending (use a limit order). BTCTurk documents no uniqueness of client order
 * ids: a submit is never retried except after a 429 (nothing created).
 */
export class BtcturkVenue implements Venue {
  readonly name = 'btcturk';
  readonly #s: VenueSession;
  readonly #clientIdOf = new Map<string, string>();
  readonly #reported = new Set<string>();
  /** Base quantity of the fills this instance reported, by venue order id. */
  readonly #reportedQty = new Map<string, Decimal>();
  /**
   * An order the venue says is filled further than the fills reported: the trade list is read again
   * from the start of the adapter's window (reported ids are skipped), since the time cursor alone
   * can pass a trade the venue listed late (an order it did not show yet).
   */
  #behind = false;
  #tradesFrom: number | null;

  constructor(private readonly config: BtcturkVenueConfig) {
    this.#s = config.session;
    this.#tradesFrom = config.fillsSinceMs ?? null;
  }

  async submit(order: OrderRequest): Promise<SubmitOutcome> {
    const problem = this.precheck(order);
    if (problem !== null) return rejectedBeforeSending(problem);
    const request: Record<string, string> = {
      pairSymbol: this.config.pairSymbol,
      orderType: order.side === 'BUY' ? 'buy' : 'sell',
      orderMethod: order.orderType === 'LIMIT' ? 'limit' : 'market',
      quantity: wireDecimal(order.qty),
      newOrderClientId: order.clientOrderId,
    };
    if (order.orderType === 'LIMIT' && order.limitPrice !== null) request['price'] = wireDecimal(order.limitPrice);
    const a = await this.#s.ask((ex) => ex.privatePostOrder(request), (r) => r, BtcturkCreated);
    if (!a.ok) return this.#s.submitOutcome(a.failure);
    this.#clientIdOf.set(a.value.data.id, order.clientOrderId);
    return { kind: 'accepted', venueOrderId: a.value.data.id };
  }

  async queryOrder(clientOrderId: string): Promise<OrderLookup> {
    const r = await this.search((o) => o.orderClientId === clientOrderId);
    return r.kind === 'found' ? { kind: 'found', order: this.view(r.order) } : r;
  }

  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    if (symbol !== undefined && symbol !== this.config.symbol) return [];
    const a = await this.#s.ask((ex) => ex.fetchOpenOrders(this.config.symbol), (r) => r, OrderInfos);
    if (!a.ok) throw this.#s.accessError('open orders', a.failure);
    return a.value.map((o) => this.view(o));
  }

  async pollFills(): Promise<VenueFill[]> {
    if (this.#behind) this.#tradesFrom = this.config.fillsSinceMs ?? null;
    this.#behind = false;
    const params: Record<string, number> = this.#tradesFrom === null ? {} : { startDate: this.#tradesFrom };
    const a = await this.#s.ask((ex) => ex.privateGetUsersTransactionsTrade(params), (r) => r, BtcturkTrades);
    if (!a.ok) throw this.#s.accessError('trades', a.failure);
    const mine = a.value.data
      .filter((t) => `${t.numeratorSymbol}/${t.denominatorSymbol}` === `${this.config.rules.baseAsset}/${this.config.rules.quoteAsset}`)
      .filter((t) => !this.#reported.has(t.id))
      .sort((x, y) => x.timestamp - y.timestamp);
    const out: VenueFill[] = [];
    let heldFrom: number | null = null;
    for (const t of mine) {
      const clientOrderId = await this.attribute(t.orderId);
      if (clientOrderId === null) {
        heldFrom ??= t.timestamp;
        continue;
      }
      this.#reported.add(t.id);
      this.#reportedQty.set(t.orderId, (this.#reportedQty.get(t.orderId) ?? new Decimal(0)).add(t.amount.abs()));
      out.push(this.fill(t, clientOrderId));
    }
    // Ask from the oldest trade not yet reported next time (ids already reported are skipped).
    const newest = mine.length > 0 ? mine[mine.length - 1]!.timestamp : null;
    const next = heldFrom ?? newest;
    if (next !== null) this.#tradesFrom = next;
    return out;
  }

  async cancel(clientOrderId: string): Promise<OrderLookup> {
    const before = await this.search((o) => o.orderClientId === clientOrderId);
    if (before.kind !== 'found') return before;
    if (!isOpen(before.order.status)) return { kind: 'found', order: this.view(before.order) };
    const a = await this.#s.ask((ex) => ex.cancelOrder(before.order.id), (r) => r, z.unknown());
    if (!a.ok && a.failure.kind !== 'refused') return { kind: 'unknown', detail: this.#s.accessError('cancel', a.failure).message };
    // Canceled, or refused because it ended meanwhile: either way, say what it is now.
    return this.queryOrder(clientOrderId);
  }

  async balances(): Promise<Record<string, Decimal>> {
    const a = await this.#s.ask((ex) => ex.privateGetUsersBalances(), (r) => r, BtcturkBalances);
    if (!a.ok) throw this.#s.accessError('balances', a.failure);
    return Object.fromEntries(a.value.data.map((b) => [b.asset, b.free]));
  }

  private precheck(order: OrderRequest): string | null {
    if (order.symbol !== this.config.symbol) return `this adapter trades ${this.config.symbol}, not ${order.symbol}`;
    if (order.orderType === 'MARKET' && order.side === 'BUY') {
      return 'BTCTurk sizes a market buy in the quote asset and the engine sizes orders in the base asset: send a limit order';
    }
    return clientOrderIdProblem('btcturk', order.clientOrderId) ?? offGridReason(order, this.config.rules);
  }

  /** Open orders first, then the history; not_found only when both answered completely. */
  private async search(match: (o: BtcturkOrder) => boolean): Promise<Search> {
    const open = await this.#s.ask((ex) => ex.fetchOpenOrders(this.config.symbol), (r) => r, OrderInfos);
    if (!open.ok) return { kind: 'unknown', detail: this.#s.accessError('open orders', open.failure).message };
    const inOpen = open.value.find(match);
    if (inOpen) return { kind: 'found', order: inOpen };
    const history = await this.#s.ask((ex) => ex.fetchOrders(this.config.symbol, this.config.fillsSinceMs, HISTORY_LIMIT), (r) => r, OrderInfos);
    if (!history.ok) return { kind: 'unknown', detail: this.#s.accessError('order history', history.failure).message };
    for (const o of history.value) this.remember(o);
    const inHistory = history.value.find(match);
    if (inHistory) return { kind: 'found', order: inHistory };
    if (history.value.length >= HISTORY_LIMIT) return { kind: 'unknown', detail: `order history answered a full page of ${HISTORY_LIMIT}: it may go further back` };
    return { kind: 'not_found' };
  }

  private remember(o: BtcturkOrder): void {
    if (o.orderClientId) this.#clientIdOf.set(o.id, o.orderClientId);
  }

  private view(o: BtcturkOrder): VenueOrderView {
    this.remember(o);
    const filled = o.quantity.abs().sub(o.leftAmount.abs());
    if (filled.gt(0) && filled.gt(this.#reportedQty.get(o.id) ?? 0)) this.#behind = true;
    return {
      clientOrderId: o.orderClientId ?? '',
      venueOrderId: o.id,
      symbol: this.config.symbol,
      side: o.type,
      qty: o.quantity.abs(),
      filledQty: o.quantity.abs().sub(o.leftAmount.abs()),
      status: btcturkStatus(o.status),
    };
  }

  private fill(t: BtcturkTrade, clientOrderId: string): VenueFill {
    return {
      fillId: `btcturk-${t.id}`,
      clientOrderId,
      venueOrderId: t.orderId,
      symbol: this.config.symbol,
      side: t.orderType,
      qty: t.amount.abs(),
      price: t.price,
      fee: t.fee.abs().add(t.tax?.abs() ?? new Decimal(0)),
      feeAsset: t.denominatorSymbol,
      liquidity: 'UNKNOWN',
      time: t.timestamp,
    };
  }

  private async attribute(venueOrderId: string): Promise<string | null> {
    const known = this.#clientIdOf.get(venueOrderId);
    if (known !== undefined) return known;
    const r = await this.search((o) => o.id === venueOrderId);
    return r.kind === 'found' ? (r.order.orderClientId ?? null) : null;
  }
}

function isOpen(status: string): boolean {
  return status === 'Untouched' || status === 'Partial';
}
