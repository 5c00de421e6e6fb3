import type { Bar } from '../../../engine/bar.js';
import { DataError } from '../data-error.js';
import { parseDecimalText } from '../decimal-text.js';
import { quote } from '../quote.js';
import type { TimestampParse } from '../timestamp-text.js';
import { parseRecordBlock, type PositionedRecord } from './csv-records.js';
import { binanceLayout, chooseVolume, type CsvLayout, type HeaderInfo, looksLikeHeader, readHeader, withVolume } from './layout.js';
import { recordToBar } from './record-to-bar.js';
import { BarHasher } from '../bar-hasher.js';
import type { ByteRowRules } from './plain-scan.js';
import { type FastRow, fastRow, fastRowBar, fastRowHashLine } from './fast-row.js';

/** A data row as the validating scan reads it. */
export interface ScanRow {
  time: number;
  /** The row's line of the bar hash (BarHasher.lineOf). */
  hashLine: string;
  line: number;
  startByte: number;
  endByte: number;
}

export interface DataRow {
  bar: Bar;
  line: number;
  startByte: number;
  endByte: number;
}

const HEADERLESS_TIME = /^\d{9,19}$/;

/**
 * Reads a CSV file's records in order and turns them into checked bars: finds the header (line 1, or
 * line 2 after one banner line) or recognises a headerless Binance kline export, picks the columns,
 * and rejects broken rows with the file, line and field. Blank lines are tolerated only at the end.
 */
export class CsvInterpreter {
  private layout: CsvLayout | null = null;
  private header: HeaderInfo | null = null;
  private headerLine = 0;
  private preambleLines = 0;
  private blankLine: number | null = null;
  private firstSymbol: string | null = null;
  private firstSymbolLine = 0;
  private firstTimeFormat: string | null = null;
  private firstTimeFormatLine = 0;

  constructor(
    private readonly file: string,
    private readonly parseTime: (text: string) => TimestampParse,
    private readonly symbolHint: string | null,
    /** Line 1 is a banner the reader skipped (see firstLineIsBanner). */
    bannerSkipped: boolean,
    /** Rows in the fast form (fast-row.ts) where they fit; false: every row through recordToBar. */
    private readonly fastRows = true,
  ) {
    this.preambleLines = bannerSkipped ? 1 : 0;
  }

  get symbol(): string | null {
    return this.firstSymbol;
  }

  get timeField(): string {
    return this.layout?.timeName ?? this.header?.layout.timeName ?? 'date';
  }

  get currentLayout(): CsvLayout | null {
    return this.layout;
  }

  get format(): CsvLayout['kind'] | null {
    return this.layout?.kind ?? this.header?.layout.kind ?? null;
  }

  /**
   * The columns and time format under which plainScan may read rows from bytes without this interpreter, or
   * null while every record must come here: before the first data row, after a blank line, and for layouts
   * fastRow does not take (a separate time-of-day or a symbol column).
   */
  byteRowRules(): ByteRowRules | null {
    const layout = this.layout;
    if (!this.fastRows || layout === null || this.blankLine !== null || this.firstTimeFormat === null) return null;
    if (layout.timeOfDay !== null || layout.symbol !== null) return null;
    return { layout, timeFormat: this.firstTimeFormat };
  }

  /** The bar in this record, or null for a header, banner or trailing blank line. */
  accept(rec: PositionedRecord): DataRow | null {
    const row = this.read(rec);
    if (row === null) return null;
    return { bar: 'bar' in row ? row.bar : fastRowBar(row), line: rec.line, startByte: rec.startByte, endByte: rec.endByte };
  }

  /** What the validating scan needs of a record: its time and its line of the bar hash (no Decimal on the fast path). */
  acceptForScan(rec: PositionedRecord): ScanRow | null {
    const row = this.read(rec);
    if (row === null) return null;
    return 'bar' in row
      ? { time: row.bar.time, hashLine: BarHasher.lineOf(row.bar), line: rec.line, startByte: rec.startByte, endByte: rec.endByte }
      : { time: row.time, hashLine: fastRowHashLine(row), line: rec.line, startByte: rec.startByte, endByte: rec.endByte };
  }

