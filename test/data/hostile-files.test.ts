import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, openBarSource } from '../../src/replay/data/index.js';
import { engine, storedLines } from '../backtest/cli-support.js';
import { tempDir } from '../support.js';

/**
 * Data files a careless or hostile user passes as --data (issue 13 items 5, 12, 13, 14): each is
 * refused with one DataError line naming the file (and the line and field where there is one),
 * quickly, without buffering the file or waiting on it, and before anything is appended.
 */
const tmp = tempDir('engine-hostile-data-');
afterAll(() => tmp.cleanup());
const HEADER = 'date,open,high,low,close,volume\n';

function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, content);
  return p;
}

async function scanError(spec: string): Promise<DataError> {
  const err = await openBarSource(spec).scan().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

function dailyRows(n: number, from = Date.UTC(2000, 0, 1)): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const p = 100 + (i % 17);
    out += `${new Date(from + i * 86_400_000).toISOString().slice(0, 10)},${p},${p + 2},${p - 2},${p + 1},1000\n`;
  }
  return out;
}

describe('files that are not CSV text', () => {
  it('a directory', async () => {
    const d = path.join(tmp.dir, 'a-dir');
    mkdirSync(d);
    expect((await scanError(d)).message).toBe(`${d}: is a directory, not a CSV file`);
  });

  it('a FIFO with no writer is refused at once, not waited on', async () => {
    const fifo = path.join(tmp.dir, 'no-writer.fifo');
    execFileSync('mkfifo', [fifo]);
    expect((await scanError(fifo)).message).toMatch(/is a named pipe \(FIFO\), not a regular file/);
  });

  it('a FIFO with a writer is refused too (it could not be read twice)', async () => {
    const fifo = path.join(tmp.dir, 'writer.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '${HEADER.trim()}\\n' > ${fifo}`]);
    try {
      expect((await scanError(fifo)).message).toMatch(/is a named pipe \(FIFO\)/);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('a device', async () => {
    expect((await scanError('/dev/zero')).message).toBe('/dev/zero: is a device, not a regular file');
  });

  it.each([
    ['an executable', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]), /a binary file, not CSV text \(a NUL byte at offset 7\)/],
    ['a gzip file', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /gzip file: gunzip it/],
    ['an SQLite database', Buffer.concat([Buffer.from('SQLite format 3\u0000', 'latin1'), Buffer.alloc(100)]), /SQLite database \(an event log belongs in --db\)/],
  ])('%s', async (name, bytes, message) => {
    expect((await scanError(file(`${name.replaceAll(' ', '-')}.csv`, bytes))).message).toMatch(message);
  });

  it('a 200 MB sparse file is refused from its first bytes', async () => {
    const p = path.join(tmp.dir, 'sparse.csv');
    writeFileSync(p, '');
    truncateSync(p, 200 * 1024 * 1024);
    expect((await scanError(p)).message).toBe(`${p}: a binary file, not CSV text (a NUL byte at offset 0)`);
  });

  it('a CSV whose tail is a sparse hole stops at the first over-long record, not at the end of the file', async () => {
    const p = file('hole.csv', HEADER + dailyRows(3000)); // past the 64 KiB looked at for binary bytes
    truncateSync(p, 200 * 1024 * 1024);
    const err = await scanError(p);
    expect(err.message).toMatch(/hole\.csv:3002: a record longer than 65536 characters/);
  });
});

describe('what an error quotes from the file', () => {
  it('a 50 MB line: refused at the record cap, at most ~200 characters of it quoted', async () => {
    const p = path.join(tmp.dir, 'long-line.csv');
    const fd = openSync(p, 'w');
    writeSync(fd, HEADER + '2024-01-01,');
    const chunk = Buffer.alloc(1 << 20, '7');
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    writeSync(fd, ',2,0.5,1,10\n');
    closeSync(fd);
    const err = await scanError(p);
    expect(err.message).toMatch(/long-line\.csv:2: a record longer than 65536 characters/);
    expect(err.message.length).toBeLessThan(400);
  });

  it('any value: control bytes escaped, at most 200 characters, one line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 3000 }), async (junk) => {
        // No NUL (a file with one is refused as binary: tested above) and nothing that ends the field.
        const value = `x${junk.replace(/[,"\r\n\u0000]/g, '')}`;
        const p = file('junk.csv', `${HEADER}2024-01-01,1,2,0.5,1,10\n2024-01-02,${value},2,0.5,1,10\n`);
        const err = await scanError(p);
        expect(err.message).toMatch(/junk\.csv:3: field "open": not a number: "/);
        // eslint-disable-next-line no-control-regex
        expect(err.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(err.message.length).toBeLessThan(320);
      }),
      { numRuns: 40 },
    );
  });
});

