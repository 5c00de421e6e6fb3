import type { Writable } from 'node:stream';

/** Characters of a JSON array held back before the first write (see Output.jsonArray). */
export const JSON_ARRAY_BUFFER = 1 << 20;

/**
 * Results go to stdout (logs and errors go to stderr). Writes respect back-pressure, so
 * `engine events ls | head` or a slow pipe never makes the process buffer the whole log.
 */
export class Output {
  constructor(private readonly stream: Writable = process.stdout) {}

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  line(text = ''): Promise<void> {
    return this.write(text + '\n');
  }

  /** One JSON document (pretty-printed, still one parseable value). */
  json(value: unknown): Promise<void> {
    return this.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** One compact JSON value per line (NDJSON), for never-ending streams such as `events tail --follow`. */
  jsonLine(value: unknown): Promise<void> {
    return this.write(JSON.stringify(value) + '\n');
  }

  /**
   * Write a JSON array element by element, so a large result is never held in memory as one string.
   * What is printed is always one complete document: up to JSON_ARRAY_BUFFER characters are held back
   * before the first write (a source that fails early, or any small result, prints nothing or all), and a
   * source that fails after printing began gets its array closed before the error goes on to stderr and
   * the exit code.
   */
  async jsonArray<T>(items: AsyncIterable<T> | Iterable<T>, map: (item: T) => unknown = (x) => x): Promise<number> {
    let n = 0;
    let pending = '';
    let started = false;
    try {
      for await (const item of items as AsyncIterable<T>) {
        pending += (n === 0 ? '\n  ' : ',\n  ') + JSON.stringify(map(item));
        n++;
        if (pending.length >= JSON_ARRAY_BUFFER) {
          await this.write((started ? '' : '[') + pending);
          started = true;
          pending = '';
        }
      }
    } catch (err) {
      if (started) await this.write(pending + '\n]\n');
      throw err;
    }
    await this.write((started ? '' : '[') + pending + (n === 0 ? ']\n' : '\n]\n'));
    return n;
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.writableEnded || this.stream.destroyed) return resolve();
      this.stream.write('', () => resolve());
    });
  }
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)];
}
