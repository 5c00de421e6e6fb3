import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Bar } from '../../../engine/bar.js';
import { BarHasher } from '../bar-hasher.js';
import { type BarSource, type DataScan, eachBarAlone } from '../bar-source.js';
import { duplicateTimestamp } from '../chronology.js';
import { DataError } from '../data-error.js';
import { barTimeProblem } from '../event-time.js';
import { formatInterval, IntervalTally } from '../interval.js';
import type { TimestampParse } from '../timestamp-text.js';
import { CsvInterpreter, type DataRow, firstLineIsBanner } from './csv-interpreter.js';
import { parseRecordBlock, type PositionedRecord, READ_FLAGS, readCsvRecords } from './csv-records.js';
import type { CsvLayout } from './layout.js';
import { recordToBar } from './record-to-bar.js';
import { PlainBars } from './plain-bars.js';
import { plainScan } from './plain-scan.js';
import { FileRanges, RowIndex } from './row-index.js';
import { ScanTally } from './scan-tally.js';
import { NotSimpleCsv } from './simple-csv.js';

/** How a file that is not plain oldest-first is read in time order. */
interface OrderedRead {
  index: RowIndex;
  order: Uint32Array;
  layout: CsvLayout;
}

interface ScanState {
  scan: DataScan;
  ordered: OrderedRead | null;
}

export interface CsvReadOptions {
  /** Reject rows that step against the file's time direction instead of sorting them into place. */
  strictOrder: boolean;
  symbolHint: string | null;
  /**
   * Read every record with csv-parse and every row with recordToBar: the reference path that the simple
   * reader and the Decimal-free rows are tested against (test/data/fast-csv.test.ts). Default false.
   */
  reference?: boolean;
}

const CHUNK_ROWS = 2048;
/**
 * Bars handed over at a time from a simple file: few enough that they die young (a whole chunk's bars
 * outlive several scavenges while the engine works through them, are promoted, and grow the old space).
 */
const BARS_PER_BATCH = 256;

/**
 * An OHLCV CSV file (or a Binance kline export), read as a stream. An oldest-first file is streamed
 * as is and nothing is kept. A newest-first file, or one with rows out of order, is read in time
 * order through a RowIndex (time, byte offset and line of each row: 20 bytes a row, never the bars),
 * parsing blocks of whole rows with positioned reads.
 */
export class CsvBarSource implements BarSource {
  private scanned: Promise<ScanState> | null = null;
  private fromLine = 1;
  /** The scan read the file with the simple reader (plain-scan.ts; see simple-csv.ts). */
  private simple = false;

  constructor(
    readonly spec: string,
    private readonly path: string,
    private readonly parseTime: (text: string) => TimestampParse,
    private readonly options: CsvReadOptions,
  ) {}

  scan(): Promise<DataScan> {
    return this.scanState().then((s) => s.scan);
  }

  async *bars(): AsyncGenerator<Bar> {
    const state = await this.scanState();
    if (state.ordered) {
      for (const row of this.readInOrder(state.ordered)) yield row.bar;
      return;
    }
    if (this.simple) {
      yield* this.plainBars();
      return;
    }
    const interpreter = this.interpreter();
    for await (const rec of this.records(false)) {
      const row = interpreter.accept(rec);
      if (row) yield row.bar;
    }
  }

  async *batches(): AsyncGenerator<readonly Bar[]> {
    const state = await this.scanState();
    if (!state.ordered && this.simple) {
      yield* this.plainBatches();
      return;
    }
    yield* eachBarAlone(this.bars());
  }

  private async *plainBars(): AsyncGenerator<Bar> {
    // Not `yield* batch`: delegating to an array from an async generator awaits each bar once more.
    for await (const batch of this.plainBatches()) for (const bar of batch) yield bar;
  }

  /** The bars of a file the scan found simple, read as plainScan reads it (a chunk's bars at a time). */
  private async *plainBatches(): AsyncGenerator<readonly Bar[]> {
    const sink = new PlainBars(this.interpreter());
    try {
      for (const _ of plainScan(this.path, this.fromLine, sink, undefined, BARS_PER_BATCH)) {
        const batch = sink.take();
        if (batch.length > 0) yield batch;
      }
    } catch (err) {
      if (err instanceof NotSimpleCsv) throw new DataError(this.spec, null, null, 'the file changed while it was being read');
      throw err;
    }
  }

