import { DateTime } from 'luxon';
import { Decimal } from '../../engine/values.js';
import { quote } from './quote.js';

/**
 * A parsed time and the format it was written in ("YYYY-MM-DD HH:MM", "epoch seconds", ...): one
 * file uses one format, so a row in another is refused rather than guessed at.
 */
export type TimestampParse = { ok: true; ms: number; format: string } | { ok: false; reason: string };

/** The date and time formats the loader understands, for error messages and docs. */
export const TIMESTAMP_FORMATS =
  'YYYY-MM-DD (or YYYY.MM.DD, YYYY/MM/DD), YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH:MM], M/D/YYYY, MM/DD/YY [HH:MM[:SS]], YYYY-MM-DD HH-AM, epoch s/ms/µs';

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const ISO = /^(\d{4})([-/.])(\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
// CryptoDataDownload style "2019-10-17 11-PM"; also "11 PM", "11:00 PM", "11:30PM".
const HOUR_AMPM = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2})(?::(\d{2}))?\s*-?\s*(AM|PM)$/i;
const EPOCH = /^\d+(\.\d+)?$/;

/**
 * Turns the text of a time column into epoch milliseconds UTC. Text that carries no zone ("naive") is
 * read as wall-clock time in `tz` (an IANA zone), correct across DST changes; a wall-clock time that
 * does not exist in `tz` (inside a spring-forward gap) is rejected; an ambiguous one (the repeated
 * hour when clocks fall back) takes the earlier instant. Plain numbers are epoch times whose unit
 * follows from their magnitude: below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds,
 * else nanoseconds.
 */
export function makeTimestampParser(tz: string): (text: string) => TimestampParse {
  const utc = tz === 'UTC';
  const naive = (t: LocalTime): TimestampParse => (utc ? fromUtc(t, 0) : fromZone(t, tz));

  const parse = (text: string): TimestampParse => {
    if (text === '') return { ok: false, reason: 'empty value' };
    if (EPOCH.test(text)) return fromEpoch(text);

    let m = ISO.exec(text);
    if (m) {
      const t = local(m[1], m[3], m[4], m[5], m[6], m[7], m[8]);
      if (!t) return invalid(text);
      const sep = m[2] ?? '-';
      const zone = m[9];
      const format = `YYYY${sep}MM${sep}DD${m[5] === undefined ? '' : ' HH:MM'}${zone === undefined ? '' : ' with a UTC offset'}`;
      if (zone === undefined) return withFormat(naive(t), format);
      const offset = offsetMinutes(zone);
      return offset === null ? invalid(text) : withFormat(fromUtc(t, offset), format);
    }
    m = US.exec(text);
    if (m) {
      const t = local(fullYear(m[3] ?? ''), m[1], m[2], m[4], m[5], m[6], undefined);
      const format = `M/D/${(m[3] ?? '').length === 2 ? 'YY' : 'YYYY'}${m[4] === undefined ? '' : ' HH:MM'}`;
      return t ? withFormat(naive(t), format) : invalid(text);
    }
    m = HOUR_AMPM.exec(text);
    if (m) {
      const hour12 = Number(m[4]);
      if (hour12 < 1 || hour12 > 12) return invalid(text);
      const hour = (hour12 % 12) + ((m[6] ?? '').toUpperCase() === 'PM' ? 12 : 0);
      const t = local(m[1], m[2], m[3], String(hour), m[5] ?? '00', undefined, undefined);
      return t ? withFormat(naive(t), 'YYYY-MM-DD HH AM/PM') : invalid(text);
    }
    return invalid(text);
  };
  return parse;
};

function withFormat(parsed: TimestampParse, format: string): TimestampParse {
  return parsed.ok ? { ...parsed, format } : parsed;
}

export function isValidTimeZone(tz: string): boolean {
  return DateTime.fromMillis(0, { zone: tz }).isValid;
}

function invalid(text: string): TimestampParse {
  return { ok: false, reason: `unparseable date ${quote(text)} (expected ${TIMESTAMP_FORMATS})` };
}

// Two-digit years follow the POSIX strptime pivot: 69-99 are 19xx, 00-68 are 20xx.
function fullYear(text: string): string {
  if (text.length !== 2) return text;
  const yy = Number(text);
  return String(yy >= 69 ? 1900 + yy : 2000 + yy);
}

function local(
  y: string | undefined,
  mo: string | undefined,
  d: string | undefined,
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  frac: string | undefined,
): LocalTime | null {
  const t: LocalTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: h === undefined ? 0 : Number(h),
    minute: mi === undefined ? 0 : Number(mi),
    second: s === undefined ? 0 : Number(s),
    millisecond: frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0')),
  };
  if (t.year < 1000 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysInMonth(t.year, t.month)) return null;
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return null;
  return t;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function offsetMinutes(zone: string): number | null {
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return minutes > 18 * 60 ? null : (m[1] === '-' ? -minutes : minutes);
}

function fromUtc(t: LocalTime, offsetMin: number): TimestampParse {
  const ms = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  return { ok: true, ms: ms - offsetMin * 60_000, format: '' };
}

function fromZone(t: LocalTime, tz: string): TimestampParse {
  const dt = DateTime.fromObject(t, { zone: tz });
  if (!dt.isValid) return { ok: false, reason: `invalid local time in ${tz}: ${dt.invalidExplanation ?? ''}` };
  if (dt.hour !== t.hour || dt.minute !== t.minute || dt.day !== t.day) {
    const shown = `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
    return { ok: false, reason: `local time ${shown} does not exist in ${tz} (skipped by a DST change)` };
  }
  // Luxon resolves the repeated hour of a fall-back change to the later instant; take the earlier.
  for (const shift of [3_600_000, 1_800_000]) {
    const earlier = DateTime.fromMillis(dt.toMillis() - shift, { zone: tz });
    if (earlier.hour === t.hour && earlier.minute === t.minute && earlier.day === t.day) return { ok: true, ms: earlier.toMillis(), format: '' };
  }
  return { ok: true, ms: dt.toMillis(), format: '' };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function fromEpoch(text: string): TimestampParse {
  const intPart = text.split('.')[0] ?? '';
  const magnitude = Number(intPart);
  // Epoch unit by magnitude: seconds, milliseconds, microseconds, nanoseconds. Into ms: x * mul / div.
  const [mul, div, format] =
    magnitude < 1e11
      ? [1000, 1, 'epoch seconds']
      : magnitude < 1e14
        ? [1, 1, 'epoch milliseconds']
        : magnitude < 1e17
          ? [1, 1000, 'epoch microseconds']
          : [1, 1_000_000, 'epoch nanoseconds'];
  if (/^\d{1,15}$/.test(text)) {
    const scaled = Number(text) * mul;
    if (scaled % div === 0) return { ok: true, ms: scaled / div, format };
  }
  if (text.length > 40) return { ok: false, reason: `epoch time ${quote(text)} out of range` };
  const ms = new Decimal(text).times(mul).div(div);
  if (!ms.isInteger()) return { ok: false, reason: `epoch time ${quote(text)} has a sub-millisecond part` };
  const n = ms.toNumber();
  return Number.isSafeInteger(n) ? { ok: true, ms: n, format } : { ok: false, reason: `epoch time ${quote(text)} out of range` };
}
