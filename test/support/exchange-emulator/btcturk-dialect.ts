import { createHmac, timingSafeEqual } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { type Dialect, type EmuRequest, type EmuResponse, type Route, type RouteContext, json } from './http-types.js';
import { type EmuOrder, type MatchingBook, isOpen } from './matching-book.js';

/**
 * BTCTurk REST as ccxt 4.5 calls it: public /api/v2, private /api/v1, the chart API /v1/klines/history
 * (TradingView arrays of JSON numbers). Answers are {"success","message","code","data"}; refusals are
 * HTTP 400 with the documented message words (BALANCE_NOT_ENOUGH, FAILED_MIN_TOTAL_AMOUNT, ...).
 * Private requests carry X-PCK (key), X-Stamp (ms) and X-Signature = base64(HMAC-SHA256 of key+stamp
 * under the base64-decoded secret). A MARKET BUY's quantity is in the quote asset.
 */
export interface BtcturkCredentials {
  apiKey: string;
  /** Base64, as BTCTurk issues it. */
  secret: string;
}

function ok(data: unknown): EmuResponse {
  return json(200, { data, success: true, message: 'SUCCESS', code: 0 });
}

function fail(status: number, message: string, code: number): EmuResponse {
  return json(status, { data: null, success: false, message, code });
}

const RESOLUTIONS: Record<string, number> = { '1': 60_000, '15': 900_000, '30': 1_800_000, '60': 3_600_000, '240': 14_400_000, '1 d': 86_400_000 };

export class BtcturkDialect implements Dialect {
  readonly name = 'btcturk';

  constructor(
    private readonly credentials: BtcturkCredentials,
    private readonly intervalMs: number,
    private readonly scales: { numerator: number; denominator: number },
  ) {}

  route(method: string, path: string): Route | null {
    const none = () => null;
    switch (`${method} ${path}`) {
      case 'GET /api/v2/server/exchangeinfo':
        return { endpoint: 'exchangeInfo', signed: false, clientOrderId: none, handle: (_r, c) => this.exchangeInfo(c.book) };
      case 'GET /v1/klines/history':
        return { endpoint: 'klines', signed: false, clientOrderId: none, handle: (r, c) => this.klines(r, c.book) };
      case 'GET /api/v1/users/balances':
        return { endpoint: 'balances', signed: true, clientOrderId: none, handle: (_r, c) => this.balances(c.book) };
      case 'POST /api/v1/order':
        return { endpoint: 'createOrder', signed: true, clientOrderId: (r) => bodyOf(r)['newOrderClientId'] ?? null, handle: (r, c) => this.create(r, c) };
      case 'DELETE /api/v1/order':
        return { endpoint: 'cancelOrder', signed: true, clientOrderId: none, handle: (r, c) => this.cancel(r, c) };
      case 'GET /api/v1/openOrders':
        return { endpoint: 'openOrders', signed: true, clientOrderId: none, handle: (r, c) => this.openOrders(r, c.book) };
      case 'GET /api/v1/allOrders':
        return { endpoint: 'allOrders', signed: true, clientOrderId: none, handle: (r, c) => this.allOrders(r, c.book) };
      case 'GET /api/v1/users/transactions/trade':
        return { endpoint: 'trades', signed: true, clientOrderId: none, handle: (r, c) => this.trades(r, c.book) };
      default:
        return null;
    }
  }

  authenticate(req: EmuRequest, now: number): EmuResponse | null {
    const key = req.headers['x-pck'];
    const stamp = req.headers['x-stamp'];
    const signature = req.headers['x-signature'];
    if (typeof key !== 'string' || typeof stamp !== 'string' || typeof signature !== 'string') return fail(401, 'Unauthorized', 401);
    if (key !== this.credentials.apiKey) return fail(401, 'Unauthorized', 401);
    const expected = createHmac('sha256', Buffer.from(this.credentials.secret, 'base64')).update(`${key}${stamp}`).digest('base64');
    if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return fail(401, 'Unauthorized', 401);
    if (Math.abs(now - Number(stamp)) > 60_000) return fail(401, 'Unauthorized: nonce out of range', 401);
    return null;
  }

