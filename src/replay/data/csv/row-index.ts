import { closeSync, constants, openSync, readSync } from 'node:fs';

/**
 * Each data row's time, start byte and line, in growable typed arrays (20 bytes a row instead of a
 * Bar object): enough to read a newest-first or partly unordered file in time order with positioned
 * reads. Data rows are contiguous in the file (anything between them is rejected), so a row ends
 * where the next one starts.
 */
export class RowIndex {
  private times = new Float64Array(1024);
  private starts = new Float64Array(1024);
  private lines = new Uint32Array(1024);
  private count = 0;
  private lastEnd = 0;

  get length(): number {
    return this.count;
  }

  push(time: number, startByte: number, endByte: number, line: number): void {
    if (this.count === this.starts.length) this.grow();
    this.times[this.count] = time;
    this.starts[this.count] = startByte;
    this.lines[this.count] = line;
    this.count++;
    this.lastEnd = endByte;
  }

  time(i: number): number {
    return this.times[i] ?? 0;
  }

  startByte(i: number): number {
    return this.starts[i] ?? 0;
  }

  endByte(i: number): number {
    return i + 1 < this.count ? (this.starts[i + 1] ?? 0) : this.lastEnd;
  }

  line(i: number): number {
    return this.lines[i] ?? 0;
  }

  /** Row numbers in time order (ties keep file order, so duplicates end up side by side). */
  timeOrder(direction: 1 | -1 | 0, sortNeeded: boolean): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = direction === -1 ? this.count - 1 - i : i;
    if (sortNeeded) order.sort((a, b) => this.time(a) - this.time(b) || a - b);
    return order;
  }

  private grow(): void {
    const size = this.count * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    this.times = times;
    const starts = new Float64Array(size);
    starts.set(this.starts);
    this.starts = starts;
    const lines = new Uint32Array(size);
    lines.set(this.lines);
    this.lines = lines;
  }
}

/** Positioned reads of byte ranges from one file. */
export class FileRanges {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  }

  read(start: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? buffer : buffer.subarray(0, done);
  }

  close(): void {
    closeSync(this.fd);
  }
}
