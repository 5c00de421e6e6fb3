import { DataError } from './data-error.js';

/**
 * How time moves through a file, row by row in file order: oldest-first or newest-first (decided by
 * the first two bars), counting the rows that step against that direction. Equal neighbours are
 * duplicates and always rejected. In strict mode the first step against the direction is rejected
 * too; otherwise such rows are counted and the caller sorts the file (duplicates that are not
 * neighbours are caught after sorting).
 */
export class Chronology {
  private prevTime: number | null = null;
  private prevLine = 0;
  private dir: 1 | -1 | 0 = 0;
  private against = 0;

  constructor(
    private readonly file: string,
    private readonly field: string,
    private readonly strict: boolean,
  ) {}

  /** +1 oldest-first, -1 newest-first, 0 not known yet (fewer than two bars). */
  get direction(): 1 | -1 | 0 {
    return this.dir;
  }

  /** Rows whose time stepped against the file's direction. */
  get outOfOrder(): number {
    return this.against;
  }

  add(time: number, line: number): void {
    const prev = this.prevTime;
    if (prev !== null) {
      if (time === prev) throw duplicateTimestamp(this.file, this.field, time, line, this.prevLine);
      const step = time > prev ? 1 : -1;
      if (this.dir === 0) this.dir = step;
      else if (step !== this.dir) {
        if (this.strict) {
          const order = this.dir === 1 ? 'oldest-first' : 'newest-first';
          throw new DataError(
            this.file,
            line,
            this.field,
            `non-monotonic time: ${iso(time)} comes after ${iso(prev)} on line ${this.prevLine} in a file that runs ${order}`,
          );
        }
        this.against++;
      }
    }
    this.prevTime = time;
    this.prevLine = line;
  }
}

export function duplicateTimestamp(file: string, field: string, time: number, line: number, otherLine: number): DataError {
  return new DataError(file, line, field, `duplicate timestamp ${iso(time)} (also on line ${otherLine})`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
