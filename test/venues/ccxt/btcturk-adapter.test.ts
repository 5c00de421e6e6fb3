import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../support/exchange-emulator/index.js';
import { SYMBOL, accessTo, adapterFor, limitOrder, onTick } from './helpers.js';

describe('BTCTurk adapter against the emulator', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ dialect: 'btcturk' });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('takes the quantity step from numeratorScale and the minimum notional from minExchangeValue', async () => {
    const rules = await accessTo(emu, { credentials: null }).loadMarketRules(SYMBOL);
    expect(emu.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/server/exchangeinfo']);
    expect([rules.qtyStep.toFixed(), rules.minQty.toFixed(), rules.minNotional.toFixed(), rules.priceTick.toFixed()]).toEqual(['0.00000001', '0', '10', '0.01']);
  });

  it('sends the client order id as newOrderClientId (the field BTCTurk reads; ccxt would send newClientOrderId)', async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('0.9')));
    expect((await v.submit(o)).kind).toBe('accepted');
    expect(emu.book.ordersWithClientId(o.clientOrderId)).toHaveLength(1);
  });

  it('refuses a market buy before sending: BTCTurk sizes it in the quote asset', async () => {
    const v = await adapterFor(emu);
    const before = emu.server.requests.length;
    const out = await v.submit({ clientOrderId: 'live-00aa11bb22cc-7-1', symbol: SYMBOL, side: 'BUY', orderType: 'MARKET', qty: new Decimal('0.01'), limitPrice: null });
    expect(out).toMatchObject({ kind: 'rejected', reasonCode: 'VENUE_INVALID_ORDER' });
    expect(emu.server.requests.length).toBe(before);
  });

  it('a market sell trades the base quantity given', async () => {
    const v = await adapterFor(emu);
    const out = await v.submit({ clientOrderId: 'live-00aa11bb22cc-8-1', symbol: SYMBOL, side: 'SELL', orderType: 'MARKET', qty: new Decimal('0.01'), limitPrice: null });
    expect(out.kind).toBe('accepted');
    const fills = await v.pollFills();
    expect(fills.map((f) => [f.side, f.qty.toFixed()])).toEqual([['SELL', '0.01']]);
  });

  it("keeps only its market's trades (BTCTurk lists every pair of the account) and charges fee plus tax in the denominator", async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('0.9')));
    const accepted = await v.submit(o);
    if (accepted.kind !== 'accepted') throw new Error('not accepted');
    const body = {
      data: [
        { price: '3000.5', numeratorSymbol: 'ETH', denominatorSymbol: 'USDT', orderType: 'buy', orderId: accepted.venueOrderId, id: '77', timestamp: '1700000000000', amount: '1', fee: '-3', tax: '-0.5' },
        { price: '58000.12', numeratorSymbol: 'BTC', denominatorSymbol: 'USDT', orderType: 'buy', orderId: accepted.venueOrderId, id: '78', timestamp: '1700000000001', amount: '0.004', fee: '-0.2320', tax: '-0.0418' },
      ],
      success: true,
      message: 'SUCCESS',
      code: 0,
    };
    emu.server.faults.add({ endpoint: 'trades', fault: { kind: 'answer', status: 200, body: JSON.stringify(body) } });
    const fills = await v.pollFills();
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ fillId: 'btcturk-78', clientOrderId: o.clientOrderId, feeAsset: 'USDT', side: 'BUY' });
    expect(fills[0]!.fee.toFixed()).toBe('0.2738');
    expect(fills[0]!.price.toFixed()).toBe('58000.12');
  });

  it('not_found only when open orders and the whole history answered; a failed or full history is unknown', async () => {
    const v = await adapterFor(emu);
    expect(await v.queryOrder('live-00aa11bb22cc-404-1')).toEqual({ kind: 'not_found' });
    emu.server.faults.add({ endpoint: 'allOrders', fault: { kind: '5xx-after-commit' } });
    expect((await v.queryOrder('live-00aa11bb22cc-404-1')).kind).toBe('unknown');
    const full = Array.from({ length: 1000 }, (_, i) => ({
      id: 9000 + i, price: '1', amount: '1', quantity: '1', stopPrice: '0', pairSymbol: 'BTCUSDT', pairSymbolNormalized: 'BTC_USDT',
      type: 'buy', method: 'limit', orderClientId: `other-${i}`, time: 1, updateTime: 1, status: 'Closed', leftAmount: '0',
    }));
    emu.server.faults.add({ endpoint: 'allOrders', fault: { kind: 'answer', status: 200, body: JSON.stringify({ data: full, success: true, message: 'SUCCESS', code: 0 }) } });
    const r = await v.queryOrder('live-00aa11bb22cc-404-1');
    expect(r.kind).toBe('unknown');
    emu.server.faults.add({ endpoint: 'openOrders', fault: { kind: 'timeout-after-commit' } });
    expect((await v.queryOrder('live-00aa11bb22cc-404-1')).kind).toBe('unknown');
  });

  it('finds a filled order in the history with its filled quantity', async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('1.01')));
    expect((await v.submit(o)).kind).toBe('accepted');
    const r = await v.queryOrder(o.clientOrderId);
    expect(r.kind === 'found' && [r.order.status, r.order.filledQty.toFixed()]).toEqual(['FILLED', '0.01']);
  });

  it('429 with a JSON body is rate_limited (ccxt calls it an ExchangeError): classified by status', async () => {
    const v = await adapterFor(emu);
    emu.server.faults.add({ endpoint: 'createOrder', fault: { kind: 'rate-limited', retryAfterSec: 4 } });
    const out = await v.submit(limitOrder('BUY', '0.01', onTick(emu.book.price().mul('0.9'))));
    expect(out).toMatchObject({ kind: 'rate_limited', retryAfterMs: 4000 });
  });
});
