import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorDialect, startEmulator } from '../support/exchange-emulator/index.js';
import { tempDir } from '../support.js';
import { credentialEnv, type Finished, readLog, runEngine, writeConfig } from './harness.js';

/**
 * What makes a real venue unusable is bad input: one clear line, exit 2, nothing appended to the log,
 * and the API key and secret in no output, no log line and no byte of the database.
 */
// BTCTurk's secret is base64 (ccxt decodes it before signing): a well-formed wrong one reaches the venue.
const WRONG = { apiKey: 'WrongKeyVisible0123456789abcdef', secret: Buffer.from('WrongSecretVisible0123456789abcdef').toString('base64') };

let tmp: ReturnType<typeof tempDir>;
let db: string;
let cfg: string;
const closers: Array<() => Promise<void>> = [];
beforeEach(() => {
  tmp = tempDir('engine-venue-bad-');
  db = path.join(tmp.dir, 'engine.db');
  cfg = writeConfig(tmp.dir);
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  tmp.cleanup();
});

async function emulator(dialect: EmulatorDialect, options: { skewMs?: number } = {}): Promise<Emulator> {
  const emu = await startEmulator({ dialect, barEveryMs: 250, startIndex: 150, ...options });
  closers.push(() => emu.close());
  return emu;
}

async function server(answer: (res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const s = createServer((_req, res) => answer(res));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => s.close(() => r())));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, server: s };
}

function stage7(dialect: EmulatorDialect, url: string, extra: string[] = []): string[] {
  return ['stage7-run', '--venue', dialect, '--market', 'BTC/USDT', '--venue-url', url, '--config', cfg, '--cycles', '2', '--interval', '100ms', '--venue-timeout', '2s', ...extra];
}

/** The one error line (log lines are JSON). */
function errorLines(r: Finished): string[] {
  return r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
}

async function eventsIn(file: string): Promise<number> {
  return existsSync(file) ? (await readLog(file)).length : 0;
}

/** Every byte the run left: stdout, stderr, and the database's files (the log, its WAL, the venue state). */
function everything(r: Finished): string {
  const files = readdirSync(tmp.dir)
    .filter((f) => f.startsWith('engine.db'))
    .map((f) => readFileSync(path.join(tmp.dir, f)).toString('latin1'));
  return [r.stdout, r.stderr, ...files].join('\n');
}

function expectRefused(r: Finished, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = errorLines(r);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stdout).toBe('');
}

describe.each<EmulatorDialect>(['binance', 'btcturk'])('stage7-run --venue %s: bad input', (dialect) => {
  it('wrong keys (401): one line naming the variables, exit 2, nothing appended, the key and secret nowhere', async () => {
    const emu = await emulator(dialect);
    const r = await runEngine([...stage7(dialect, emu.url), '--arm'], { db, env: credentialEnv(emu, WRONG.apiKey, WRONG.secret) });
    expectRefused(r, new RegExp(`${dialect} at ${emu.url.replace(/[.]/g, '\\.')} refused the API key or signature: check ENGINE_${dialect.toUpperCase()}_API_KEY`));
    expect(await eventsIn(db)).toBe(0);
    const all = everything(r);
    expect(all).not.toContain(WRONG.apiKey);
    expect(all).not.toContain(WRONG.secret);
    expect(emu.book.orders()).toEqual([]);
  }, 60_000);

  it('a dry run reads the balance too: wrong keys are refused without --arm as well', async () => {
    const emu = await emulator(dialect);
    const r = await runEngine(stage7(dialect, emu.url), { db, env: credentialEnv(emu, WRONG.apiKey, WRONG.secret) });
    expectRefused(r, /refused the API key or signature/);
    expect(everything(r)).not.toContain(WRONG.secret);
  }, 60_000);

  it('an unknown market: one line naming it, exit 2', async () => {
    const emu = await emulator(dialect);
    const r = await runEngine(['stage7-run', '--venue', dialect, '--market', 'DOGE/XYZ', '--venue-url', emu.url, '--config', cfg, '--arm', '--cycles', '1'], { db, env: credentialEnv(emu) });
    expectRefused(r, /DOGE\/XYZ is not a market/);
    expect(await eventsIn(db)).toBe(0);
    expect(everything(r)).not.toContain(emu.credentials.secret);
  }, 60_000);

  it('a venue URL that refuses connections: one line, exit 2', async () => {
    const emu = await emulator(dialect);
    const { url, server: s } = await server((res) => res.end());
    await new Promise<void>((r) => s.close(() => r()));
    closers.pop();
    const r = await runEngine([...stage7(dialect, url), '--arm'], { db, env: credentialEnv(emu) });
    expectRefused(r, new RegExp(`cannot reach ${dialect} at ${url.replace(/[.]/g, '\\.')}`));
    expect(await eventsIn(db)).toBe(0);
  }, 60_000);

  it('a server answering garbage: one line, exit 2', async () => {
    const emu = await emulator(dialect);
    const { url } = await server((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('garbage \u001b[31m not an API');
    });
    const r = await runEngine([...stage7(dialect, url), '--arm'], { db, env: credentialEnv(emu) });
    expectRefused(r, new RegExp(`does not answer as ${dialect}'s API`));
    expect(errorLines(r)[0]).not.toContain('\u001b');
    expect(await eventsIn(db)).toBe(0);
  }, 60_000);

  it('armed, the clock-skew preflight must pass; a dry run only warns', async () => {
    // 3 s: past the engine's 1 s limit, within the venue's own 5 s receive window.
    const emu = await emulator(dialect, { skewMs: 3_000 });
    const armed = await runEngine([...stage7(dialect, emu.url), '--arm'], { db, env: credentialEnv(emu) });
    expectRefused(armed, /preflight failed at .*: clock-skew: venue clock ahead by \d+ ms/);
    expect(await eventsIn(db)).toBe(0);
    const dry = await runEngine([...stage7(dialect, emu.url), '--json'], { db, env: credentialEnv(emu) });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/"check":"clock-skew","ok":false/);
  }, 60_000);
});

