import type { Bar } from '../../../engine/bar.js';
import { Decimal } from '../../../engine/values.js';
import type { CsvInterpreter } from './csv-interpreter.js';
import type { PositionedRecord } from './csv-records.js';
import type { ByteRowRules, PlainScanSink } from './plain-scan.js';

const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const LOG_BASE = 7;
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/**
 * The bars of a simple file for bars() (plainScan's second use): records go through the interpreter as
 * before; a byte row's Decimals are built from its normal-form text without parsing strings (decimalOfNormal).
 * Holds one chunk's bars at a time.
 */
export class PlainBars implements PlainScanSink {
  private bars: Bar[] = [];
  private readonly line = Buffer.allocUnsafe(1024);
  private lastClose: Decimal | null = null;
  private readonly lastCloseText = Buffer.allocUnsafe(1024);
  private lastCloseLength = 0;

  constructor(private readonly interpreter: CsvInterpreter) {}

  /** The bars read since the last call. */
  take(): Bar[] {
    const out = this.bars;
    this.bars = [];
    return out;
  }

  record(rec: PositionedRecord): void {
    const row = this.interpreter.accept(rec);
    if (row !== null) this.bars.push(row.bar);
  }

  byteRowRules(): ByteRowRules | null {
    return this.interpreter.byteRowRules();
  }

  byteRow(time: number, _line: number, _startByte: number, _endByte: number, lineEnd: number): void {
    const buf = this.line;
    const c1 = buf.indexOf(COMMA);
    const c2 = buf.indexOf(COMMA, c1 + 1);
    const c3 = buf.indexOf(COMMA, c2 + 1);
    const c4 = buf.indexOf(COMMA, c3 + 1);
    const c5 = buf.indexOf(COMMA, c4 + 1);
    // A bar mostly opens at the last one's close: the same text is the same (immutable) Decimal.
    const open = this.sameAsLastClose(buf, c1 + 1, c2) ? this.lastClose! : decimalOfNormal(buf, c1 + 1, c2);
    const close = decimalOfNormal(buf, c4 + 1, c5);
    this.bars.push({
      time,
      open,
      high: decimalOfNormal(buf, c2 + 1, c3),
      low: decimalOfNormal(buf, c3 + 1, c4),
      close,
      volume: decimalOfNormal(buf, c5 + 1, lineEnd - 1),
    });
    this.lastClose = close;
    this.lastCloseLength = c5 - c4 - 1;
    buf.copy(this.lastCloseText, 0, c4 + 1, c5);
  }

  private sameAsLastClose(buf: Buffer, start: number, end: number): boolean {
    if (this.lastClose === null || end - start !== this.lastCloseLength) return false;
    const text = this.lastCloseText;
    for (let i = 0; i < this.lastCloseLength; i++) if (buf[start + i] !== text[i]) return false;
    return true;
  }

  lineBuffer(): Buffer {
    return this.line;
  }

  lineStart(): number {
    return 0;
  }
}

/** The shape decimal.js copies from (it takes any object with its toStringTag, as from another Decimal clone). */
const template: { s: number; e: number; d: number[]; toStringTag: string } = { s: 1, e: 0, d: [], toStringTag: '[object Decimal]' };

/**
 * `new Decimal(text)` for text in the normal form plainScan writes (digits without leading zeros but a lone
 * "0", an optional fraction without trailing zeros; at most 15 significant digits), built from its digits:
 * decimal.js's own representation (sign, base-10 exponent, base-1e7 words, as parseDecimal makes them),
 * handed to its constructor. test/data/plain-scan.test.ts checks it against new Decimal(text).
 */
export function decimalOfNormal(buf: Buffer, s: number, e: number): Decimal {
  let dot = e;
  for (let i = s; i < e; i++) {
    if (buf[i] === DOT) {
      dot = i;
      break;
    }
  }
  // The significant digits run from `first` to `last` (skipping the dot); `exp` is the first one's power of ten.
  let first = s;
  while (first < e && (buf[first] === ZERO || buf[first] === DOT)) first++;
  if (first === e) return new Decimal(0);
  let last = e - 1;
  while (buf[last] === ZERO || buf[last] === DOT) last--;
  const exp = first < dot ? dot - first - 1 : dot - first;
  let i = (exp + 1) % LOG_BASE;
  if (exp < 0) i += LOG_BASE;
  const words = template.d;
  words.length = 0;
  let word = 0;
  let inWord = 0;
  /** Digits the first word takes; LOG_BASE for every later one. */
  let size = i;
  for (let p = first; p <= last; p++) {
    const c = buf[p]!;
    if (c === DOT) continue;
    if (inWord === size && size > 0) {
      words.push(word);
      word = 0;
      inWord = 0;
      size = LOG_BASE;
    } else if (size === 0) {
      size = LOG_BASE;
    }
    word = word * 10 + (c - ZERO);
    inWord++;
  }
  words.push(word * POW10[(size < inWord ? inWord : size) - inWord]!);
  template.e = exp;
  // The constructor copies the words (v.d.slice()), so the template's array is reused.
  return new Decimal(template as unknown as Decimal);
}