  private read(rec: PositionedRecord): FastRow | { bar: Bar } | null {
    if (this.layout === null && this.header === null) {
      const row = this.acceptPreamble(rec);
      return row === null ? null : { bar: row.bar };
    }
    const fields = rec.fields;
    if (fields.length === 1 && fields[0] === '') {
      this.blankLine ??= rec.line;
      return null;
    }
    if (this.blankLine !== null) {
      throw new DataError(this.file, this.blankLine, null, 'empty row (a blank line between data rows)');
    }
    const layout = this.layout ?? this.chooseLayout(rec);
    const fast = this.fastRows ? fastRow(fields, layout) : null;
    if (fast !== null) {
      this.checkTimeFormat(fast.timeFormat, rec.line, layout.timeName);
      return fast;
    }
    const parsed = recordToBar(fields, layout, this.parseTime);
    if (!parsed.ok) throw new DataError(this.file, rec.line, parsed.problem.field, parsed.problem.reason);
    this.checkTimeFormat(parsed.timeFormat, rec.line, layout.timeName);
    if (parsed.symbol !== null) this.checkSymbol(parsed.symbol, rec.line, layout.symbolName);
    return { bar: parsed.bar };
  }

  /** Called after the last record. */
  finish(barCount: number): void {
    if (this.layout === null && this.header === null) {
      throw new DataError(this.file, this.preambleLines === 0 ? null : 1, null, this.preambleLines === 0 ? 'empty file' : noHeader());
    }
    if (barCount === 0) throw new DataError(this.file, this.headerLine || null, null, 'no data rows after the header');
  }

  private acceptPreamble(rec: PositionedRecord): DataRow | null {
    this.preambleLines++;
    const fields = rec.fields;
    if (rec.line === 1 && isHeaderlessKline(fields)) {
      this.layout = binanceLayout(fields.length);
      return this.accept(rec);
    }
    if (looksLikeHeader(fields)) {
      const read = readHeader(fields);
      if (!read.ok) throw new DataError(this.file, rec.line, read.problem.field, read.problem.reason);
      this.header = read.header;
      this.headerLine = rec.line;
      return null;
    }
    if (this.preambleLines >= 2) throw new DataError(this.file, 1, null, noHeader());
    return null; // a banner line ("Created on ...,https://...") before the header
  }

  /** The volume column can depend on the symbol, so the layout is fixed at the first data row. */
  private chooseLayout(rec: PositionedRecord): CsvLayout {
    const header = this.header;
    if (header === null) throw new Error('unreachable: no header and no layout');
    const symbolIndex = header.layout.symbol;
    const rowSymbol = symbolIndex === null ? undefined : rec.fields[symbolIndex];
    const hint = rowSymbol !== undefined && rowSymbol !== '' ? rowSymbol : this.symbolHint;
    const volume = chooseVolume(header.volumes, hint);
    if ('reason' in volume) throw new DataError(this.file, this.headerLine, volume.field, volume.reason);
    this.layout = withVolume(header, volume, rec.fields);
    return this.layout;
  }

  /** One file, one time format: "3/4/2024" beside "2024-03-04" says two exports were glued together. */
  private checkTimeFormat(format: string, line: number, field: string): void {
    if (this.firstTimeFormat === null) {
      this.firstTimeFormat = format;
      this.firstTimeFormatLine = line;
    } else if (format !== this.firstTimeFormat) {
      throw new DataError(
        this.file,
        line,
        field,
        `time format ${format} differs from ${this.firstTimeFormat} on line ${this.firstTimeFormatLine} (one file, one time format)`,
      );
    }
  }

  private checkSymbol(symbol: string, line: number, field: string): void {
    if (this.firstSymbol === null) {
      this.firstSymbol = symbol;
      this.firstSymbolLine = line;
    } else if (symbol !== this.firstSymbol) {
      throw new DataError(
        this.file,
        line,
        field,
        `symbol ${quote(symbol)} differs from ${quote(this.firstSymbol)} on line ${this.firstSymbolLine} (one file, one symbol)`,
      );
    }
  }
}

function isHeaderlessKline(fields: readonly string[]): boolean {
  if (fields.length < 6 || !HEADERLESS_TIME.test(fields[0] ?? '')) return false;
  return fields.slice(1, 6).every((f) => parseDecimalText(f).ok);
}

function noHeader(): string {
  return 'no header row: expected column names such as date,open,high,low,close,volume on line 1 (or line 2 after one banner line), or a headerless Binance kline export';
}

/**
 * Whether line 1 is a banner ("Created on ...,https://...") rather than a header or a kline row,
 * judged from the file's first bytes (its first 64 KiB), so the reader can start at line 2.
 */
export function firstLineIsBanner(head: Buffer): boolean {
  try {
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    const newline = text.search(/\r\n|\n|\r/);
    if (newline < 0) return false;
    const fields = parseRecordBlock(Buffer.from(text.slice(0, newline)))[0] ?? [];
    return !looksLikeHeader(fields) && !isHeaderlessKline(fields);
  } catch {
    return false;
  }
}
