import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { BarHasher } from '../../src/replay/data/bar-hasher.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { CsvInterpreter } from '../../src/replay/data/csv/csv-interpreter.js';
import type { PositionedRecord } from '../../src/replay/data/csv/csv-records.js';
import { fastRow, fastRowHashLine, plainDecimal } from '../../src/replay/data/csv/fast-row.js';
import { decimalOfNormal } from '../../src/replay/data/csv/plain-bars.js';
import { Decimal } from '../../src/engine/values.js';
import { type ByteRowRules, plainScan, type PlainScanSink } from '../../src/replay/data/csv/plain-scan.js';
import { simpleCsvBatches } from '../../src/replay/data/csv/simple-csv.js';
import { makeTimestampParser } from '../../src/replay/data/timestamp-text.js';
import { tempDir } from '../support.js';

/**
 * The byte-level scan (plain-scan.ts) against the reference: on generated files, valid and broken, every
 * line is either a record exactly as simpleCsvBatches gives it or a byte row with the line, byte range, time
 * and hash line fastRow gives that record; it takes every row fastRow takes in the file's time format (so
 * it cannot quietly decline everything); errors are the same at the same point. Whole files give the same
 * scan or error, and the same bars, as the reference path (csv-parse and recordToBar).
 */
const RUNS = Number(process.env.ENGINE_FAST_CSV_RUNS ?? 150);
const tmp = tempDir('engine-plain-scan-');
afterAll(tmp.cleanup);
let fileNo = 0;
function write(content: string): string {
  const file = path.join(tmp.dir, `p${fileNo++}.csv`);
  writeFileSync(file, content);
  return file;
}

// --- generators ---------------------------------------------------------------------------------------

interface TextStyle {
  lead: number;
  trail: number;
  /** '.5' instead of '0.5'; '5.' instead of '5'. */
  bare: boolean;
}
const style: fc.Arbitrary<TextStyle> = fc.record({
  lead: fc.constantFrom(0, 0, 0, 0, 1, 2),
  trail: fc.constantFrom(0, 0, 0, 1, 3),
  bare: fc.boolean(),
});

/** A scaled integer written with k fraction digits in the given style. */
function decimalText(v: bigint, k: number, s: TextStyle): string {
  const digits = v.toString().padStart(k + 1, '0');
  let int = '0'.repeat(s.lead) + digits.slice(0, digits.length - k);
  let frac = digits.slice(digits.length - k) + '0'.repeat(k > 0 ? s.trail : 0);
  if (s.bare && /^0+$/.test(int) && frac !== '') int = '';
  if (frac === '' && s.bare) frac = '';
  return frac !== '' ? `${int}.${frac}` : s.bare && s.trail === 0 ? `${int}.` : int;
}

const bigDigits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => BigInt(`1${d.join('')}`));

/** A consistent bar as scaled integers: low, high, open, close at one scale, volume at another. */
const barValues = fc
  .tuple(
    bigDigits(0, 16),
    fc.constantFrom(0, 1, 2, 2, 2, 2, 4, 4, 8, 8, 12, 19, 24),
    fc.bigInt({ min: 0n, max: 10n ** 6n }),
    fc.nat(100),
    fc.nat(100),
    fc.tuple(bigDigits(0, 8), fc.constantFrom(0, 2, 4, 20)),
    fc.array(style, { minLength: 5, maxLength: 5 }),
    fc.boolean(),
  )
  .map(([low, k, span, o, c, [vol, vk], styles, zeroVolume]) => {
    const high = low + span;
    const open = low + (span * BigInt(o)) / 100n;
    const close = low + (span * BigInt(c)) / 100n;
    const st = (i: number) => styles[i]!;
    return [
      decimalText(open, k, st(0)),
      decimalText(high, k, st(1)),
      decimalText(low, k, st(2)),
      decimalText(close, k, st(3)),
      zeroVolume ? '0' : decimalText(vol, vk, st(4)),
    ];
  });

