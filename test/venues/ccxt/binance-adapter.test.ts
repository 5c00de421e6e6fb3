import { inspect } from 'node:util';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BINANCE_VISIBILITY_WINDOW_MS } from '../../../src/engine/venues/ccxt/venue-defaults.js';
import { VenueAccessError } from '../../../src/engine/venues/ccxt/venue-errors.js';
import { type Emulator, startEmulator } from '../../support/exchange-emulator/index.js';
import { SYMBOL, accessTo, adapterFor, limitOrder, onTick } from './helpers.js';

describe('Binance spot adapter against the emulator', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ dialect: 'binance' });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('loads its market with one GET /api/v3/exchangeInfo and reads the rules from the raw filters', async () => {
    const rules = await accessTo(emu, { credentials: null }).loadMarketRules(SYMBOL);
    expect(emu.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v3/exchangeInfo']);
    expect({ ...rules, qtyStep: rules.qtyStep.toFixed(), minQty: rules.minQty.toFixed(), minNotional: rules.minNotional.toFixed(), priceTick: rules.priceTick.toFixed() }).toEqual({
      symbol: SYMBOL,
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      qtyStep: '0.00001',
      minQty: '0.00001',
      minNotional: '5',
      priceTick: '0.01',
    });
  });

  it('an answer lost after commit is POSTed once: ccxt never retries on its own (maxRetriesOnFailure 0)', async () => {
    const v = await adapterFor(emu);
    emu.server.faults.add({ endpoint: 'createOrder', fault: { kind: '5xx-after-commit' } });
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('0.9')));
    expect((await v.submit(o)).kind).toBe('unknown');
    emu.server.faults.add({ endpoint: 'createOrder', fault: { kind: 'timeout-after-commit' } });
    const p = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('0.9')));
    expect((await v.submit(p)).kind).toBe('unknown');
    expect(emu.createCalls(o.clientOrderId)).toBe(1);
    expect(emu.createCalls(p.clientOrderId)).toBe(1);
  });

  it('sends on-grid strings exactly as the engine decided them', async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('SELL', '0.12345', '70000.01');
    expect((await v.submit(o)).kind).toBe('accepted');
    const post = emu.server.requests.find((r) => r.method === 'POST')!;
    expect(post.status).toBe(200);
    const order = emu.book.ordersWithClientId(o.clientOrderId)[0]!;
    expect(order.qty.toFixed()).toBe('0.12345');
    expect(order.price!.toFixed()).toBe('70000.01');
  });

  it('refuses before sending an off-grid order or a client order id Binance would refuse', async () => {
    const v = await adapterFor(emu);
    const before = emu.server.requests.length;
    const offStep = await v.submit(limitOrder('BUY', '0.000015', '60000'));
    const offTick = await v.submit(limitOrder('BUY', '0.01', '60000.005'));
    const tooSmall = await v.submit(limitOrder('BUY', '0.00001', '60000'));
    const badId = await v.submit(limitOrder('BUY', '0.01', '60000', 'live:0123456789ab:12:1'));
    const tooLong = await v.submit(limitOrder('BUY', '0.01', '60000', `live-${'a'.repeat(40)}`));
    for (const out of [offStep, offTick, tooSmall, badId, tooLong]) {
      expect(out.kind).toBe('rejected');
      if (out.kind === 'rejected') expect(out.rawReason).toMatch(/^refused before sending: /);
    }
    expect(emu.server.requests.length).toBe(before);
  });

  it('records a fee charged in another asset (BNB) as the venue says it', async () => {
    await emu.close();
    emu = await startEmulator({ dialect: 'binance', fees: { makerBps: new Decimal(7.5), takerBps: new Decimal(7.5), asset: { kind: 'other', asset: 'BNB', perQuote: new Decimal('0.002') } } });
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('1.01')));
    expect((await v.submit(o)).kind).toBe('accepted');
    const [f] = await v.pollFills();
    const trade = emu.book.trades()[0]!;
    expect(f!.feeAsset).toBe('BNB');
    expect(f!.fee.toFixed()).toBe(trade.fee.toFixed());
    expect(f!.fee.eq(trade.quoteQty.mul('0.00075').mul('0.002').toDecimalPlaces(8, Decimal.ROUND_HALF_UP))).toBe(true);
    const balances = await v.balances();
    expect(balances['BNB']!.toFixed()).toBe(new Decimal(1).sub(f!.fee).toFixed());
  });

  it('attributes a trade of an order it never saw (another process placed it) by looking the order up', async () => {
    const other = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('1.01')));
    expect((await other.submit(o)).kind).toBe('accepted');
    const fresh = await adapterFor(emu);
    const fills = await fresh.pollFills();
    expect(fills.map((f) => f.clientOrderId)).toEqual([o.clientOrderId]);
    expect(emu.server.requests.some((r) => r.path === '/api/v3/order' && r.method === 'GET')).toBe(true);
  });

  it('fillsSinceMs: a restarted adapter reports fills from then on, walking 24 h windows', async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('1.01')));
    expect((await v.submit(o)).kind).toBe('accepted');
    // A minute short of three days: the trade (made just before) lies inside the third window, never on its
    // edge (a trade in the very millisecond `since` was taken fell into a fourth window).
    const since = Date.now() - 3 * 24 * 60 * 60 * 1000 + 60_000;
    const restarted = await adapterFor(emu, since);
    const fills = await restarted.pollFills();
    expect(fills.map((f) => f.clientOrderId)).toEqual([o.clientOrderId]);
    const windows = emu.server.requests.filter((r) => r.path === '/api/v3/myTrades');
    // Three days back: two empty windows, then the one with the trade.
    expect(windows.length).toBe(3);
    expect(await restarted.pollFills()).toEqual([]);
  });

  it('Binance keeps client order ids unique among open orders only: a filled order\'s id can be reused (so a submit is never retried blindly)', async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('1.01')));
    expect((await v.submit(o)).kind).toBe('accepted');
    expect((await v.submit(o)).kind).toBe('accepted');
    expect(emu.book.ordersWithClientId(o.clientOrderId)).toHaveLength(2);
  });

  it('cancel of an order that already filled answers its FILLED state, not a failure', async () => {
    const v = await adapterFor(emu);
    const o = limitOrder('BUY', '0.01', onTick(emu.book.price().mul('1.01')));
    await v.submit(o);
    const c = await v.cancel(o.clientOrderId);
    expect(c.kind === 'found' && c.order.status).toBe('FILLED');
    expect(await v.cancel('live-00aa11bb22cc-999-9')).toEqual({ kind: 'not_found' });
  });

  it('queries that fail are unknown, never not_found; open orders and fills throw a typed error', async () => {
    const v = await adapterFor(emu);
    emu.server.faults.add({ endpoint: 'queryOrder', fault: { kind: '5xx-after-commit' } });
    const q = await v.queryOrder('live-00aa11bb22cc-1-1');
    expect(q.kind).toBe('unknown');
    emu.server.faults.add({ endpoint: 'openOrders', fault: { kind: 'non-json-200' } });
    await expect(v.openOrders()).rejects.toBeInstanceOf(VenueAccessError);
    emu.server.faults.add({ endpoint: 'trades', fault: { kind: 'rate-limited', retryAfterSec: 1 } });
    await expect(v.pollFills()).rejects.toThrow(/THROTTLED/);
  });

  it('wrong keys: a typed AUTH error whose message holds neither key nor secret; no object shows the secret', async () => {
    const wrong = { apiKey: 'not-the-key-AAAA1111', secret: 'not-the-secret-BBBB2222' };
    const access = accessTo(emu, { credentials: wrong });
    const err = await access.freeBalances().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueAccessError);
    expect((err as VenueAccessError).kind).toBe('AUTH');
    const { venue } = await access.openVenue(SYMBOL, { clock: { now: () => Date.now() } });
    const shown = [(err as Error).message, JSON.stringify(access), JSON.stringify(venue), inspect(access, { depth: 10 }), inspect(venue, { depth: 10 }), String(venue)].join('\n');
    expect(shown).not.toContain(wrong.secret);
    expect(shown).not.toContain(wrong.apiKey);
  });

  it('exports a visibility window of at least 60 s', () => {
    expect(BINANCE_VISIBILITY_WINDOW_MS).toBeGreaterThanOrEqual(60_000);
  });
});
