import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engine, storedLines } from '../backtest/cli-support.js';
import { CLI, tempDir } from '../support.js';

/**
 * Issue 13 items 6, 12 and 14: inputs that were accepted (or crashed with exit 70, or hung) are
 * refused with exit 2, a line that says why, and nothing appended.
 */
const tmp = tempDir('engine-loose-checks-');
afterAll(() => tmp.cleanup());

function put(name: string, content: string): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, content);
  return p;
}

const BACKTEST = ['backtest', '--data', 'synthetic:bars=200,interval=1h', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1'];
let dbCount = 0;

async function refused(args: string[], message: RegExp, options: { lines?: number } = {}) {
  const db = path.join(tmp.dir, `case-${++dbCount}.db`);
  const r = await engine([...args, '--db', db], { timeoutMs: 30_000 });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(options.lines ?? 1);
  expect(r.stderr).toMatch(message);
  expect(await storedLines(db)).toEqual([]);
}

function withFlags(base: string[], flags: string[]): string[] {
  const args = [...base];
  for (let i = 0; i < flags.length; i += 2) {
    const at = args.indexOf(flags[i]!);
    if (at >= 0 && !flags[i]!.startsWith('--param')) args[at + 1] = flags[i + 1]!;
    else args.push(flags[i]!, flags[i + 1]!);
  }
  return args;
}

describe('backtest flags', () => {
  it.each([
    ['a fee over 100%', ['--fee-bps', '10001'], /--fee-bps must be at most 10000 basis points \(100%\), got "10001"/],
    ['slippage over 100%', ['--slippage-bps', '20000'], /--slippage-bps must be at most 10000 basis points/],
    ['a number too long to be meant', ['--initial-cash', '1'.repeat(100)], /--initial-cash must be a non-negative number \(at most 40 characters\)/],
    ['the same --param twice', ['--param', 'fast=5', '--param', 'fast=7'], /--param fast given twice \(fast=5 and fast=7\): give it once/],
    ['a synthetic symbol that is not --symbol', ['--data', 'synthetic:bars=200,symbol=ABC'], /field "symbol": the data is "ABC" but --symbol says "SYN"/],
    ['an empty synthetic spec', ['--data', 'synthetic:'], /empty synthetic spec: state at least one key/],
  ])('%s', async (_name, flags, message) => {
    await refused(withFlags(BACKTEST, flags), message);
  });

  it("a CSV whose symbol column is not --symbol", async () => {
    const csv = put('sym.csv', 'date,symbol,open,high,low,close,volume\n2024-01-01,BTCUSD,1,2,0.5,1,10\n2024-01-02,BTCUSD,1,2,0.5,1,10\n');
    await refused(withFlags(BACKTEST, ['--data', csv, '--symbol', 'ETHUSD']), /the file's symbol column says "BTCUSD" but --symbol is "ETHUSD"/);
    const same = await engine(withFlags(BACKTEST, ['--data', csv, '--symbol', 'BTC/USD', '--db', path.join(tmp.dir, 'sym-ok.db')]));
    expect(same.code, same.stderr).toBe(0);
  });
});

describe('--data and --config that are not regular files: exit 2 at once, never a wait', () => {
  const fifo = path.join(tmp.dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const folder = path.join(tmp.dir, 'folder');
  mkdirSync(folder);

  it.each([
    ['--data a directory', ['--data', folder], /folder: is a directory, not a CSV file/],
    ['--data a FIFO', ['--data', fifo], /pipe: is a named pipe \(FIFO\), not a regular file/],
    ['--data a device', ['--data', '/dev/zero'], /is a device, not a regular file/],
    ['--config a FIFO', ['--config', fifo], /pipe: \(file\): is not a regular file/],
    ['--config a directory', ['--config', folder], /folder: \(file\): is a directory/],
  ])('%s', async (_name, flags, message) => {
    await refused(withFlags(BACKTEST, flags), message);
  });

  it('config check on a FIFO with no writer answers at once', () => {
    const r = spawnSync(process.execPath, [CLI, 'config', 'check', '--config', fifo], { encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' });
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(2);
  });
});

describe('configuration files', () => {
  it.each([
    ['money as a JSON number too large for a double', '{"base":{"initialCash": 12345678901234567890123}}', /base\.initialCash: line 1: the JSON number 12345678901234567890123 is not exact \(it reads as 1\.2345678901234568e\+22\): write it as a string, "12345678901234567890123"/],
    ['money with more digits than a double keeps', '{"base":{"risk":{"minNotional": 10.000000000000000001}}}', /base\.risk\.minNotional: line 1: the JSON number 10\.000000000000000001 is not exact/],
    ['a duplicate key', '{"base":{\n"initialCash": "1000",\n"initialCash": "5"}}', /base\.initialCash: duplicate key \(line 3, first on line 2\)/],
    ['a duplicate profile', '{"profiles":{"dev":{},\n"dev":{"symbol":"X"}}}', /profiles\.dev: duplicate key/],
    ['a fee over 100% in the file', '{"base":{"simulation":{"feeBps": 10001}}}', /base\.simulation\.feeBps: must be at most 10000 basis points/],
  ])('%s', async (_name, json, message) => {
    const cfg = put('cfg.json', json);
    await refused(withFlags(BACKTEST, ['--config', cfg]), message);
    const check = spawnSync(process.execPath, [CLI, 'config', 'check', '--config', cfg], { encoding: 'utf8' });
    expect(check.status).toBe(2);
    expect(check.stderr).toMatch(message);
  });

  it('an exact JSON number for money is still read as written', () => {
    const cfg = put('exact.json', '{"base":{"initialCash": 1000.5}}');
    const r = spawnSync(process.execPath, [CLI, 'config', 'show', '--config', cfg, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).initialCash).toBe('1000.5');
  });

  it.each([
    ['an unknown strategy', '{"base":{"strategy":{"name":"no-such"}}}', /base\.strategy: unknown strategy "no-such"/, 1],
    ['bad strategy params in one profile', '{"profiles":{"prod":{"strategy":{"name":"sma-cross","params":{"fast":"abc"}}}}}', /profiles\.prod\.strategy: strategy "sma-cross": param "fast"="abc"/, 1],
    ['an unknown parameter in the base', '{"base":{"strategy":{"name":"sma-cross","params":{"colour":"red"}}}}', /base\.strategy: .*colour/, 1],
    ['a strategy file that does not exist', '{"base":{"strategy":{"name":"./no-such-strategy.ts"}}}', /base\.strategy: .*no-such-strategy\.ts/, 1],
  ])('config check: %s', (_name, json, message, lines) => {
    const cfg = put('strategy.json', json);
    const r = spawnSync(process.execPath, [CLI, 'config', 'check', '--config', cfg], { encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(lines);
    expect(r.stderr).toMatch(message);
  });
});

describe('kill-switch reasons', () => {
  it.each([
    ['100 KB', 'x'.repeat(100_000), /--reason is 100000 characters long: at most 500/],
    ['a terminal escape sequence', 'news\u001b[2J at 14:30', /--reason contains a control character \(\\x1b at 5\): plain text only/],
  ])('%s: refused, nothing appended', async (_name, reason, message) => {
    await refused(['kill-switch', 'engage', '--reason', reason], message);
  });

  it('a plain reason of 500 characters is taken', async () => {
    const db = path.join(tmp.dir, 'ks-ok.db');
    const r = await engine(['kill-switch', 'engage', '--reason', 'y'.repeat(500), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(await storedLines(db)).toHaveLength(1);
  });
});