/** Bars every path takes: a few digits at an everyday scale. */
const plainBarValues = fc
  .tuple(bigDigits(2, 8), fc.constantFrom(0, 2, 4, 8), fc.bigInt({ min: 0n, max: 10n ** 4n }), fc.nat(100), fc.nat(100), bigDigits(0, 6), fc.array(style, { minLength: 5, maxLength: 5 }))
  .map(([low, k, span, o, c, vol, styles]) =>
    [low + (span * BigInt(o)) / 100n, low + span, low, low + (span * BigInt(c)) / 100n, vol].map((v, i) => decimalText(v, i === 4 ? 2 : k, styles[i]!)),
  );

type TimeFormat = 'iso' | 'epoch' | 'naive';
function timeText(ms: number, format: TimeFormat): string {
  if (format === 'epoch') return String(ms);
  const iso = new Date(ms).toISOString();
  return format === 'iso' ? iso : iso.slice(0, 16).replace('T', ' ');
}

/** What can go wrong with one row. */
const breakage = fc.oneof(
  { weight: 120, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('value' as const),
      column: fc.integer({ min: 0, max: 4 }),
      text: fc.constantFrom('', 'abc', '-1', '1e3', '1..2', '.', '+2', 'NaN', '0', '00.000', '1 2', '1x', '0.0000000000000000001', '1000000000000000000', '123456789012345.6'),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'swap-high-low' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      text: fc.constantFrom('2024-02-30T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2024-01-01 00:00', '2024-01-01T00:00:60.000Z', '0999-01-01T00:00:00.000Z', '1704067200000', '99999999999999', '2024-01-01T00:00:00Z', '2024-13-01T00:00:00.000Z', 'x'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate-time' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'backward' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'blank-before' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop-field' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'extra-field' as const }) },
);
type Breakage = typeof breakage extends fc.Arbitrary<infer T> ? T : never;

const COLUMNS = ['date', 'open', 'high', 'low', 'close', 'volume'];

interface FileSpec {
  order: number[];
  extra: number | null;
  format: TimeFormat;
  gapMinutes: number;
  rows: Array<[string[], Breakage]>;
  crlf: boolean;
  finalNewline: boolean;
  twist: 'none' | 'quote' | 'utf8' | 'space' | 'lone-cr' | 'mixed' | 'blank-end' | 'banner';
}

const fileSpec = (maxRows: number, twists: boolean): fc.Arbitrary<FileSpec> =>
  fc.record({
    order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
    extra: fc.option(fc.integer({ min: 0, max: 6 })),
    format: fc.constantFrom<TimeFormat>('iso', 'iso', 'epoch', 'naive'),
    gapMinutes: fc.constantFrom(1, 1, 60, 1440),
    rows: fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: plainBarValues }, { weight: 2, arbitrary: barValues }), breakage), { minLength: 0, maxLength: maxRows }),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
    twist: twists ? fc.constantFrom('none', 'none', 'none', 'quote', 'utf8', 'space', 'lone-cr', 'mixed', 'blank-end', 'banner') : fc.constant('none' as const),
  });

