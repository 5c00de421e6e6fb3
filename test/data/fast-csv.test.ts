import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BarHasher } from '../../src/replay/data/bar-hasher.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { type PositionedRecord, readCsvRecords } from '../../src/replay/data/csv/csv-records.js';
import { fastRow, fastRowBar, fastRowHashLine, fastTime, plainDecimal } from '../../src/replay/data/csv/fast-row.js';
import { readHeader } from '../../src/replay/data/csv/layout.js';
import { recordToBar } from '../../src/replay/data/csv/record-to-bar.js';
import { NotSimpleCsv, simpleCsvBatches } from '../../src/replay/data/csv/simple-csv.js';
import { makeTimestampParser } from '../../src/replay/data/timestamp-text.js';
import { parseDecimalText } from '../../src/replay/data/decimal-text.js';
import { tempDir } from '../support.js';

/**
 * The fast CSV paths (simple-csv.ts: records without csv-parse; fast-row.ts: rows without a Decimal) against
 * the reference path (csv-parse records, recordToBar rows) on generated files, valid and broken: the same
 * records, the same scan (hash, counts, times) or the same error (file, line, field, reason), the same bars.
 */
const RUNS = Number(process.env.ENGINE_FAST_CSV_RUNS ?? 150);
const tmp = tempDir('engine-fast-csv-');
afterAll(tmp.cleanup);
let fileNo = 0;
function write(content: string | Buffer): string {
  const file = path.join(tmp.dir, `f${fileNo++}.csv`);
  writeFileSync(file, content);
  return file;
}

// --- generators ---------------------------------------------------------------------------------------

const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** Decimal-looking text: mostly plain, sometimes padded with zeros, long, in exponent form, signed or broken. */
const valueText = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(digits(1, 6), digits(0, 6)).map(([i, f]) => (f === '' ? i : `${i}.${f}`)) },
  { weight: 2, arbitrary: fc.tuple(digits(0, 3), digits(1, 4), digits(0, 3)).map(([z, i, f]) => `${'0'.repeat(z.length)}${i}.${f}${'0'.repeat(f.length % 3)}`) },
  { weight: 1, arbitrary: fc.tuple(digits(1, 20), digits(0, 20)).map(([i, f]) => `${i}.${f}`) },
  { weight: 1, arbitrary: fc.constantFrom('.5', '5.', '0', '0.0', '00', '1e3', '-1', '+2', '1E-20', '0.0000000000000000001', '999999999999999999', '1e18', 'abc', '', '.', '1..2', ' 1', 'NaN', '0x10') },
);

const isoTimeText = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms - (ms % 60_000)).toISOString());
const timeText = fc.oneof(
  { weight: 6, arbitrary: isoTimeText },
  { weight: 2, arbitrary: fc.integer({ min: 1e11, max: 4e12 }).map(String) },
  { weight: 2, arbitrary: isoTimeText.map((t) => t.slice(0, 16).replace('T', ' ')) },
  { weight: 1, arbitrary: fc.constantFrom('2023-02-29T00:00:00.000Z', '2024-02-29T10:00:00.000Z', '2024-13-01T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '2024-01-01t00:00:00.000z', '0999-01-01T00:00:00.000Z', '000000000001', '99999999999999', '2024-01-01T00:00:60.000Z', '2024-04-31T00:00:00.000Z', '') },
);

/** A row of bars: a consistent bar written plainly, or any text in each field. */
const row = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(timeText, fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 5000 }), fc.nat(100), fc.nat(100), digits(1, 5)).map(([t, low, span, o, c, v]) => {
      const cents = (n: number) => (n / 100).toString();
      const high = low + span;
      return [t, cents(low + Math.floor((span * o) / 100)), cents(high), cents(low), cents(low + Math.floor((span * c) / 100)), v];
    }),
  },
  { weight: 2, arbitrary: fc.tuple(timeText, valueText, valueText, valueText, valueText, valueText) },
  { weight: 1, arbitrary: fc.array(valueText, { minLength: 0, maxLength: 8 }) },
);

/** Rows of a file that should load: one time format, distinct times (ascending, or newest first), consistent bars. */
const validRows = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 30 }),
    fc.constantFrom('iso', 'epoch', 'naive'),
    fc.constantFrom('ascending', 'ascending', 'descending', 'shuffled'),
    fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 5000 }), fc.nat(100), fc.nat(100), digits(1, 5)), { minLength: 30, maxLength: 30 }),
  )
  .map(([minutes, format, order, values]) => {
    const sorted = order === 'shuffled' ? minutes : [...minutes].sort((a, b) => (order === 'ascending' ? a - b : b - a));
    return sorted.map((m, i) => {
      const ms = Date.UTC(2024, 0, 1) + m * 60_000;
      const t = format === 'iso' ? new Date(ms).toISOString() : format === 'epoch' ? String(ms) : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
      const [low, span, o, c, v] = values[i]!;
      // Half the rows written with trailing zeros ("100.50"), which the bar hash and the events normalise away.
      const cents = (n: number) => (o % 2 === 0 ? (n / 100).toFixed(2) : (n / 100).toString());
      return [t, cents(low + Math.floor((span * o) / 100)), cents(low + span), cents(low), cents(low + Math.floor((span * c) / 100)), v];
    });
  });

/** How a whole file is laid out around its rows. */
const layoutOf = fc.record({
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
  /** Something general the simple reader does not take, put in somewhere. */
  twist: fc.constantFrom('none', 'none', 'none', 'quote', 'bom', 'utf8', 'space', 'lone-cr', 'mixed', 'blank', 'blank-end', 'banner', 'empty'),
  at: fc.nat(),
});