describe('stage7-run: flags and files', () => {
  it('a non-loopback --venue-url that is not the venue\'s production host is refused before any key is read', async () => {
    const r = await runEngine(['stage7-run', '--venue', 'binance', '--market', 'BTC/USDT', '--venue-url', 'http://example.com', '--cycles', '1'], { db });
    expectRefused(r, /--venue-url example\.com is neither a loopback address nor binance's production host/);
    expect(existsSync(db)).toBe(false);
  });

  it('a real venue needs --market; the sim venue refuses real-venue flags', async () => {
    expectRefused(await runEngine(['stage7-run', '--venue', 'btcturk', '--cycles', '1'], { db }), /--venue btcturk needs --market/);
    expectRefused(await runEngine(['stage7-run', '--venue', 'sim', '--venue-url', 'http://127.0.0.1:1', '--cycles', '1'], { db }), /--venue-url is for a real venue/);
  });

  it('a credentials file readable by others, or not a regular file (a FIFO must not hang), is refused; the key in it is never shown', async () => {
    const emu = await emulator('binance');
    const file = path.join(tmp.dir, 'creds.json');
    writeFileSync(file, JSON.stringify(WRONG));
    chmodSync(file, 0o644);
    const loose = await runEngine([...stage7('binance', emu.url), '--venue-credentials', file], { db });
    expectRefused(loose, /creds\.json: credentials file is mode 0644; it must be readable by its owner only/);
    expect(everything(loose)).not.toContain(WRONG.apiKey);
    const fifo = path.join(tmp.dir, 'creds.fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expectRefused(await runEngine([...stage7('binance', emu.url), '--venue-credentials', fifo], { db }), /creds\.fifo: the credentials file is not a regular file/);
    const state = path.join(tmp.dir, 'state.fifo');
    execFileSync('mkfifo', [state]);
    expectRefused(await runEngine(['stage7-run', '--venue', 'sim', '--venue-state', state, '--cycles', '1'], { db }), /--venue-state .*state\.fifo is not a regular file/);
  }, 60_000);

  it('without --arm: a dry run that reads markets and balances, every order denied DRY_RUN, nothing sent', async () => {
    const emu = await emulator('binance');
    const strategy = path.join(import.meta.dirname, 'flip-limit.ts');
    const file = writeConfig(tmp.dir, { strategy: { name: strategy, params: {} } });
    const r = await runEngine(['stage7-run', '--venue', 'binance', '--market', 'BTC/USDT', '--venue-url', emu.url, '--config', file, '--cycles', '6', '--interval', '250ms', '--json'], { db, env: credentialEnv(emu) });
    expect(r.code, r.stderr).toBe(0);
    const events = await readLog(db);
    const started = events.find((e) => e.type === 'RunStarted')!.data as { armed: boolean; initialCash: string };
    expect(started).toMatchObject({ armed: false, initialCash: '10000' });
    const decisions = events.filter((e) => e.type === 'RiskDecisionMade').map((e) => (e.data as { reasonCode: string | null }).reasonCode);
    expect(decisions.length).toBeGreaterThan(0);
    expect(new Set(decisions)).toEqual(new Set(['DRY_RUN']));
    expect(emu.server.requests.filter((q) => q.endpoint === 'createOrder')).toEqual([]);
    expect(emu.server.requests.some((q) => q.endpoint === 'balances')).toBe(true);
  }, 60_000);
});
