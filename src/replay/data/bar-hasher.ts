import { createHash, type Hash } from 'node:crypto';
import type { Bar } from '../../engine/bar.js';
import type { Decimal } from '../../engine/values.js';

/**
 * sha256 over the normalised bars in chronological order, one line per bar:
 * `time,open,high,low,close,volume\n` with time in epoch ms and decimals in their normal form. The same
 * bars give the same hash whatever the file looked like (column order, date format, newest-first).
 */
export class BarHasher {
  private readonly hash: Hash = createHash('sha256');
  private pending: string[] = [];

  add(bar: Bar): void {
    this.addLine(BarHasher.lineOf(bar));
  }

  /** A bar's line as lineOf wrote it (the CSV scan makes it from the normalised text without a Decimal). */
  addLine(line: string): void {
    this.pending.push(line);
    if (this.pending.length >= 1024) this.flush();
  }

  static lineOf(bar: Bar): string {
    return `${bar.time},${plain(bar.open)},${plain(bar.high)},${plain(bar.low)},${plain(bar.close)},${plain(bar.volume)}\n`;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending.join(''));
    this.pending = [];
  }
}

/** The DecimalString normal form (see normalizeDecimal) without re-constructing the Decimal. */
function plain(d: Decimal): string {
  return d.isZero() ? '0' : d.toFixed();
}
