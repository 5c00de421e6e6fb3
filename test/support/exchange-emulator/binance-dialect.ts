import { createHmac, timingSafeEqual } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { type Dialect, type EmuRequest, type EmuResponse, type Route, type RouteContext, formParams, json } from './http-types.js';
import { type EmuOrder, type EmuTrade, type MatchingBook, isOpen } from './matching-book.js';

/**
 * Binance spot REST as ccxt 4.5 calls it (paths under /api/v3), with Binance's error bodies and
 * statuses: 400 {"code":-2013,"msg":"Order does not exist."}, 401 -2015, 429/418 -1003 with
 * Retry-After, 503 -1007. Signed requests carry X-MBX-APIKEY and an HMAC-SHA256 of the query string
 * plus body under `signature`; timestamps outside recvWindow are refused with -1021.
 */
export interface BinanceCredentials {
  apiKey: string;
  secret: string;
}

const P8 = (d: Decimal) => d.toFixed(8);
const ZERO8 = '0.00000000';

function err(status: number, code: number, msg: string): EmuResponse {
  return json(status, { code, msg });
}

export class BinanceDialect implements Dialect {
  readonly name = 'binance';
  private cancelSeq = 1;

  constructor(
    private readonly credentials: BinanceCredentials,
    private readonly intervalText: string,
    private readonly intervalMs: number,
  ) {}

  route(method: string, path: string): Route | null {
    const key = `${method} ${path}`;
    const clientId = (name: string) => (r: EmuRequest) => formParams(r).get(name);
    const none = () => null;
    switch (key) {
      case 'GET /api/v3/exchangeInfo':
        return { endpoint: 'exchangeInfo', signed: false, clientOrderId: none, handle: (_r, c) => this.exchangeInfo(c.book) };
      case 'GET /api/v3/time':
        return { endpoint: 'time', signed: false, clientOrderId: none, handle: (_r, c) => json(200, { serverTime: c.book.now }) };
      case 'GET /api/v3/klines':
        return { endpoint: 'klines', signed: false, clientOrderId: none, handle: (r, c) => this.klines(r, c.book) };
      case 'GET /api/v3/account':
        return { endpoint: 'balances', signed: true, clientOrderId: none, handle: (_r, c) => this.account(c.book) };
      case 'POST /api/v3/order':
        return { endpoint: 'createOrder', signed: true, clientOrderId: clientId('newClientOrderId'), handle: (r, c) => this.create(r, c) };
      case 'GET /api/v3/order':
        return { endpoint: 'queryOrder', signed: true, clientOrderId: clientId('origClientOrderId'), handle: (r, c) => this.query(r, c.book) };
      case 'DELETE /api/v3/order':
        return { endpoint: 'cancelOrder', signed: true, clientOrderId: clientId('origClientOrderId'), handle: (r, c) => this.cancel(r, c) };
      case 'GET /api/v3/openOrders':
        return { endpoint: 'openOrders', signed: true, clientOrderId: none, handle: (r, c) => this.openOrders(r, c.book) };
      case 'GET /api/v3/allOrders':
        return { endpoint: 'allOrders', signed: true, clientOrderId: none, handle: (r, c) => this.allOrders(r, c.book) };
      case 'GET /api/v3/myTrades':
        return { endpoint: 'trades', signed: true, clientOrderId: none, handle: (r, c) => this.myTrades(r, c.book) };
      default:
        return null;
    }
  }

