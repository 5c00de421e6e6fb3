import type { Bar } from '../../../engine/bar.js';
import { Decimal } from '../../../engine/values.js';
import type { CsvLayout } from './layout.js';

/**
 * A data row read without a Decimal: its time and its five values as normalised decimal text (the form
 * the bar hash and the events write). Only for rows whose every value is plain digits with at most 15
 * significant digits (so a double orders them exactly), and whose time is an ISO UTC time
 * (`2024-01-01T00:00:00.000Z`) or epoch milliseconds; anything else, and any row that breaks a rule,
 * takes the general path (recordToBar), which names the problem. Either way the bar is the same
 * (test/data/fast-row.test.ts).
 */
export interface FastRow {
  time: number;
  timeFormat: string;
  /** open, high, low, close, volume in the DecimalString normal form. */
  texts: [string, string, string, string, string];
}

/** The row as a FastRow, or null: use recordToBar. */
export function fastRow(record: readonly string[], layout: CsvLayout): FastRow | null {
  if (layout.timeOfDay !== null || layout.symbol !== null) return null;
  const t = record[layout.time];
  if (t === undefined) return null;
  const time = fastTime(t);
  if (time === null) return null;
  const o = plainDecimal(record[layout.open]);
  if (o === null) return null;
  const h = plainDecimal(record[layout.high]);
  if (h === null) return null;
  const l = plainDecimal(record[layout.low]);
  if (l === null) return null;
  const c = plainDecimal(record[layout.close]);
  if (c === null) return null;
  const v = plainDecimal(record[layout.volume]);
  if (v === null) return null;
  const on = Number(o);
  const hn = Number(h);
  const ln = Number(l);
  const cn = Number(c);
  // The bar rules (bar-rules.ts), exact on values of at most 15 significant digits; a broken one goes the general way for its message.
  if (!(ln > 0 && ln <= hn && on >= ln && on <= hn && cn >= ln && cn <= hn)) return null;
  return { time: time.ms, timeFormat: time.format, texts: [o, h, l, c, v] };
}

export function fastRowBar(row: FastRow): Bar {
  const [o, h, l, c, v] = row.texts;
  return { time: row.time, open: new Decimal(o), high: new Decimal(h), low: new Decimal(l), close: new Decimal(c), volume: new Decimal(v) };
}

/** The line the bar hash takes for this row (BarHasher.lineOf of its bar). */
export function fastRowHashLine(row: FastRow): string {
  const [o, h, l, c, v] = row.texts;
  return `${row.time},${o},${h},${l},${c},${v}\n`;
}

const MAX_FAST_DIGITS = 15;
/** Non-zero values lie between 1e-18 and 1e18 (decimal-text.ts); outside, the general path refuses them. */
const MAX_MAGNITUDE = 1e18;
const MIN_MAGNITUDE = 1e-18;

/**
 * Plain decimal text (digits, at most one '.') of at most 15 significant digits, in the normal form
 * decimal.js's toFixed() writes ('007.50' -> '7.5', '.5' -> '0.5', '0.000' -> '0'); null for anything else.
 */
export function plainDecimal(text: string | undefined): string | null {
  if (text === undefined) return null;
  const n = text.length;
  if (n === 0 || n > 40) return null;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 46) {
      if (dot >= 0) return null;
      dot = i;
    } else if (ch < 48 || ch > 57) {
      return null;
    }
  }
  if (n === 1 && dot === 0) return null;
  const intEnd = dot < 0 ? n : dot;
  let a = 0;
  while (a < intEnd && text.charCodeAt(a) === 48) a++;
  let b = n;
  if (dot >= 0) while (b > dot + 1 && text.charCodeAt(b - 1) === 48) b--;
  const intDigits = intEnd - a;
  const fracEnd = dot >= 0 ? b : dot + 1;
  const fracDigits = dot >= 0 ? b - dot - 1 : 0;
  let significant: number;
  if (intDigits > 0) significant = intDigits + fracDigits;
  else {
    let z = dot + 1;
    while (z < b && text.charCodeAt(z) === 48) z++;
    significant = b - z;
  }
  if (significant > MAX_FAST_DIGITS) return null;
  // Already in normal form (the usual export): no leading zero but a lone "0." one, no trailing fraction zero.
  const normalAlready = b === n && dot !== n - 1 && (a === 0 ? intEnd > 0 : a === 1 && intEnd === 1 && dot === 1);
  const normal = normalAlready ? text : fracDigits > 0 ? `${intDigits > 0 ? text.slice(a, intEnd) : '0'}.${text.slice(dot + 1, fracEnd)}` : intDigits > 0 ? text.slice(a, intEnd) : '0';
  if (normal !== '0') {
    const value = Number(normal);
    if (value >= MAX_MAGNITUDE || value < MIN_MAGNITUDE) return null;
  }
  return normal;
}

export const ISO_FORMAT = 'YYYY-MM-DD HH:MM with a UTC offset';
export const EPOCH_MS_FORMAT = 'epoch milliseconds';
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DDTHH:MM:SS.sssZ` or 12-14 digit epoch milliseconds, as timestamp-text.ts reads them; null for anything else. */
export function fastTime(text: string): { ms: number; format: string } | null {
  const n = text.length;
  if (n >= 12 && n <= 14) {
    for (let i = 0; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch < 48 || ch > 57) return null;
    }
    const ms = Number(text);
    return ms >= 1e11 && ms < 1e14 ? { ms, format: EPOCH_MS_FORMAT } : null;
  }
  if (n !== 24) return null;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return null;
  if (text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const milli = digits(text, 20, 3);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const dim = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > dim) return null;
  return { ms: Date.UTC(year, month - 1, day, hour, minute, second, milli), format: ISO_FORMAT };
}

/** The number in text[at, at+len), all digits; -1 when any is not a digit. */
function digits(text: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const ch = text.charCodeAt(i) - 48;
    if (ch < 0 || ch > 9) return -1;
    v = v * 10 + ch;
  }
  return v;
}
