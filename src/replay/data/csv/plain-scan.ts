import { closeSync, openSync, readSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { MAX_RECORD_CHARS, type PositionedRecord, READ_FLAGS } from './csv-records.js';
import { EPOCH_MS_FORMAT, ISO_FORMAT } from './fast-row.js';
import type { CsvLayout } from './layout.js';
import { checkSimpleFields, NotSimpleCsv } from './simple-csv.js';

/** What a row read from bytes must look like to be taken without the interpreter (CsvInterpreter.byteRowRules). */
export interface ByteRowRules {
  layout: CsvLayout;
  /** The file's time format (the first data row's): a byte row must have the same. */
  timeFormat: string;
}

/** Where the plain scan puts what it reads. */
export interface PlainScanSink {
  /** A record the byte path did not take, exactly as simpleCsvBatches gives it. */
  record(rec: PositionedRecord): void;
  /** The rules byte rows are read under now, or null: every record goes to record(). Asked again after each record(). */
  byteRowRules(): ByteRowRules | null;
  /**
   * A row taken from bytes: valid, its time in the file's format. Its line of the bar hash (normal-form values)
   * was written into lineBuffer() from lineStart() to `lineEnd`.
   */
  byteRow(time: number, line: number, startByte: number, endByte: number, lineEnd: number): void;
  /** A buffer with at least `room` bytes free from lineStart(), for the next byte row's hash line. */
  lineBuffer(room: number): Buffer;
  lineStart(): number;
}

/** The longest hash line a byte row writes: time (17), five values (41 each), commas and newline. */
export const MAX_HASH_LINE = 17 + 5 * 42 + 1;

const CHUNK_BYTES = 1 << 18;
const LF = 10;
const CR = 13;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const QUOTE = 0x22;
const SPACE = 32;
/** Rows with more fields than this go to the record path. */
const MAX_FIELDS = 64;
const MAX_VALUE_BYTES = 40;
const MAX_FAST_DIGITS = 15;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The validating scan of a simple file (simple-csv.ts: ASCII, no quote, one line ending, no padded field),
 * reading rows straight from the file's bytes: no record objects, no field strings. A row whose time is
 * `YYYY-MM-DDTHH:MM:SS.sssZ` or epoch milliseconds (the file's format) and whose five values are plain digits
 * of at most 15 significant digits that keep the bar rules is checked here, and its line of the bar hash is
 * written as bytes (the normal form fast-row.ts writes). Any other line (the header, a blank line, a row that
 * breaks a rule, a row in any other form) is handed to the sink as the record simpleCsvBatches would give,
 * with the same line and byte range, so its verdict and message are the reference path's. At the first byte
 * outside the simple shape it throws NotSimpleCsv, like simpleCsvBatches. Yields after each chunk and every
 * `linesPerYield` lines (`chunkBytes` is for tests: small chunks put line ends at every place in a chunk).
 */
export function* plainScan(file: string, fromLine: number, sink: PlainScanSink, chunkBytes = CHUNK_BYTES, linesPerYield = Infinity): Generator<void> {
  const scanner = new PlainScanner(file, fromLine, sink, chunkBytes);
  try {
    while (scanner.readChunk()) {
      while (scanner.lines(linesPerYield)) yield;
      scanner.endChunk();
      yield;
    }
  } finally {
    scanner.close();
  }
}

/** plainScan's state between chunks and between yields (the line loop runs in a plain method, not in the generator). */
class PlainScanner {
  private readonly fd: number;
  private readonly buf: Buffer;
  private readonly commas = new Int32Array(MAX_FIELDS + 2);
  private readonly reader = new ByteRowReader(this.commas);
  /** Bytes of a partial line carried to the front of buf, and where buf starts in the file. */
  private carry = 0;
  private carryAt = 0;
  private len = 0;
  private start = 0;
  private line = 1;
  private crlf = -1;
  private eof = false;
  private rules: ByteRowRules | null;

  constructor(
    file: string,
    private readonly fromLine: number,
    private readonly sink: PlainScanSink,
    private readonly chunkBytes: number,
  ) {
    this.fd = openSync(file, READ_FLAGS);
    this.buf = Buffer.allocUnsafe(chunkBytes + MAX_RECORD_CHARS + 1);
    this.rules = sink.byteRowRules();
    this.reader.setRules(this.rules);
  }

  /** Reads the next chunk after the carried bytes; false once the end of the file was handled. */
  readChunk(): boolean {
    if (this.eof) return false;
    const { buf, carry } = this;
    const n = readSync(this.fd, buf, carry, this.chunkBytes, null);
    this.eof = n === 0;
    if (n > 0) {
      const fresh = buf.subarray(carry, carry + n);
      if (!isAscii(fresh)) throw new NotSimpleCsv('a byte outside ASCII (a BOM, UTF-8 text)');
      if (fresh.indexOf(QUOTE) >= 0) throw new NotSimpleCsv('a quote character');
    }
    this.len = carry + n;
    this.start = 0;
    return true;
  }

  /** Moves the chunk's partial last line to the front of the buffer. */
  endChunk(): void {
    const { buf, start, len } = this;
    this.carry = len - start;
    if (this.carry > MAX_RECORD_CHARS) throw new NotSimpleCsv('a record over the size limit');
    buf.copy(buf, 0, start, len);
    this.carryAt += start;
  }

  /** Reads up to `max` whole lines of the chunk; true when it stopped at `max` with more lines to read. */
  lines(max: number): boolean {
    const { buf, commas, reader, sink, fromLine, len, eof, carryAt } = this;
    let { start, line, crlf, rules } = this;
    let done = 0;
    try {
      while (start < len) {
        if (done >= max) return true;
        // One pass over the line: its commas, its end, and whether it holds a byte <= space.
        let nf = 0;
        let low = 0;
        let p = start;
        commas[0] = start - 1;
        for (; p < len; p++) {
          const c = buf[p]!;
          if (c === COMMA) {
            if (nf < MAX_FIELDS) commas[++nf] = p;
            else low++; // too many fields for a byte row: the record path takes it
          } else if (c <= SPACE) {
            if (c === LF) break;
            low++;
          }
        }
        let end: number;
        let next: number;
        if (p < len) {
          const cr = p > start && buf[p - 1] === CR ? 1 : 0;
          if (crlf === -1) crlf = cr;
          if (cr !== crlf) throw new NotSimpleCsv('mixed line endings');
          end = p - cr;
          low -= cr;
          next = p + 1;
        } else if (eof) {
          end = len;
          next = len;
        } else {
          break;
        }
        if (line >= fromLine) {
          const startByte = carryAt + start;
          const endByte = carryAt + next;
          let taken = false;
          if (rules !== null && low === 0 && end - start <= MAX_RECORD_CHARS) {
            commas[nf + 1] = end;
            const lineEnd = reader.read(buf, nf + 1, sink.lineBuffer(MAX_HASH_LINE), sink.lineStart());
            if (lineEnd > 0) {
              sink.byteRow(reader.time, line, startByte, endByte, lineEnd);
              taken = true;
            }
          }
          if (!taken) {
            const record = buf.toString('latin1', start, end);
            if (record.length > MAX_RECORD_CHARS) throw new NotSimpleCsv('a record over the size limit');
            const fields = record.split(',');
            checkSimpleFields(fields, record);
            sink.record({ fields, line, startByte, endByte });
            rules = sink.byteRowRules();
            reader.setRules(rules);
          }
        } else if (end - start > MAX_RECORD_CHARS) {
          throw new NotSimpleCsv('a record over the size limit');
        }
        line++;
        start = next;
        done++;
      }
      return false;
    } finally {
      this.start = start;
      this.line = line;
      this.crlf = crlf;
      this.rules = rules;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads one row's time and values from bytes under the current rules (see plainScan). */
class ByteRowReader {
  time = 0;
  private timeCol = 0;
  private cols = [0, 0, 0, 0, 0];
  private maxCol = 0;
  private iso = false;
  /** The last ISO date read and its midnight, so Date.UTC runs once a day of rows. */
  private lastDate = -1;
  private lastDayMs = 0;
  private readonly values = new Float64Array(5);

  constructor(
    /** commas[i] is the byte before field i (commas[0] = line start - 1); commas[fields] = the line's end. */
    private readonly commas: Int32Array,
  ) {}

  setRules(rules: ByteRowRules | null): void {
    if (rules === null) return;
    const { layout } = rules;
    this.timeCol = layout.time;
    this.cols = [layout.open, layout.high, layout.low, layout.close, layout.volume];
    this.maxCol = Math.max(layout.time, ...this.cols);
    this.iso = rules.timeFormat === ISO_FORMAT;
    if (!this.iso && rules.timeFormat !== EPOCH_MS_FORMAT) this.maxCol = Infinity;
  }

  /**
   * Reads the row whose `fields` fields are delimited by commas[]; writes its hash line into out at `at`.
   * Returns the hash line's end, or 0: not a byte row (the record path decides).
   */
  read(buf: Buffer, fields: number, out: Buffer, at: number): number {
    if (this.maxCol >= fields) return 0;
    const commas = this.commas;
    const tc = this.timeCol;
    const time = this.iso ? this.isoTime(buf, commas[tc]! + 1, commas[tc + 1]!) : epochMs(buf, commas[tc]! + 1, commas[tc + 1]!);
    if (time !== time) return 0;
    this.time = time;
    let o = writeInteger(out, at, time);
    const values = this.values;
    for (let k = 0; k < 5; k++) {
      const col = this.cols[k]!;
      out[o++] = COMMA;
      o = plainValue(buf, commas[col]! + 1, commas[col + 1]!, out, o, values, k);
      if (o === 0) return 0;
    }
    const on = values[0]!;
    const hn = values[1]!;
    const ln = values[2]!;
    const cn = values[3]!;
    // The bar rules (bar-rules.ts), exact on values of at most 15 significant digits (see fastRow).
    if (!(ln > 0 && ln <= hn && on >= ln && on <= hn && cn >= ln && cn <= hn)) return 0;
    out[o++] = LF;
    return o;
  }

  /** fastTime's ISO form on bytes; NaN when it does not read it. */
  private isoTime(buf: Buffer, s: number, e: number): number {
    if (e - s !== 24) return NaN;
    if (buf[s + 4] !== 45 || buf[s + 7] !== 45 || buf[s + 10] !== 84 || buf[s + 13] !== 58) return NaN;
    if (buf[s + 16] !== 58 || buf[s + 19] !== 46 || buf[s + 23] !== 90) return NaN;
    const year = num(buf, s, 4);
    const month = num(buf, s + 5, 2);
    const day = num(buf, s + 8, 2);
    const hour = num(buf, s + 11, 2);
    const minute = num(buf, s + 14, 2);
    const second = num(buf, s + 17, 2);
    const milli = num(buf, s + 20, 3);
    if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) return NaN;
    const date = (year * 100 + month) * 100 + day;
    if (date !== this.lastDate) {
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const dim = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
      if (day > dim) return NaN;
      this.lastDate = date;
      this.lastDayMs = Date.UTC(year, month - 1, day);
    }
    return this.lastDayMs + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number in buf[at, at+len), all digits; -1 when any is not a digit. */
function num(buf: Buffer, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** fastTime's epoch-milliseconds form on bytes (12-14 digits, 1e11 <= ms < 1e14); NaN otherwise. */
function epochMs(buf: Buffer, s: number, e: number): number {
  const n = e - s;
  if (n < 12 || n > 14) return NaN;
  const ms = num(buf, s, n);
  return ms >= 1e11 && ms < 1e14 ? ms : NaN;
}

/** Writes the integer `v` in decimal at out[at]; returns the end. */
function writeInteger(out: Buffer, at: number, v: number): number {
  let o = at;
  if (v < 0) {
    out[o++] = 45;
    v = -v;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = o + digits;
  for (let i = end - 1; i >= o; i--) {
    const q = Math.floor(v / 10);
    out[i] = ZERO + (v - q * 10);
    v = q;
  }
  return end;
}

/**
 * plainDecimal on bytes: buf[s, e) as plain digits with at most one '.', at most 15 significant digits and
 * (when not zero) between 1e-18 and 1e18; writes its normal form at out[o] and its value (as Number() reads
 * the normal form) to values[k]. Returns the end of what it wrote, or 0 when it does not take the text.
 */
function plainValue(buf: Buffer, s: number, e: number, out: Buffer, o: number, values: Float64Array, k: number): number {
  const n = e - s;
  if (n === 0 || n > MAX_VALUE_BYTES) return 0;
  let dot = -1;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === DOT) {
      if (dot >= 0) return 0;
      dot = i;
    } else if (c < ZERO || c > ZERO + 9) {
      return 0;
    }
  }
  if (n === 1 && dot === s) return 0;
  const intEnd = dot < 0 ? e : dot;
  let a = s;
  while (a < intEnd && buf[a] === ZERO) a++;
  let b = e;
  if (dot >= 0) while (b > dot + 1 && buf[b - 1] === ZERO) b--;
  const intDigits = intEnd - a;
  const fracDigits = dot >= 0 ? b - dot - 1 : 0;
  // The significant digits as an integer (exact: at most 15 of them) and the power of ten that scales them.
  let mantissa = 0;
  let significant = 0;
  for (let i = a; i < intEnd; i++) {
    mantissa = mantissa * 10 + (buf[i]! - ZERO);
    significant++;
  }
  if (dot >= 0) {
    for (let i = dot + 1; i < b; i++) {
      const d = buf[i]! - ZERO;
      if (significant > 0 || d !== 0) significant++;
      mantissa = mantissa * 10 + d;
    }
  }
  if (significant > MAX_FAST_DIGITS || fracDigits >= POW10.length) return 0;
  // One correctly rounded division of two exact doubles: the double Number() gives for the text.
  const value = fracDigits > 0 ? mantissa / POW10[fracDigits]! : mantissa;
  if (value !== 0 && (value >= 1e18 || value < 1e-18)) return 0;
  values[k] = value;
  if (intDigits > 0) for (let i = a; i < intEnd; i++) out[o++] = buf[i]!;
  else out[o++] = ZERO;
  if (fracDigits > 0) {
    out[o++] = DOT;
    for (let i = dot + 1; i < b; i++) out[o++] = buf[i]!;
  }
  return o;
}