  authenticate(req: EmuRequest, now: number): EmuResponse | null {
    const key = req.headers['x-mbx-apikey'];
    if (typeof key !== 'string' || key === '') return err(401, -2014, 'API-key format invalid.');
    if (key !== this.credentials.apiKey) return err(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    const total = `${stripSignature(req.rawQuery)}${stripSignature(req.body)}`;
    const given = formParams(req).get('signature') ?? '';
    const expected = createHmac('sha256', this.credentials.secret).update(total).digest('hex');
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      return err(400, -1022, 'Signature for this request is not valid.');
    }
    const params = formParams(req);
    const timestamp = Number(params.get('timestamp'));
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    if (!Number.isFinite(timestamp) || timestamp > now + 1000 || now - timestamp > recvWindow) {
      return err(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    }
    return null;
  }

  rateLimited(status: 429 | 418, retryAfterSec: number): EmuResponse {
    const msg =
      status === 418
        ? `Way too many requests; IP(127.0.0.1) banned until ${Date.now() + retryAfterSec * 1000}. Please use the websocket for live updates to avoid bans.`
        : 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.';
    return { ...err(status, -1003, msg), headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSec) } };
  }

  serverError(status: number): EmuResponse {
    return err(status, -1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.');
  }

  notFound(): EmuResponse {
    return { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } };
  }

  private checkSymbol(r: EmuRequest, book: MatchingBook): EmuResponse | null {
    const symbol = formParams(r).get('symbol');
    if (symbol === null) return err(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (symbol !== book.market.id) return err(400, -1121, 'Invalid symbol.');
    return null;
  }

  private exchangeInfo(book: MatchingBook): EmuResponse {
    const m = book.market;
    return json(200, {
      timezone: 'UTC',
      serverTime: book.now,
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      ],
      exchangeFilters: [],
      symbols: [
        {
          symbol: m.id,
          status: 'TRADING',
          baseAsset: m.base,
          baseAssetPrecision: 8,
          quoteAsset: m.quote,
          quotePrecision: 8,
          quoteAssetPrecision: 8,
          baseCommissionPrecision: 8,
          quoteCommissionPrecision: 8,
          orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
          icebergAllowed: true,
          ocoAllowed: true,
          quoteOrderQtyMarketAllowed: true,
          allowTrailingStop: true,
          cancelReplaceAllowed: true,
          isSpotTradingAllowed: true,
          isMarginTradingAllowed: false,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: P8(m.tickSize), maxPrice: '1000000.00000000', tickSize: P8(m.tickSize) },
            { filterType: 'LOT_SIZE', minQty: P8(m.minQty), maxQty: '9000.00000000', stepSize: P8(m.stepSize) },
            { filterType: 'NOTIONAL', minNotional: P8(m.minNotional), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          ],
          permissions: [],
          permissionSets: [['SPOT']],
          defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
          allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
        },
      ],
    });
  }

  private klines(r: EmuRequest, book: MatchingBook): EmuResponse {
    const bad = this.checkSymbol(r, book);
    if (bad) return bad;
    if (r.query.get('interval') !== this.intervalText) return err(400, -1120, 'Invalid interval.');
    const limit = Math.min(Number(r.query.get('limit') ?? 500), 1000);
    const start = r.query.has('startTime') ? Number(r.query.get('startTime')) : null;
    const end = r.query.has('endTime') ? Number(r.query.get('endTime')) : null;
    let bars = book.barsSoFar().filter((b) => (start === null || b.time >= start) && (end === null || b.time <= end));
    bars = start === null ? bars.slice(-limit) : bars.slice(0, limit);
    return json(
      200,
      bars.map((b) => [
        b.time,
        P8(b.open),
        P8(b.high),
        P8(b.low),
        P8(b.close),
        P8(b.volume),
        b.time + this.intervalMs - 1,
        P8(b.volume.mul(b.close)),
        100,
        P8(b.volume.div(2)),
        P8(b.volume.mul(b.close).div(2)),
        '0',
      ]),
    );
  }

  private account(book: MatchingBook): EmuResponse {
    return json(200, {
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: book.now,
      accountType: 'SPOT',
      balances: Object.entries(book.balances()).map(([asset, b]) => ({ asset, free: P8(b.free), locked: P8(b.locked) })),
      permissions: ['SPOT'],
      uid: 354937868,
    });
  }

  private create(r: EmuRequest, c: RouteContext): EmuResponse {
    const bad = this.checkSymbol(r, c.book);
    if (bad) return bad;
    const p = formParams(r);
    const clientOrderId = p.get('newClientOrderId') ?? `emu-${Date.now()}`;
    if (!/^[a-zA-Z0-9-_]{1,36}$/.test(clientOrderId)) {
      return err(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.");
    }
    const side = p.get('side');
    const type = p.get('type');
    if (side !== 'BUY' && side !== 'SELL') return err(400, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    if (type !== 'MARKET' && type !== 'LIMIT') return err(400, -1116, 'Invalid orderType.');
    const qtyText = p.get('quantity');
    if (qtyText === null || !/^\d+(\.\d+)?$/.test(qtyText)) return err(400, -1100, "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
    const priceText = p.get('price');
    if (type === 'LIMIT') {
      if (priceText === null) return err(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
      if (p.get('timeInForce') === null) return err(400, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    }
    const invisible = c.faults.find((f) => f.kind === 'invisible');
    const placed = c.book.place({
      clientOrderId,
      side,
      type,
      qty: new Decimal(qtyText),
      price: type === 'LIMIT' ? new Decimal(priceText!) : null,
      ...(invisible?.kind === 'invisible' ? { invisibleMs: invisible.ms } : {}),
    });
    if (!placed.ok) {
      switch (placed.reason) {
        case 'duplicate':
          return err(400, -2010, 'Duplicate order sent.');
        case 'insufficient':
          return err(400, -2010, 'Account has insufficient balance for requested action.');
        case 'lot':
          return err(400, -1013, 'Filter failure: LOT_SIZE');
        case 'price':
          return err(400, -1013, 'Filter failure: PRICE_FILTER');
        case 'notional':
          return err(400, -1013, 'Filter failure: NOTIONAL');
        default:
          return err(400, -1116, 'Invalid orderType.');
      }
    }
    const o = placed.order;
    return json(200, {
      ...this.orderBody(c.book, o),
      transactTime: o.time,
      fills: placed.trades.map((t) => ({ price: P8(t.price), qty: P8(t.qty), commission: P8(t.fee), commissionAsset: t.feeAsset, tradeId: t.id })),
    });
  }

  private find(r: EmuRequest, book: MatchingBook): EmuOrder | null {
    const p = formParams(r);
    const byId = p.get('orderId');
    const byClient = p.get('origClientOrderId');
    const candidates = book.orders().filter((o) => book.visible(o) && (byId !== null ? String(o.orderId) === byId : o.clientOrderId === byClient));
    // A reused client order id names its newest order.
    return candidates[candidates.length - 1] ?? null;
  }

  private query(r: EmuRequest, book: MatchingBook): EmuResponse {
    const bad = this.checkSymbol(r, book);
    if (bad) return bad;
    const o = this.find(r, book);
    return o ? json(200, this.orderBody(book, o)) : err(400, -2013, 'Order does not exist.');
  }

  private cancel(r: EmuRequest, c: RouteContext): EmuResponse {
    const bad = this.checkSymbol(r, c.book);
    if (bad) return bad;
    const o = this.find(r, c.book);
    if (!o || !isOpen(o)) return err(400, -2011, 'Unknown order sent.');
    c.book.cancel(o);
    const body = { ...this.orderBody(c.book, o), origClientOrderId: o.clientOrderId, clientOrderId: `emuCancel${this.cancelSeq++}`, transactTime: c.book.now };
    if (c.faults.some((f) => f.kind === 'fill-after-cancel')) {
      const rest = o.qty.sub(o.executed);
      const half = rest.div(2).div(c.book.market.stepSize).floor().mul(c.book.market.stepSize);
      c.book.lateFill(o, half.gt(0) ? half : rest, o.price ?? c.book.price());
    }
    return json(200, body);
  }

  private openOrders(r: EmuRequest, book: MatchingBook): EmuResponse {
    const bad = this.checkSymbol(r, book);
    if (bad) return bad;
    return json(200, book.openOrders().filter((o) => book.visible(o)).map((o) => this.orderBody(book, o)));
  }

  private allOrders(r: EmuRequest, book: MatchingBook): EmuResponse {
    const bad = this.checkSymbol(r, book);
    if (bad) return bad;
    const limit = Math.min(Number(r.query.get('limit') ?? 500), 1000);
    return json(200, book.orders().filter((o) => book.visible(o)).slice(-limit).map((o) => this.orderBody(book, o)));
  }

  private myTrades(r: EmuRequest, book: MatchingBook): EmuResponse {
    const bad = this.checkSymbol(r, book);
    if (bad) return bad;
    const p = formParams(r);
    const limit = Math.min(Number(p.get('limit') ?? 500), 1000);
    const fromId = p.get('fromId');
    const start = p.get('startTime');
    const end = p.get('endTime');
    const orderId = p.get('orderId');
    if (start !== null && end !== null && Number(end) - Number(start) > 24 * 60 * 60 * 1000) {
      return err(400, -1127, 'More than 24 hours between startTime and endTime.');
    }
    const visibleOrders = new Set(book.orders().filter((o) => book.visible(o)).map((o) => o.orderId));
    let trades = book.trades().filter((t) => visibleOrders.has(t.orderId));
    if (orderId !== null) trades = trades.filter((t) => String(t.orderId) === orderId);
    if (fromId !== null) trades = trades.filter((t) => t.id >= Number(fromId)).slice(0, limit);
    else if (start !== null || end !== null) {
      const s = start === null ? Number(end) - 24 * 60 * 60 * 1000 : Number(start);
      const e = end === null ? s + 24 * 60 * 60 * 1000 : Number(end);
      trades = trades.filter((t) => t.time >= s && t.time <= e).slice(0, limit);
    } else trades = trades.slice(-limit);
    return json(200, trades.map((t) => this.tradeBody(book, t)));
  }

  private orderBody(book: MatchingBook, o: EmuOrder) {
    return {
      symbol: book.market.id,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: o.price ? P8(o.price) : ZERO8,
      origQty: P8(o.qty),
      executedQty: P8(o.executed),
      cummulativeQuoteQty: P8(o.quoteFilled),
      status: o.status,
      timeInForce: o.type === 'LIMIT' ? 'GTC' : 'GTC',
      type: o.type,
      side: o.side,
      stopPrice: ZERO8,
      icebergQty: ZERO8,
      time: o.time,
      updateTime: o.updateTime,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: ZERO8,
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
  }

  private tradeBody(book: MatchingBook, t: EmuTrade) {
    return {
      symbol: book.market.id,
      id: t.id,
      orderId: t.orderId,
      orderListId: -1,
      price: P8(t.price),
      qty: P8(t.qty),
      quoteQty: P8(t.quoteQty),
      commission: P8(t.fee),
      commissionAsset: t.feeAsset,
      time: t.time,
      isBuyer: t.side === 'BUY',
      isMaker: t.isMaker,
      isBestMatch: true,
    };
  }
}

function stripSignature(text: string): string {
  return text.replace(/&?signature=[^&]*/, '');
}
