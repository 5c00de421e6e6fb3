import { createHmac } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../support/exchange-emulator/index.js';

/** The emulator's own promises, over raw HTTP (no ccxt): what a wrong client gets back. */
describe('exchange emulator', () => {
  let emu: Emulator;
  afterEach(async () => {
    await emu.close();
  });

  const signedBinance = (query: string, secret = emu.credentials.secret) => `${query}&signature=${createHmac('sha256', secret).update(query).digest('hex')}`;

  it('Binance: missing key 401 -2014, wrong key 401 -2015, bad signature 400 -1022, stale timestamp 400 -1021', async () => {
    emu = await startEmulator({ dialect: 'binance' });
    const q = `timestamp=${Date.now()}`;
    const call = async (query: string, key?: string) => {
      const r = await fetch(`${emu.url}/api/v3/account?${query}`, { headers: key === undefined ? {} : { 'X-MBX-APIKEY': key } });
      return [r.status, ((await r.json()) as { code: number }).code];
    };
    expect(await call(signedBinance(q))).toEqual([401, -2014]);
    expect(await call(signedBinance(q), 'someone-else')).toEqual([401, -2015]);
    expect(await call(signedBinance(q, 'wrong-secret'), emu.credentials.apiKey)).toEqual([400, -1022]);
    expect(await call(signedBinance(`timestamp=${Date.now() - 60_000}`), emu.credentials.apiKey)).toEqual([400, -1021]);
    const ok = await fetch(`${emu.url}/api/v3/account?${signedBinance(q)}`, { headers: { 'X-MBX-APIKEY': emu.credentials.apiKey } });
    expect(ok.status).toBe(200);
  });

  it('BTCTurk: a wrong signature is 401', async () => {
    emu = await startEmulator({ dialect: 'btcturk' });
    const stamp = String(Date.now());
    const sign = (secret: string) => createHmac('sha256', Buffer.from(secret, 'base64')).update(`${emu.credentials.apiKey}${stamp}`).digest('base64');
    const call = (signature: string) => fetch(`${emu.url}/api/v1/users/balances`, { headers: { 'X-PCK': emu.credentials.apiKey, 'X-Stamp': stamp, 'X-Signature': signature } });
    expect((await call(sign(Buffer.from('nope').toString('base64')))).status).toBe(401);
    expect((await call(sign(emu.credentials.secret))).status).toBe(200);
  });

  it('429 and 418 carry Retry-After and create nothing; faults are consumed one request each', async () => {
    emu = await startEmulator({ dialect: 'binance' });
    emu.server.faults.add({ endpoint: 'exchangeInfo', fault: { kind: 'rate-limited', retryAfterSec: 7, status: 418 } });
    const r = await fetch(`${emu.url}/api/v3/exchangeInfo`);
    expect([r.status, r.headers.get('retry-after')]).toEqual([418, '7']);
    expect((await fetch(`${emu.url}/api/v3/exchangeInfo`)).status).toBe(200);
    expect(emu.server.faults.pending()).toBe(0);
  });

  it('matching: a resting buy fills at its limit when a later bar trades through it, with balances exact', async () => {
    emu = await startEmulator({ dialect: 'binance', startIndex: 0 });
    const bars = emu.book.barsSoFar();
    const limit = bars[0]!.close.sub(30);
    const placed = emu.book.place({ clientOrderId: 'c1', side: 'BUY', type: 'LIMIT', qty: new Decimal('0.01'), price: limit });
    expect(placed.ok && placed.trades).toEqual([]);
    let steps = 0;
    while (emu.book.ordersWithClientId('c1')[0]!.status !== 'FILLED' && steps++ < 200) emu.book.advance();
    const [t] = emu.book.trades();
    expect(t!.price.eq(limit)).toBe(true);
    expect(emu.book.bar().low.lte(limit)).toBe(true);
    const fee = t!.quoteQty.mul('0.001').toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
    expect(emu.book.balances()['USDT']!.free.toFixed()).toBe(new Decimal(10000).sub(t!.quoteQty).sub(fee).toFixed());
    expect(emu.book.balances()['USDT']!.locked.toFixed()).toBe('0');
    expect(emu.book.balances()['BTC']!.free.toFixed()).toBe('0.51');
  });

  it('live mode: the current bar opens at the present minute and the market moves with the clock', async () => {
    emu = await startEmulator({ dialect: 'binance', followClock: true });
    const before = Math.floor(Date.now() / 60_000) * 60_000;
    const r = await fetch(`${emu.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3`);
    const after = Math.floor(Date.now() / 60_000) * 60_000;
    const k = (await r.json()) as Array<[number]>;
    const last = k[2]![0];
    // The minute may turn during the request.
    expect([before, after]).toContain(last);
    expect(k.map((x) => x[0])).toEqual([last - 120_000, last - 60_000, last]);
  });
});