function fileText(rows: string[][], l: { crlf: boolean; finalNewline: boolean; twist: string; at: number }): string {
  const lines = ['date,open,high,low,close,volume', ...rows.map((r) => r.join(','))];
  const i = 1 + (lines.length > 1 ? l.at % (lines.length - 1) : 0);
  switch (l.twist) {
    case 'quote':
      lines[i] = (lines[i] ?? '').replace(/^([^,]*)/, '"$1"');
      break;
    case 'bom':
      lines[0] = `\uFEFF${lines[0]}`;
      break;
    case 'utf8':
      lines[i] = `${lines[i] ?? ''},é`;
      break;
    case 'space':
      lines[i] = (lines[i] ?? '').replace(',', ' , ');
      break;
    case 'lone-cr':
      lines[i] = `${lines[i] ?? ''}\r`;
      break;
    case 'blank':
      lines.splice(i, 0, '');
      break;
    case 'blank-end':
      lines.push('', '');
      break;
    case 'banner':
      lines.unshift('Created by a test,https://example.invalid');
      break;
    case 'empty':
      return '';
  }
  const eol = l.crlf ? '\r\n' : '\n';
  let text = lines.join(eol);
  if (l.twist === 'mixed' && lines.length > 2) text = lines.slice(0, 2).join(eol) + (l.crlf ? '\n' : '\r\n') + lines.slice(2).join(eol);
  return l.finalNewline ? text + eol : text;
}

// --- the comparisons ----------------------------------------------------------------------------------

async function outcome(file: string, reference: boolean): Promise<unknown> {
  const source = openBarSource(file, { reference });
  try {
    const scan = await source.scan();
    const bars: string[] = [];
    for await (const b of source.bars()) bars.push(BarHasher.lineOf(b));
    return { scan, bars };
  } catch (err) {
    return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

async function generalRecords(file: string, fromLine: number): Promise<PositionedRecord[]> {
  const out: PositionedRecord[] = [];
  for await (const r of readCsvRecords(file, file, fromLine)) out.push(r);
  return out;
}

function simpleRecords(file: string, fromLine: number): PositionedRecord[] | 'not simple' {
  try {
    return [...simpleCsvBatches(file, fromLine)].flat();
  } catch (err) {
    if (err instanceof NotSimpleCsv) return 'not simple';
    throw err;
  }
}

describe('fast CSV paths give what the reference path gives', () => {
  it('a whole file: the same scan or the same error, the same bars', async () => {
    let simpleSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(validRows, fc.array(row, { minLength: 0, maxLength: 30 })), layoutOf, async (rows, l) => {
        const file = write(fileText(rows, l));
        const fast = await outcome(file, false);
        const reference = await outcome(file, true);
        expect(fast).toEqual(reference);
        if ('scan' in (fast as object)) simpleSeen++;
      }),
      { numRuns: RUNS, seed: 15 },
    );
    expect(simpleSeen).toBeGreaterThan(RUNS / 10);
  });

  it('the simple reader: the records, lines and byte ranges of csv-parse, or "not simple"', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 0, maxLength: 20 }), layoutOf, fc.constantFrom(1, 1, 2), async (rows, l, fromLine) => {
        const file = write(fileText(rows, l));
        const simple = simpleRecords(file, fromLine);
        if (simple === 'not simple') return;
        compared++;
        const general = await generalRecords(file, fromLine);
        // csv-parse reports the first record after skipped lines as starting at byte 0 (csv-records.ts says so).
        if (fromLine > 1 && general[0]) general[0] = { ...general[0], startByte: simple[0]?.startByte ?? 0 };
        expect(simple).toEqual(general);
      }),
      { numRuns: RUNS, seed: 16 },
    );
    expect(compared).toBeGreaterThan(RUNS / 4);
  });

  it('a row: fastRow is either null or exactly the bar, time format and hash line of recordToBar', () => {
    const header = readHeader(['date', 'open', 'high', 'low', 'close', 'volume']);
    if (!header.ok) throw new Error('header');
    const layout = { ...header.header.layout, volume: 5, names: { ...header.header.layout.names, volume: 'volume' } } as Parameters<typeof fastRow>[1];
    const parseTime = makeTimestampParser('UTC');
    let fastCount = 0;
    fc.assert(
      fc.property(row, (fields) => {
        const fast = fastRow(fields, layout);
        const reference = recordToBar(fields, layout, parseTime);
        if (fast === null) return;
        fastCount++;
        expect(reference.ok).toBe(true);
        if (!reference.ok) return;
        expect(fast.timeFormat).toBe(reference.timeFormat);
        expect(fastRowHashLine(fast)).toBe(BarHasher.lineOf(reference.bar));
        const bar = fastRowBar(fast);
        for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) expect(bar[k].toFixed()).toBe(reference.bar[k].toFixed());
        expect(bar.time).toBe(reference.bar.time);
      }),
      { numRuns: RUNS * 10, seed: 17 },
    );
    expect(fastCount).toBeGreaterThan(RUNS);
  });

  it('plainDecimal and fastTime agree with the reference parsers wherever they answer', () => {
    const parseTime = makeTimestampParser('UTC');
    fc.assert(
      fc.property(valueText, timeText, (v, t) => {
        const p = plainDecimal(v);
        if (p !== null) {
          const ref = parseDecimalText(v);
          expect(ref.ok).toBe(true);
          if (ref.ok) expect(p).toBe(ref.value.isZero() ? '0' : ref.value.toFixed());
        }
        const ft = fastTime(t);
        if (ft !== null) expect(parseTime(t)).toEqual({ ok: true, ms: ft.ms, format: ft.format });
      }),
      { numRuns: RUNS * 20, seed: 18 },
    );
  });
});
