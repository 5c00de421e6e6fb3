import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBarSource } from '../../src/replay/data/index.js';
import { PROJECT_ROOT } from '../support.js';
import { csvWriter, expectRejected } from './helpers.js';

const write = csvWriter();
const HEADER = 'date,open,high,low,close,volume';
const GOOD = ['2024-01-02,100,101,99,100.5,10', '2024-01-03,100.5,102,100,101,12'];

/** A file whose line 4 (after the header and two good rows) is `row`. */
function withRow(name: string, row: string, header = HEADER): string {
  return write(name, `${header}\n${GOOD.join('\n')}\n${row}\n2024-01-09,100,101,99,100,1\n`);
}

describe('rejections name the file, line and field', () => {
  it.each([
    ['empty close', '2024-01-04,100,101,99,,10', 'close', /^empty value$/],
    ['empty date', ',100,101,99,100,10', 'date', /^empty value$/],
    ['missing trailing fields', '2024-01-04,100,101', 'low', /missing value/],
    ['zero price', '2024-01-04,0,101,99,100,10', 'open', /price must be > 0, got 0/],
    ['negative price', '2024-01-04,100,101,-1,100,10', 'low', /price must be > 0/],
    ['negative volume', '2024-01-04,100,101,99,100,-3', 'volume', /volume must be >= 0/],
    ['high below low', '2024-01-04,100,98,99,98.5,10', 'high', /high 98 is below low 99/],
    ['open above high', '2024-01-04,102,101,99,100,10', 'open', /outside \[low 99, high 101\]/],
    ['close below low', '2024-01-04,100,101,99,98,10', 'close', /outside/],
    ['unparseable number', '2024-01-04,100,1O1,99,100,10', 'high', /not a number: "1O1"/],
    ['hex is not a number', '2024-01-04,100,0x65,99,100,10', 'high', /not a number/],
    ['unparseable date', '2024-01-4x,100,101,99,100,10', 'date', /unparseable date "2024-01-4x"/],
    ['impossible date', '2023-02-29,100,101,99,100,10', 'date', /unparseable date/],
    ['duplicate timestamp', '2024-01-03,100,101,99,100,10', 'date', /duplicate timestamp 2024-01-03T00:00:00.000Z \(also on line 3\)/],
  ])('%s', async (name, row, field, reason) => {
    await expectRejected(withRow(`${name.replace(/ /g, '-')}.csv`, row), { line: 4, field, reason });
  });

  it('a row with every field empty', async () => {
    await expectRejected(withRow('all-empty.csv', ',,,,,'), { line: 4, field: null, reason: /empty row/ });
  });

  it('a blank line between data rows (blank lines at the end are fine)', async () => {
    const file = write('blank.csv', `${HEADER}\n${GOOD[0]}\n\n${GOOD[1]}\n`);
    await expectRejected(file, { line: 3, field: null, reason: /empty row/ });
  });

  it('uses the file\'s own column names', async () => {
    await expectRejected(withRow('named.csv', '2024-01-04,100,101,99,,10', 'Timestamp,Open,High,Low,Close,Volume'), {
      line: 4,
      field: 'Close',
    });
  });

  it.each([
    ['close', 'date,open,high,low,volume'],
    ['volume', 'date,open,high,low,close'],
    ['date', 'when,open,high,low,close,volume'],
  ])('a missing required column (%s) on the header line', async (field, header) => {
    const file = write(`missing-${field}.csv`, `${header}\n2024-01-02,1,1,1,1\n`);
    await expectRejected(file, { line: 1, field, reason: /missing required column/ });
  });

  it('a missing column on line 2 after a banner', async () => {
    const file = write('banner-missing.csv', `Created on 10-17-2019,https://example.invalid\ndate,symbol,open,high,low,volume\n`);
    await expectRejected(file, { line: 2, field: 'close' });
  });

  it('no header at all', async () => {
    await expectRejected(write('noheader.csv', 'hello,world\nfoo,bar\n'), { line: 1, field: null, reason: /no header row/ });
  });

  it('a header and no rows, and an empty file', async () => {
    await expectRejected(write('header-only.csv', `${HEADER}\n`), { line: 1, field: null, reason: /no data rows/ });
    await expectRejected(write('empty.csv', ''), { line: null, field: null, reason: /empty file/ });
  });

  it('a missing file and a zip archive', async () => {
    await expectRejected(path.join(PROJECT_ROOT, 'fixtures/does-not-exist.csv'), { line: null, field: null, reason: /file not found/ });
    const zip = write('klines.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]).toString('latin1'));
    await expectRejected(zip, { line: null, field: null, reason: /zip archive/ });
  });

  it('non-monotonic time after orientation, with strictOrder', async () => {
    const rows = ['2024-01-05,1,1,1,1,1', '2024-01-04,1,1,1,1,1', '2024-01-06,1,1,1,1,1'];
    const file = write('nonmono.csv', `${HEADER}\n${rows.join('\n')}\n`);
    await expectRejected(file, { line: 4, field: 'date', reason: /non-monotonic time: 2024-01-06.* newest-first/ }, { strictOrder: true });
    expect((await openBarSource(file).scan()).rowsOutOfOrder).toBe(1);
  });

  it('duplicates that only meet after sorting', async () => {
    const rows = ['2024-01-05,1,1,1,1,1', '2024-01-07,1,1,1,1,1', '2024-01-06,1,1,1,1,1', '2024-01-05,1,1,1,1,1'];
    const file = write('dup-sorted.csv', `${HEADER}\n${rows.join('\n')}\n`);
    await expectRejected(file, { line: 5, field: 'date', reason: /duplicate timestamp .* \(also on line 2\)/ });
  });

  it('mixed symbols in one file', async () => {
    const file = write('mixed.csv', `date,symbol,open,high,low,close,volume\n2024-01-02,AAA,1,1,1,1,1\n2024-01-03,BBB,1,1,1,1,1\n`);
    await expectRejected(file, { line: 3, field: 'symbol', reason: /differs from "AAA" on line 2/ });
  });

  it('a CSV syntax error', async () => {
    await expectRejected(withRow('quote.csv', '2024-01-04,"100,101,99,100,10'), { line: 4, field: null, reason: /CSV syntax error/ });
  });

  it('the malformed fixtures', async () => {
    await expectRejected(path.join(PROJECT_ROOT, 'fixtures/malformed-high-below-low.csv'), { line: 4, field: 'high' });
    await expectRejected(path.join(PROJECT_ROOT, 'fixtures/malformed-empty-row.csv'), { line: 3, field: null });
  });

  it('zero volume is fine', async () => {
    const file = withRow('zero-volume.csv', '2024-01-04,100,101,99,100,0');
    expect((await openBarSource(file).scan()).barCount).toBe(4);
  });
});
