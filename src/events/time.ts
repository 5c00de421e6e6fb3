const DAY_MS = 86_400_000;
/** 1970-01-01 to 9999-12-31: where toISOString writes a four-digit year (outside it, ±YYYYYY). */
const FOUR_DIGIT_YEARS_END = 253_402_300_800_000;
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let dayStart = Number.NaN;
let dayPrefix = '';

/**
 * Epoch milliseconds as the log writes times: ISO-8601, UTC, millisecond precision (Date's toISOString).
 * A backtest writes two a bar, mostly within one day: the date part is made once a day, the time of day
 * from digit tables (test/events/time.test.ts checks it against toISOString).
 */
export function isoTime(epochMs: number): string {
  if (!(epochMs >= 0 && epochMs < FOUR_DIGIT_YEARS_END) || !Number.isInteger(epochMs)) return new Date(epochMs).toISOString();
  let ms = epochMs - dayStart;
  if (!(ms >= 0 && ms < DAY_MS)) {
    dayStart = epochMs - (epochMs % DAY_MS);
    dayPrefix = new Date(dayStart).toISOString().slice(0, 11);
    ms = epochMs - dayStart;
  }
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${dayPrefix}${TWO_DIGITS[Math.floor(minutes / 60)]}:${TWO_DIGITS[minutes % 60]}:${TWO_DIGITS[seconds % 60]}.${THREE_DIGITS[ms % 1000]}Z`;
}
