import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/errors.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { loadVenueCredentials } from '../../src/cli/venue/venue-credentials.js';
import { checkVenueUrl } from '../../src/cli/venue/venue-url.js';
import { tempDir } from '../support.js';

const SECRET = 'sEcReT-value-that-must-not-leak';
const KEY = 'kEy-value-that-must-not-leak';

describe('venue credentials', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const file = (content: string, mode: number) => {
    const { dir, cleanup } = tempDir('venue-creds-');
    cleanups.push(cleanup);
    const f = path.join(dir, 'creds.json');
    writeFileSync(f, content);
    chmodSync(f, mode);
    return f;
  };
  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return describeError(err);
    }
    throw new Error('expected a failure');
  };

  it('reads ENGINE_<VENUE>_API_KEY and _SECRET', () => {
    expect(loadVenueCredentials('binance', { env: { ENGINE_BINANCE_API_KEY: KEY, ENGINE_BINANCE_API_SECRET: SECRET } })).toEqual({ apiKey: KEY, secret: SECRET });
    expect(loadVenueCredentials('btcturk', { env: { ENGINE_BTCTURK_API_KEY: KEY, ENGINE_BTCTURK_API_SECRET: SECRET } })).toEqual({ apiKey: KEY, secret: SECRET });
  });

  it('names the missing variable, exit 2, no value shown', () => {
    const r = failure(() => loadVenueCredentials('binance', { env: { ENGINE_BINANCE_API_KEY: KEY } }));
    expect(r.exitCode).toBe(ExitCode.USAGE);
    expect(r.line).toContain('ENGINE_BINANCE_API_SECRET is not set');
    expect(r.line).not.toContain(KEY);
    const none = failure(() => loadVenueCredentials('btcturk', { env: {} }));
    expect(none.line).toContain('ENGINE_BTCTURK_API_KEY and ENGINE_BTCTURK_API_SECRET');
  });

  it('takes a 0600 file, whole or by venue; the file wins over the environment', () => {
    const single = file(JSON.stringify({ apiKey: KEY, secret: SECRET }), 0o600);
    expect(loadVenueCredentials('binance', { file: single, env: { ENGINE_BINANCE_API_KEY: 'x', ENGINE_BINANCE_API_SECRET: 'y' } })).toEqual({ apiKey: KEY, secret: SECRET });
    const byVenue = file(JSON.stringify({ btcturk: { apiKey: KEY, secret: SECRET } }), 0o400);
    expect(loadVenueCredentials('btcturk', { file: byVenue })).toEqual({ apiKey: KEY, secret: SECRET });
    const r = failure(() => loadVenueCredentials('binance', { file: byVenue }));
    expect(r.line).toContain('no entry for binance');
  });

  it.each([0o644, 0o640, 0o604, 0o666])('refuses a file of mode %o, naming the file, exit 2', (mode) => {
    const f = file(JSON.stringify({ apiKey: KEY, secret: SECRET }), mode);
    const r = failure(() => loadVenueCredentials('binance', { file: f }));
    expect(r.exitCode).toBe(ExitCode.USAGE);
    expect(r.line).toContain(f);
    expect(r.line).toContain('chmod 600');
    expect(r.line).not.toContain(SECRET);
  });

  it('refuses a missing file and a file that is not the expected JSON, without quoting it', () => {
    expect(failure(() => loadVenueCredentials('binance', { file: '/nonexistent/creds.json' })).line).toContain('/nonexistent/creds.json: cannot read');
    const notJson = file(`apiKey=${KEY}\nsecret=${SECRET}\n`, 0o600);
    const r = failure(() => loadVenueCredentials('binance', { file: notJson }));
    expect(r.line).toContain('not JSON');
    expect(r.line).not.toContain(SECRET);
    const wrongShape = file(JSON.stringify({ key: KEY, secret: SECRET }), 0o600);
    expect(failure(() => loadVenueCredentials('binance', { file: wrongShape })).line).not.toContain(SECRET);
  });
});

describe('--venue-url', () => {
  it.each(['http://127.0.0.1:8080', 'http://localhost:1', 'https://127.9.9.9', 'http://[::1]:9000'])('allows loopback %s', (u) => {
    expect(checkVenueUrl('binance', u).origin).toBe(new URL(u).origin);
  });

  it('allows the venue\'s own production host over https only', () => {
    expect(checkVenueUrl('binance', 'https://api.binance.com').hostname).toBe('api.binance.com');
    expect(checkVenueUrl('btcturk', 'https://api.btcturk.com').hostname).toBe('api.btcturk.com');
    expect(() => checkVenueUrl('binance', 'http://api.binance.com')).toThrow(/must be https/);
  });

  it.each([
    ['binance', 'https://api.btcturk.com', /neither a loopback address nor binance's production host/],
    ['binance', 'https://evil.example.com', /neither a loopback/],
    ['binance', 'http://10.0.0.5:8080', /neither a loopback/],
    ['binance', 'https://api.binance.com.evil.example', /neither a loopback/],
    ['binance', 'ftp://127.0.0.1', /http\(s\)/],
    ['binance', 'http://user:pw@127.0.0.1', /user or password/],
    ['binance', 'http://127.0.0.1:8080/api/v3', /origin only/],
    ['btcturk', 'not a url', /not a URL/],
  ] as const)('%s refuses %s', (venue, u, why) => {
    const r = (() => {
      try {
        checkVenueUrl(venue, u);
      } catch (err) {
        return describeError(err);
      }
      throw new Error('accepted');
    })();
    expect(r.exitCode).toBe(ExitCode.USAGE);
    expect(r.line).toMatch(why);
  });
});