  private scanState(): Promise<ScanState> {
    this.scanned ??= this.runScan();
    return this.scanned;
  }

  private interpreter(): CsvInterpreter {
    return new CsvInterpreter(this.spec, this.parseTime, this.options.symbolHint, this.fromLine === 2, this.options.reference !== true);
  }

  private records(withBytes = true): AsyncGenerator<PositionedRecord> {
    return readCsvRecords(this.path, this.spec, this.fromLine, withBytes);
  }

  private async runScan(): Promise<ScanState> {
    const head = this.checkFile();
    this.fromLine = firstLineIsBanner(head) ? 2 : 1;
    // The simple reader gives the general one's records up to the first byte it does not take, so an error
    // met before that is the same error; past it the file is scanned again with the general reader.
    this.simple = this.options.reference !== true;
    if (this.simple) {
      try {
        return await this.scanRecords();
      } catch (err) {
        if (!(err instanceof NotSimpleCsv)) throw err;
      }
    }
    this.simple = false;
    return this.scanRecords();
  }

  private async scanRecords(): Promise<ScanState> {
    const interpreter = this.interpreter();
    const rows = new ScanTally(this.spec, interpreter, this.options.strictOrder);
    if (this.simple) {
      for (const _ of plainScan(this.path, this.fromLine, rows)) await Promise.resolve();
    } else {
      for await (const rec of this.records()) rows.record(rec);
    }
    const { hasher, tally, index, chronology, count, first, prev, prevLine } = rows;
    interpreter.finish(count);
    const backward = chronology?.stepsBackward ?? 0;
    const forward = chronology?.stepsForward ?? 0;
    const outOfOrder = chronology?.outOfOrder ?? 0;

    if (backward === 0) {
      const intervalMs = tally.mode();
      const scan = scanResult(hasher.digest(), interpreter.symbol, intervalMs, first, prev, count, 0);
      this.checkLastClose(scan, prevLine, interpreter.timeField);
      return { scan, ordered: null };
    }

    const layout = interpreter.currentLayout;
    if (layout === null) throw new Error('unreachable: data rows without a layout');
    const fullIndex = index !== null && index.length === count ? index : await this.indexRows();
    const ordered: OrderedRead = { index: fullIndex, order: fullIndex.timeOrder(forward === 0 ? -1 : 1, forward > 0), layout };
    const inOrder = new BarHasher();
    const inOrderTally = new IntervalTally();
    let before: DataRow | null = null;
    let firstTime: number | null = null;
    for (const row of this.readInOrder(ordered)) {
      if (before !== null) {
        if (row.bar.time === before.bar.time) {
          const [line, other] = row.line > before.line ? [row.line, before.line] : [before.line, row.line];
          throw duplicateTimestamp(this.spec, interpreter.timeField, row.bar.time, line, other);
        }
        inOrderTally.add(row.bar.time - before.bar.time);
      }
      inOrder.add(row.bar);
      firstTime ??= row.bar.time;
      before = row;
    }
    const scan = scanResult(inOrder.digest(), interpreter.symbol, inOrderTally.mode(), firstTime, before?.bar.time ?? null, count, outOfOrder);
    this.checkLastClose(scan, before?.line ?? 0, interpreter.timeField);
    return { scan, ordered };
  }

  private async indexRows(): Promise<RowIndex> {
    const interpreter = this.interpreter();
    const index = new RowIndex();
    for await (const rec of this.records()) {
      const row = interpreter.accept(rec);
      if (row) index.push(row.bar.time, row.startByte, row.endByte, row.line);
    }
    return index;
  }

