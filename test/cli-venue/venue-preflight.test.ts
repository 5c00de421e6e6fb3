import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/errors.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { createLogger } from '../../src/cli/logger.js';
import { scrubCredentials, venueUnusable } from '../../src/cli/venue/venue-cli-errors.js';
import { runPreflight } from '../../src/cli/venue/venue-preflight.js';
import { CcxtVenueAccess } from '../../src/engine/venues/ccxt/ccxt-venue-access.js';
import { createExchange } from '../../src/engine/venues/ccxt/exchange-factory.js';
import { VenueAccessError } from '../../src/engine/venues/ccxt/venue-errors.js';
import { type Emulator, type EmulatorDialect, startEmulator } from '../support/exchange-emulator/index.js';
import { tempDir } from '../support.js';

const clock = { now: () => Date.now() };
const WRONG = { apiKey: 'wrongKEY-zzzz-1111', secret: 'd3JvbmctYnV0LWJhc2U2NC1zZWNyZXQ=' };

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe.each(['binance', 'btcturk'] as EmulatorDialect[])('read-only preflight against emulator-%s', (dialect) => {
  let emu: Emulator;
  afterEach(async () => {
    await emu?.close();
  });
  const access = (credentials = emu.credentials, url = emu.url) => CcxtVenueAccess.create({ venue: dialect, baseUrl: url, credentials, timeoutMs: 1_000 });

  it('passes: market rules, balances and clock skew, with nothing sent that could trade', async () => {
    emu = await startEmulator({ dialect });
    const r = await runPreflight(access(), { symbol: 'BTC/USDT', clock });
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([['markets', true], ['balance', true], ['clock-skew', true]]);
    expect(r.balances?.['USDT']).toMatch(/^10000(\.0+)?$/);
    expect(r.rules?.qtyStep.gt(0)).toBe(true);
    expect(emu.server.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(emu.book.orders()).toHaveLength(0);
  });

  it('a venue clock 5 s ahead fails the skew check', async () => {
    emu = await startEmulator({ dialect, skewMs: 5_000 });
    const r = await runPreflight(access(), { symbol: 'BTC/USDT', clock });
    const skew = r.checks.find((c) => c.name === 'clock-skew')!;
    expect(skew.ok).toBe(false);
    expect(r.skewMs!).toBeGreaterThan(4_000);
    expect(r.ok).toBe(false);
  });

  it('wrong keys: AUTH, one line, exit 2, neither key nor secret shown anywhere', async () => {
    emu = await startEmulator({ dialect });
    const r = await runPreflight(access(WRONG), { symbol: 'BTC/USDT', clock });
    const balance = r.checks.find((c) => c.name === 'balance')!;
    expect(balance.ok).toBe(false);
    expect(balance.error?.kind).toBe('AUTH');
    const report = describeError(venueUnusable(balance.error!, emu.url));
    expect(report.exitCode).toBe(ExitCode.USAGE);
    expect(report.line).toContain('refused the API key');
    expect(report.line).not.toMatch(/\n/);
    const everything = JSON.stringify(r) + report.line;
    expect(everything).not.toContain(WRONG.apiKey);
    expect(everything).not.toContain(WRONG.secret);
  });

  it('an unknown market is UNKNOWN_MARKET, exit 2', async () => {
    emu = await startEmulator({ dialect });
    const r = await runPreflight(access(), { symbol: 'DOGE/TRY', clock });
    const markets = r.checks.find((c) => c.name === 'markets')!;
    expect(markets.error?.kind).toBe('UNKNOWN_MARKET');
    expect(describeError(venueUnusable(markets.error!, emu.url)).line).toContain('DOGE/TRY is not a market');
  });

  it('an emulator answering garbage is GARBAGE, exit 2', async () => {
    emu = await startEmulator({ dialect });
    emu.server.faults.add({ endpoint: 'exchangeInfo', fault: { kind: 'non-json-200' }, times: 5 });
    const err = await access().loadMarketRules('BTC/USDT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueAccessError);
    expect((err as VenueAccessError).kind).toBe('GARBAGE');
    expect(describeError(venueUnusable(err as VenueAccessError, emu.url)).line).toContain(`does not answer as ${dialect}'s API`);
  });

  it('a URL that refuses connections is UNREACHABLE, exit 2', async () => {
    emu = await startEmulator({ dialect });
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = await access(emu.credentials, url).loadMarketRules('BTC/USDT').catch((e: unknown) => e);
    expect((err as VenueAccessError).kind).toBe('UNREACHABLE');
    const line = describeError(venueUnusable(err as VenueAccessError, url)).line;
    expect(line).toContain(`cannot reach ${dialect} at ${url}`);
    // Loading again after a failure really asks again (ccxt keeps a failed load otherwise).
    const rules = await access(emu.credentials, emu.url).loadMarketRules('BTC/USDT');
    expect(rules.symbol).toBe('BTC/USDT');
  });
});

describe('keys never reach a log line', () => {
  it('a ccxt exchange, credentials and venue errors logged through the CLI logger show no key or secret', async () => {
    const { dir, cleanup } = tempDir('venue-log-');
    try {
      const file = path.join(dir, 'log.jsonl');
      const fd = openSync(file, 'w');
      const logger = createLogger({ level: 'debug', pretty: false, destinationFd: fd });
      const secret = { apiKey: 'LOGKEY-abcdefgh', secret: 'LOGSECRET-ijklmnop' };
      const exchange = createExchange({ venue: 'binance', credentials: secret, timeoutMs: 1000 });
      logger.info({ exchange }, 'an exchange object');
      logger.info({ credentials: secret }, 'credentials');
      logger.info({ request: { headers: { 'X-MBX-APIKEY': secret.apiKey } } }, 'headers');
      logger.error({ err: new VenueAccessError('binance', 'AUTH', 'balances', 'HTTP 401') }, 'venue error');
      logger.info({ exchangeString: String(exchange), json: JSON.stringify(exchange) }, 'stringified');
      closeSync(fd);
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n').filter(Boolean)).toHaveLength(5);
      expect(text).not.toContain(secret.apiKey);
      expect(text).not.toContain(secret.secret);
      expect(text).toContain('[ccxt binance exchange]');
    } finally {
      cleanup();
    }
  });

  it('scrubCredentials blanks a key or secret in any text', () => {
    expect(scrubCredentials('x LOGKEY-1234 y SEC-5678 z', { apiKey: 'LOGKEY-1234', secret: 'SEC-5678' })).toBe('x [REDACTED] y [REDACTED] z');
  });
});
