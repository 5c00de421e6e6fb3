import { createHash, type Hash } from 'node:crypto';
import type { Bar } from '../../engine/bar.js';
import type { Decimal } from '../../engine/values.js';

const BUFFER_BYTES = 1 << 16;

/**
 * sha256 over the normalised bars in chronological order, one line per bar:
 * `time,open,high,low,close,volume\n` with time in epoch ms and decimals in their normal form. The same
 * bars give the same hash whatever the file looked like (column order, date format, newest-first).
 * Lines (all ASCII) are gathered in a buffer and hashed a buffer at a time.
 */
export class BarHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private end = 0;

  add(bar: Bar): void {
    this.addLine(BarHasher.lineOf(bar));
  }

  /** A bar's line as lineOf wrote it (the CSV scan makes it from the normalised text without a Decimal). */
  addLine(line: string): void {
    if (line.length * 3 > BUFFER_BYTES) {
      this.flush();
      this.hash.update(line);
      return;
    }
    if (this.end + line.length * 3 > BUFFER_BYTES) this.flush();
    this.end += this.buf.write(line, this.end, 'utf8');
  }

  /**
   * The buffer with at least `room` bytes free from bytesEnd(), for a line written as bytes (plain-scan.ts);
   * the writer then calls addedBytes with the line's end.
   */
  bytes(room: number): Buffer {
    if (this.end + room > BUFFER_BYTES) this.flush();
    return this.buf;
  }

  bytesEnd(): number {
    return this.end;
  }

  addedBytes(end: number): void {
    this.end = end;
  }

  static lineOf(bar: Bar): string {
    return `${bar.time},${plain(bar.open)},${plain(bar.high)},${plain(bar.low)},${plain(bar.close)},${plain(bar.volume)}\n`;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.end === 0) return;
    this.hash.update(this.buf.subarray(0, this.end));
    this.end = 0;
  }
}

/** The DecimalString normal form (see normalizeDecimal) without re-constructing the Decimal. */
function plain(d: Decimal): string {
  return d.isZero() ? '0' : d.toFixed();
}