  /**
   * Rows in time order, a chunk of the order at a time: when the chunk's rows lie close together in
   * the file (newest-first, or a few rows out of place) the span is read and parsed as one block;
   * otherwise each row is read on its own.
   */
  private *readInOrder({ index, order, layout }: OrderedRead): Generator<DataRow> {
    const file = new FileRanges(this.path);
    try {
      for (let p = 0; p < order.length; p += CHUNK_ROWS) {
        const chunk = order.subarray(p, Math.min(order.length, p + CHUNK_ROWS));
        let lo = Infinity;
        let hi = -1;
        for (const r of chunk) {
          lo = Math.min(lo, r);
          hi = Math.max(hi, r);
        }
        const span = hi - lo + 1;
        const block = span <= 4 * CHUNK_ROWS ? this.readBlock(file, index, lo, hi) : null;
        for (const r of chunk) {
          const fields = block ? block[r - lo] : this.readBlock(file, index, r, r)[0];
          yield this.toRow(fields ?? [], index, r, layout);
        }
      }
    } finally {
      file.close();
    }
  }

  private readBlock(file: FileRanges, index: RowIndex, lo: number, hi: number): string[][] {
    const start = index.startByte(lo);
    const records = parseRecordBlock(file.read(start, index.endByte(hi) - start));
    if (records.length !== hi - lo + 1) {
      throw new DataError(this.spec, index.line(lo), null, 'the file changed while it was being read');
    }
    return records;
  }

  private toRow(fields: string[], index: RowIndex, r: number, layout: CsvLayout): DataRow {
    const line = index.line(r);
    const parsed = recordToBar(fields, layout, this.parseTime);
    if (!parsed.ok) throw new DataError(this.spec, line, parsed.problem.field, parsed.problem.reason);
    if (parsed.bar.time !== index.time(r)) {
      throw new DataError(this.spec, line, null, 'the file changed while it was being read');
    }
    return { bar: parsed.bar, line, startByte: index.startByte(r), endByte: index.endByte(r) };
  }

  /**
   * Before any parsing: the path must be a regular file (a directory, a FIFO, a device or a socket is
   * refused without waiting on it: opened non-blocking, checked with fstat) and look like text (an
   * archive, a database or bytes with NULs is named for what it is). Returns the file's first bytes.
   * Synchronous: three calls that never block on a regular file, not three trips through the thread pool.
   */
  private checkFile(): Buffer {
    let fd: number;
    try {
      fd = openSync(this.path, READ_FLAGS);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? (err as Error).message})`;
      throw new DataError(this.spec, null, null, reason);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new DataError(this.spec, null, null, notRegular(st));
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const head = buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_BYTES, 0));
      const kind = binaryKind(head);
      if (kind !== null) throw new DataError(this.spec, null, null, kind);
      return head;
    } finally {
      closeSync(fd);
    }
  }

  /** The engine's clock runs to the last bar's close: it must be a time an event can carry. */
  private checkLastClose(scan: DataScan, lastLine: number, timeField: string): void {
    if (scan.lastBarTime === null) return;
    const problem = barTimeProblem(scan.lastBarTime, scan.intervalMs ?? 0);
    if (problem !== null) throw new DataError(this.spec, lastLine, timeField, problem);
  }
}

/** How much of the file's start is looked at to tell text from binary. */
const SNIFF_BYTES = 65_536;

function notRegular(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'is a directory, not a CSV file';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file: the data is read twice (validated, then run), so it must be a file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is a device, not a regular file';
}

/** What a file that is not CSV text is, from its first bytes; null when it may be text. */
function binaryKind(head: Buffer): string | null {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'this is a zip archive: unzip it and pass the CSV inside';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'this is a gzip file: gunzip it and pass the CSV inside';
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000') return 'this is an SQLite database (an event log belongs in --db), not a CSV file';
  const nul = head.indexOf(0);
  if (nul >= 0) return `a binary file, not CSV text (a NUL byte at offset ${nul})`;
  return null;
}

function scanResult(
  hash: string,
  symbol: string | null,
  intervalMs: number | null,
  first: number | null,
  last: number | null,
  barCount: number,
  rowsOutOfOrder: number,
): DataScan {
  return {
    hash,
    symbol,
    interval: intervalMs === null ? null : formatInterval(intervalMs),
    intervalMs,
    firstBarTime: first,
    lastBarTime: last,
    barCount,
    rowsOutOfOrder,
  };
}
