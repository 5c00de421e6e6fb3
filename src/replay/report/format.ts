import { Decimal } from 'decimal.js';

/** Display formatting for the summary and the HTML report (never for stored values). */

export function percent(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
}

export function ratio(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

/** A decimal string with thousands separators and `digits` decimals. */
export function money(value: string | Decimal | null, digits = 2): string {
  if (value === null) return 'n/a';
  const fixed = new Decimal(value).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const grouped = int!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** Quantities and prices: up to `sig` significant digits, no exponent. */
export function plainNumber(value: Decimal, sig = 10): string {
  const d = value.toSignificantDigits(sig);
  return d.isZero() ? '0' : d.toFixed();
}

/** "2024-01-01 13:45" (UTC); seconds only when not zero. */
export function isoTime(t: number | null): string {
  if (t === null) return 'n/a';
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, t % 60_000 === 0 ? 16 : 19)}`;
}

export function dateLabel(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  return spanMs < 3 * 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

export function duration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const day = 86_400_000;
  if (ms >= day) return `${(ms / day).toFixed(ms % day === 0 ? 0 : 1)} days`;
  const hour = 3_600_000;
  if (ms >= hour) return `${(ms / hour).toFixed(ms % hour === 0 ? 0 : 1)} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}