  rateLimited(_status: 429 | 418, retryAfterSec: number): EmuResponse {
    return { ...fail(429, 'TOO_MANY_REQUESTS', 429), headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSec) } };
  }

  serverError(status: number): EmuResponse {
    return fail(status, 'Internal Server Error', status);
  }

  notFound(): EmuResponse {
    return { status: 404, body: '', headers: { 'content-type': 'text/plain' } };
  }

  private exchangeInfo(book: MatchingBook): EmuResponse {
    const m = book.market;
    return ok({
      timeZone: 'UTC',
      serverTime: book.now,
      symbols: [
        {
          id: 1,
          name: m.id,
          nameNormalized: `${m.base}_${m.quote}`,
          status: 'TRADING',
          numerator: m.base,
          denominator: m.quote,
          numeratorScale: this.scales.numerator,
          denominatorScale: this.scales.denominator,
          hasFraction: false,
          filters: [
            {
              filterType: 'PRICE_FILTER',
              minPrice: m.tickSize.toFixed(),
              maxPrice: '10000000',
              tickSize: m.tickSize.toFixed(),
              minExchangeValue: m.minNotional.toFixed(),
              minAmount: m.minQty.gt(0) ? m.minQty.toFixed() : null,
              maxAmount: null,
            },
          ],
          orderMethods: ['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT'],
          displayFormat: '#,##0.00',
          commissionFromNumerator: false,
          order: 1000,
          priceRounding: false,
          isNew: false,
          marketPriceWarningThresholdPercentage: 0.25,
          maximumOrderAmount: null,
          maximumLimitOrderPrice: 10000000,
          minimumLimitOrderPrice: 0.01,
        },
      ],
      currencies: [],
    });
  }

  private klines(r: EmuRequest, book: MatchingBook): EmuResponse {
    if (r.query.get('symbol') !== book.market.id) return { status: 200, body: '{"s":"no_data"}' };
    const ms = RESOLUTIONS[r.query.get('resolution') ?? ''];
    if (ms !== this.intervalMs) return { status: 200, body: '{"s":"no_data"}' };
    const from = Number(r.query.get('from') ?? 0) * 1000;
    const to = Number(r.query.get('to') ?? Number.MAX_SAFE_INTEGER / 1000) * 1000;
    const bars = book.barsSoFar().filter((b) => b.time >= from && b.time <= to);
    // JSON numbers written from the decimal text, as the chart API writes them.
    const arr = (f: (b: (typeof bars)[number]) => string) => `[${bars.map(f).join(',')}]`;
    const body = `{"s":"ok","t":${arr((b) => String(b.time / 1000))},"h":${arr((b) => b.high.toFixed())},"o":${arr((b) => b.open.toFixed())},"l":${arr((b) => b.low.toFixed())},"c":${arr((b) => b.close.toFixed())},"v":${arr((b) => b.volume.toFixed())}}`;
    return { status: 200, body, headers: { 'content-type': 'application/json' } };
  }

  private balances(book: MatchingBook): EmuResponse {
    return ok(
      Object.entries(book.balances()).map(([asset, b]) => ({
        asset,
        assetname: asset,
        balance: b.free.add(b.locked).toFixed(),
        locked: b.locked.toFixed(),
        free: b.free.toFixed(),
        orderFund: b.locked.toFixed(),
        requestFund: '0',
        precision: 8,
      })),
    );
  }

  private create(r: EmuRequest, c: RouteContext): EmuResponse {
    const p = bodyOf(r);
    if (p['pairSymbol'] !== c.book.market.id) return fail(400, 'FAILED_ORDER_PARAMETER', 1000);
    const side = p['orderType'] === 'buy' ? 'BUY' : p['orderType'] === 'sell' ? 'SELL' : null;
    const type = p['orderMethod'] === 'limit' ? 'LIMIT' : p['orderMethod'] === 'market' ? 'MARKET' : null;
    const qtyText = p['quantity'];
    if (side === null || type === null || qtyText === undefined || !/^\d+(\.\d+)?$/.test(qtyText)) return fail(400, 'FAILED_ORDER_PARAMETER', 1000);
    let qty = new Decimal(qtyText);
    if (type === 'MARKET' && side === 'BUY') {
      // A market buy spends this much of the quote asset.
      qty = qty.div(c.book.price()).div(c.book.market.stepSize).floor().mul(c.book.market.stepSize);
    }
    const priceText = p['price'];
    if (type === 'LIMIT' && (priceText === undefined || !/^\d+(\.\d+)?$/.test(priceText))) return fail(400, 'FAILED_ORDER_PARAMETER', 1000);
    const clientOrderId = p['newOrderClientId'] ?? cryptoLikeId(c.book.now);
    const invisible = c.faults.find((f) => f.kind === 'invisible');
    const placed = c.book.place({
      clientOrderId,
      side,
      type,
      qty,
      price: type === 'LIMIT' ? new Decimal(priceText!) : null,
      ...(invisible?.kind === 'invisible' ? { invisibleMs: invisible.ms } : {}),
    });
    if (!placed.ok) {
      switch (placed.reason) {
        case 'insufficient':
          return fail(400, 'BALANCE_NOT_ENOUGH', 1055);
        case 'notional':
          return fail(400, 'FAILED_MIN_TOTAL_AMOUNT', 1126);
        case 'duplicate':
          return fail(400, 'DUPLICATE_CLIENT_ORDER_ID', 1000);
        default:
          return fail(400, 'FAILED_ORDER_PARAMETER', 1000);
      }
    }
    const o = placed.order;
    return ok({
      id: o.orderId,
      datetime: o.time,
      type: side === 'BUY' ? 'buy' : 'sell',
      method: type === 'LIMIT' ? 'limit' : 'market',
      price: o.price ? o.price.toFixed() : '0',
      stopPrice: null,
      quantity: o.qty.toFixed(),
      pairSymbol: c.book.market.id,
      pairSymbolNormalized: `${c.book.market.base}_${c.book.market.quote}`,
      newOrderClientId: o.clientOrderId,
    });
  }

  private cancel(r: EmuRequest, c: RouteContext): EmuResponse {
    const id = r.query.get('id');
    const o = c.book.orders().find((x) => String(x.orderId) === id && c.book.visible(x));
    if (!o || !isOpen(o)) return fail(400, 'FAILED_CANCEL_ORDER', 1122);
    c.book.cancel(o);
    if (c.faults.some((f) => f.kind === 'fill-after-cancel')) {
      const rest = o.qty.sub(o.executed);
      const half = rest.div(2).div(c.book.market.stepSize).floor().mul(c.book.market.stepSize);
      c.book.lateFill(o, half.gt(0) ? half : rest, o.price ?? c.book.price());
    }
    return json(200, { success: true, message: 'SUCCESS', code: 0 });
  }

  private openOrders(r: EmuRequest, book: MatchingBook): EmuResponse {
    const pair = r.query.get('pairSymbol');
    const open = book.openOrders().filter((o) => book.visible(o) && (pair === null || pair === book.market.id));
    return ok({ asks: open.filter((o) => o.side === 'SELL').map((o) => this.orderBody(book, o)), bids: open.filter((o) => o.side === 'BUY').map((o) => this.orderBody(book, o)) });
  }

  private allOrders(r: EmuRequest, book: MatchingBook): EmuResponse {
    if (r.query.get('pairSymbol') !== book.market.id) return fail(400, 'FAILED_ORDER_PARAMETER', 1000);
    const last = Number(r.query.get('last') ?? r.query.get('limit') ?? 100);
    const startSec = r.query.get('startTime');
    const orders = book
      .orders()
      .filter((o) => book.visible(o) && (startSec === null || o.time >= Number(startSec) * 1000))
      .slice(-last)
      .reverse();
    return ok(orders.map((o) => this.orderBody(book, o)));
  }

  private trades(r: EmuRequest, book: MatchingBook): EmuResponse {
    const start = r.query.get('startDate');
    const end = r.query.get('endDate');
    const visibleOrders = new Set(book.orders().filter((o) => book.visible(o)).map((o) => o.orderId));
    const trades = book
      .trades()
      .filter((t) => visibleOrders.has(t.orderId) && (start === null || t.time >= Number(start)) && (end === null || t.time <= Number(end)));
    return ok(
      trades.map((t) => ({
        price: t.price.toFixed(),
        numeratorSymbol: book.market.base,
        denominatorSymbol: book.market.quote,
        orderType: t.side === 'BUY' ? 'buy' : 'sell',
        orderId: String(t.orderId),
        id: String(t.id),
        timestamp: String(t.time),
        amount: (t.side === 'SELL' ? t.qty.neg() : t.qty).toFixed(),
        fee: t.fee.neg().toFixed(),
        tax: '0',
      })),
    );
  }

  private orderBody(book: MatchingBook, o: EmuOrder) {
    const status = o.status === 'NEW' ? 'Untouched' : o.status === 'PARTIALLY_FILLED' ? 'Partial' : o.status === 'FILLED' ? 'Closed' : 'Canceled';
    return {
      id: o.orderId,
      price: o.price ? o.price.toFixed() : '0',
      amount: o.qty.toFixed(),
      quantity: o.qty.toFixed(),
      stopPrice: '0',
      pairSymbol: book.market.id,
      pairSymbolNormalized: `${book.market.base}_${book.market.quote}`,
      type: o.side === 'BUY' ? 'buy' : 'sell',
      method: o.type === 'LIMIT' ? 'limit' : 'market',
      orderClientId: o.clientOrderId,
      time: o.time,
      updateTime: o.updateTime,
      status,
      leftAmount: o.qty.sub(o.executed).toFixed(),
    };
  }
}

function bodyOf(r: EmuRequest): Record<string, string> {
  try {
    const v = JSON.parse(r.body) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  } catch {
    return {};
  }
}

function cryptoLikeId(now: number): string {
  return `00000000-0000-4000-8000-${String(now).padStart(12, '0').slice(-12)}`;
}