function fileText(f: FileSpec): string {
  const place = (fields: string[], extraValue: string): string[] => {
    const out = f.order.map((c) => fields[c]!);
    if (f.extra !== null) out.splice(f.extra, 0, extraValue);
    return out;
  };
  const lines = [place(COLUMNS, 'trades').join(',')];
  const start = Date.UTC(2024, 0, 1);
  let prev = start;
  f.rows.forEach(([values, b], i) => {
    let ms = start + i * f.gapMinutes * 60_000;
    if (b.kind === 'duplicate-time' && i > 0) ms = prev;
    if (b.kind === 'backward' && i > 0) ms = prev - 60_000;
    prev = ms;
    const fields = [timeText(ms, f.format), ...values];
    if (b.kind === 'value') fields[b.column + 1] = b.text;
    if (b.kind === 'swap-high-low') [fields[2], fields[3]] = [fields[3]!, fields[2]!];
    if (b.kind === 'time') fields[0] = b.text;
    let out = place(fields, String(i));
    if (b.kind === 'drop-field') out = out.slice(0, -1);
    if (b.kind === 'extra-field') out.push('7');
    if (b.kind === 'blank-before') lines.push('');
    lines.push(out.join(','));
  });
  const at = 1 + (f.rows.length * 7) % Math.max(1, lines.length - 1);
  switch (f.twist) {
    case 'quote':
      lines[at] = `"${lines[at] ?? ''}"`;
      break;
    case 'utf8':
      lines[at] = `${lines[at] ?? ''},é`;
      break;
    case 'space':
      lines[at] = (lines[at] ?? '').replace(',', ', ');
      break;
    case 'lone-cr':
      lines[at] = `${lines[at] ?? ''}\r`;
      break;
    case 'blank-end':
      lines.push('', '');
      break;
    case 'banner':
      lines.unshift('Created by a test,https://example.invalid');
      break;
  }
  const eol = f.crlf ? '\r\n' : '\n';
  let text = lines.join(eol);
  if (f.twist === 'mixed' && lines.length > 2) text = lines.slice(0, 2).join(eol) + (f.crlf ? '\n' : '\r\n') + lines.slice(2).join(eol);
  return f.finalNewline ? text + eol : text;
}

/** Exactly n digits. */
const nDigits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const twoDigits = (max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(2, '0'));