describe('times an event cannot carry (item 5)', () => {
  it.each([40, 5000])('a %d-row file ending on 9999-12-31 is refused at the scan, naming that row', async (rows) => {
    const p = file(`far-${rows}.csv`, HEADER + dailyRows(rows) + '9999-12-31,100,102,98,101,1000\n');
    const err = await scanError(p);
    expect(err.message).toBe(
      `${p}:${rows + 2}: field "date": the bar at 9999-12-31T00:00:00.000Z closes after 9999-12-31T23:59:59.999Z (one interval of 86400000 ms later), the last time an event can carry`,
    );
  });

  it('the same row out of place (a file sorted in memory) is found too', async () => {
    const p = file('far-middle.csv', HEADER + dailyRows(10) + '9999-12-31,100,102,98,101,1000\n' + dailyRows(10, Date.UTC(2001, 0, 1)));
    expect((await scanError(p)).message).toMatch(/far-middle\.csv:12: field "date": the bar at 9999-12-31/);
  });

  it('synthetic data that would run past 9999 is refused', async () => {
    expect(() => openBarSource('synthetic:bars=1000,interval=1d,start=9999-12-01T00:00:00Z')).toThrow(/the series would end after 9999-12-31T23:59:59\.999Z/);
    expect(openBarSource('synthetic:bars=30,interval=1d,start=9999-12-01T00:00:00Z').spec).toMatch(/^synthetic:/); // the last bar closes on 9999-12-31
  });

  it.each([40, 5000])('engine backtest with a %d-row such file: exit 2, nothing appended, whatever the size', async (rows) => {
    const p = file(`far-cli-${rows}.csv`, HEADER + dailyRows(rows) + '9999-12-31,100,102,98,101,1000\n');
    const db = path.join(tmp.dir, `far-${rows}.db`);
    const r = await engine(['backtest', '--data', p, '--symbol', 'X', '--strategy', 'sma-cross', '--seed', '1', '--db', db], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`engine backtest: ${p}:${rows + 2}: field "date": the bar at 9999-12-31T00:00:00.000Z closes after 9999-12-31T23:59:59.999Z (one interval of 86400000 ms later), the last time an event can carry`]);
    expect(await storedLines(db)).toEqual([]);
  });
});

describe('loose rows (item 14)', () => {
  it.each([
    ['2024-01-02', '1/3/2024', 'M/D/YYYY differs from YYYY-MM-DD on line 2'],
    ['2024-01-02', '2024-01-03 00:00', 'YYYY-MM-DD HH:MM differs from YYYY-MM-DD on line 2'],
    ['2024-01-02T00:00', '2024-01-03T00:00Z', 'YYYY-MM-DD HH:MM with a UTC offset differs from YYYY-MM-DD HH:MM on line 2'],
    ['1704153600', '1704240000000', 'epoch milliseconds differs from epoch seconds on line 2'],
    ['2024-01-02', '2024/01/03', 'YYYY/MM/DD differs from YYYY-MM-DD on line 2'],
  ])('mixed time formats: %s then %s', async (a, b, message) => {
    const p = file('mixed.csv', `${HEADER}${a},1,2,0.5,1,10\n${b},1,2,0.5,1,10\n`);
    expect((await scanError(p)).message).toBe(`${p}:3: field "date": time format ${message} (one file, one time format)`);
  });

  it.each([
    ['1e999999999', /out of range: "1e999999999"/],
    ['1e19', /out of range/],
    ['0.0000000000000000001', /out of range/],
    ['1.00000000000000000000000000000000001', /more than 34 significant digits/],
  ])('a price of %s', async (price, message) => {
    const p = file('huge.csv', `${HEADER}2024-01-01,${price},${price},${price},${price},10\n`);
    expect((await scanError(p)).message).toMatch(message);
  });

  it('an empty synthetic spec is refused (a shell variable that expanded to nothing)', async () => {
    for (const spec of ['synthetic:', 'synthetic', 'synthetic: ,']) {
      expect(() => openBarSource(spec)).toThrow(/empty synthetic spec: state at least one key/);
    }
  });

  it('a synthetic symbol that contradicts --symbol is refused', () => {
    expect(() => openBarSource('synthetic:symbol=ABC', { symbol: 'SYN' })).toThrow(/the data is "ABC" but --symbol says "SYN"/);
    expect(openBarSource('synthetic:symbol=SYN', { symbol: 'SYN' }).spec).toBe('synthetic:symbol=SYN');
  });
});