/** ISO-shaped text with every field near or past its limit (months 00-13, days 00-32, 24:60:60, years 0990-2100). */
const edgeTime = fc
  .tuple(fc.integer({ min: 990, max: 2100 }), twoDigits(13), twoDigits(32), twoDigits(25), twoDigits(61), twoDigits(61), nDigits(3), fc.constantFrom('Z', 'Z', 'Z', 'z'))
  .map(([y, mo, d, h, mi, s, ms, z]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${ms}${z}`);
const edgeEpoch = fc.integer({ min: 10, max: 15 }).chain(nDigits);

/** Decimal text near the byte reader's limits: 13-17 significant digits, fractions of 16-26 digits, leading and trailing zeros. */
const edgeValue = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 26 })).chain(([i, f]) => fc.tuple(nDigits(i), nDigits(f))).map(([i, f]) => (f === '' ? i || '0' : `${i}.${f}`)),
  fc.tuple(fc.integer({ min: 10, max: 24 }), fc.integer({ min: 1, max: 16 })).chain(([z, n]) => nDigits(n).map((d) => `0.${'0'.repeat(z)}${d}`)),
  fc.tuple(fc.integer({ min: 1, max: 19 }), fc.integer({ min: 0, max: 3 })).chain(([n, t]) => nDigits(n).map((d) => `${d}${t > 0 ? `.${'0'.repeat(t)}` : ''}`)),
);
/** Four prices: one text four times (a bar every rule allows when it reads), or four texts of their own. */
const edgePrices = fc.oneof(edgeValue.map((v) => [v, v, v, v]), fc.array(edgeValue, { minLength: 4, maxLength: 4 }));

// --- the reference, record by record ------------------------------------------------------------------

type Event = { kind: 'record'; rec: PositionedRecord } | { kind: 'byte'; line: number; startByte: number; endByte: number; time: number; hashLine: string };

/** Records what plainScan hands over; records go through an interpreter as in the real scan. */
class RecordingSink implements PlainScanSink {
  readonly hasher = new BarHasher();
  readonly events: Event[] = [];
  constructor(private readonly interpreter: CsvInterpreter) {}
  record(rec: PositionedRecord): void {
    this.events.push({ kind: 'record', rec });
    this.interpreter.acceptForScan(rec);
  }
  byteRowRules(): ByteRowRules | null {
    return this.interpreter.byteRowRules();
  }
  byteRow(time: number, line: number, startByte: number, endByte: number, lineEnd: number): void {
    const hashLine = this.hasher.bytes(0).toString('latin1', this.hasher.bytesEnd(), lineEnd);
    this.hasher.addedBytes(lineEnd);
    this.events.push({ kind: 'byte', line, startByte, endByte, time, hashLine });
  }
  lineBuffer(room: number): Buffer {
    return this.hasher.bytes(room);
  }
  lineStart(): number {
    return this.hasher.bytesEnd();
  }
}

const parseTime = makeTimestampParser('UTC');
const interpreter = (file: string) => new CsvInterpreter(file, parseTime, null, false, true);

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** A value fastRow takes that the byte reader leaves to it: more than 22 fraction digits (10^k is not exact past 22). */
function longFraction(fields: readonly string[], columns: number[]): boolean {
  return columns.some((c) => (/\.(\d*?)0*$/.exec(fields[c] ?? '')?.[1]?.length ?? 0) > 22);
}

/**
 * What the byte scan must hand over for each simple record, as the reference decides it: the record itself,
 * or (where the reference interpreter takes the row without recordToBar, in the file's time format) a byte
 * row with fastRow's time and hash line.
 */
function expectedEvents(file: string): { events: Event[]; error: string | null; byteRows: number } {
  const records = [...simpleCsvBatches(file, 1)].flat();
  const ref = interpreter(file);
  const events: Event[] = [];
  let byteRows = 0;
  for (const rec of records) {
    const rules = ref.byteRowRules();
    const fast = rules === null ? null : fastRow(rec.fields, rules.layout);
    const l = rules?.layout;
    if (rules !== null && l && fast !== null && fast.timeFormat === rules.timeFormat && !longFraction(rec.fields, [l.open, l.high, l.low, l.close, l.volume])) {
      events.push({ kind: 'byte', line: rec.line, startByte: rec.startByte, endByte: rec.endByte, time: fast.time, hashLine: fastRowHashLine(fast) });
      byteRows++;
    } else {
      events.push({ kind: 'record', rec });
    }
    try {
      ref.acceptForScan(rec);
    } catch (err) {
      return { events, error: errorText(err), byteRows };
    }
  }
  return { events, error: null, byteRows };
}

function actualEvents(file: string, chunkBytes: number | undefined): { events: Event[]; error: string | null } {
  const sink = new RecordingSink(interpreter(file));
  try {
    for (const _ of plainScan(file, 1, sink, chunkBytes)) void _;
    return { events: sink.events, error: null };
  } catch (err) {
    return { events: sink.events, error: errorText(err) };
  }
}

// --- whole files ----------------------------------------------------------------------------------------

/** Every recorded figure of a bar, Decimal internals included (digits, exponent, sign). */
function barFigures(b: Bar): unknown {
  const d = (x: Bar['open']) => ({ s: x.s, e: x.e, d: [...x.d], text: x.toFixed() });
  return { time: b.time, open: d(b.open), high: d(b.high), low: d(b.low), close: d(b.close), volume: d(b.volume) };
}

async function outcome(file: string, reference: boolean): Promise<unknown> {
  const source = openBarSource(file, { reference });
  try {
    const scan = await source.scan();
    const bars: unknown[] = [];
    for await (const b of source.bars()) bars.push(barFigures(b));
    return { scan, bars };
  } catch (err) {
    return { error: errorText(err) };
  }
}

describe('the byte-level CSV scan gives what the reference gives', () => {
  it('line by line: the same records, or byte rows with the same line, bytes, time and hash line; the same error at the same point', () => {
    let byteRows = 0;
    let errors = 0;
    fc.assert(
      fc.property(fileSpec(30, false), fc.option(fc.integer({ min: 1, max: 120 })), (spec, chunk) => {
        const file = write(fileText(spec));
        const expected = expectedEvents(file);
        const actual = actualEvents(file, chunk ?? undefined);
        expect(actual).toEqual({ events: expected.events, error: expected.error });
        byteRows += expected.byteRows;
        if (expected.error !== null) errors++;
      }),
      { numRuns: RUNS * 2, seed: 1501 },
    );
    // The properties are about something: many rows were read from bytes, many files were refused.
    expect(byteRows).toBeGreaterThan(RUNS * 2);
    expect(errors).toBeGreaterThan(RUNS / 5);
  });

  it('one row at a time at the edges: times near the calendar\'s limits, values near 15 digits, 1e-18 and 1e18', () => {
    let byteRows = 0;
    fc.assert(
      fc.property(fc.constantFrom('iso', 'epoch'), edgeTime, edgeEpoch, edgePrices, edgeValue, fc.option(fc.integer({ min: 1, max: 60 })), (format, iso, epoch, prices, volume, chunk) => {
        const first = format === 'iso' ? '2024-01-01T00:00:00.000Z' : '1704067200000';
        const file = write(`date,open,high,low,close,volume\n${first},1,1,1,1,1\n${format === 'iso' ? iso : epoch},${prices.join(',')},${volume}\n`);
        const expected = expectedEvents(file);
        expect(actualEvents(file, chunk ?? undefined)).toEqual({ events: expected.events, error: expected.error });
        byteRows += expected.byteRows;
      }),
      { numRuns: RUNS * 20, seed: 1504 },
    );
    expect(byteRows).toBeGreaterThan(RUNS);
  });

  it('decimalOfNormal builds exactly the Decimal new Decimal(text) builds (sign, exponent, words)', () => {
    let compared = 0;
    fc.assert(
      fc.property(edgeValue, (text) => {
        const normal = plainDecimal(text);
        if (normal === null) return;
        compared++;
        const built = decimalOfNormal(Buffer.from(`,${normal},`, 'latin1'), 1, normal.length + 1);
        const reference = new Decimal(normal);
        expect({ s: built.s, e: built.e, d: [...built.d], c: built.constructor === Decimal }).toEqual({ s: reference.s, e: reference.e, d: [...reference.d], c: true });
        expect(built.toFixed()).toBe(normal);
      }),
      { numRuns: RUNS * 20, seed: 1505 },
    );
    expect(compared).toBeGreaterThan(RUNS * 5);
  });

  it('whole files, simple or not, valid or broken: the same scan or the same error, and the same bars', async () => {
    let scans = 0;
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(fileSpec(40, true), async (spec) => {
        const file = write(fileText(spec));
        const fast = await outcome(file, false);
        expect(fast).toEqual(await outcome(file, true));
        if ('scan' in (fast as object)) scans++;
        else errors++;
      }),
      { numRuns: RUNS, seed: 1502 },
    );
    expect(scans).toBeGreaterThan(RUNS / 10);
    expect(errors).toBeGreaterThan(RUNS / 10);
  });

  it('a file of many chunks, with a broken row near its end or none', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plainBarValues, { minLength: 50, maxLength: 50 }), breakage, fc.constantFrom('iso', 'epoch') as fc.Arbitrary<TimeFormat>, async (values, b, format) => {
        // 12,000 rows (about 0.7 MB, several of the scan's 256 KiB chunks) cycling through the generated values.
        const rows: Array<[string[], Breakage]> = Array.from({ length: 12_000 }, (_, i) => [values[i % values.length]!, i === 11_990 ? b : { kind: 'none' }]);
        const spec: FileSpec = { order: [0, 1, 2, 3, 4, 5], extra: null, format, gapMinutes: 1, rows, crlf: false, finalNewline: true, twist: 'none' };
        const file = write(fileText(spec));
        const fast = await outcome(file, false);
        expect(fast).toEqual(await outcome(file, true));
        if (b.kind === 'none') expect(fast).toHaveProperty('scan.barCount', 12_000);
      }),
      { numRuns: 6, seed: 1503, endOnFailure: true },
    );
  });
});
