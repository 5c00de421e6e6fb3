import { isoTime as iso } from '../../events/time.js';
import { DataError } from './data-error.js';

/**
 * How time moves through a file, row by row in file order: oldest-first or newest-first (decided by
 * the first two bars), counting steps forward and backward. Equal neighbours are duplicates and
 * always rejected. In strict mode the first step against the direction is rejected too; otherwise a
 * file with steps both ways is sorted by the caller (duplicates that are not neighbours are caught
 * after sorting).
 */
export class Chronology {
  /** NaN before the first row (a number field, not number | null: storing a time then allocates nothing). */
  private prevTime = NaN;
  private prevLine = 0;
  private dir: 1 | -1 | 0 = 0;
  private up = 0;
  private down = 0;

  constructor(
    private readonly file: string,
    private readonly field: string,
    private readonly strict: boolean,
  ) {}

  /** +1 oldest-first, -1 newest-first, 0 not known yet (fewer than two bars). */
  get direction(): 1 | -1 | 0 {
    return this.dir;
  }

  /** Steps forward and backward in time between neighbouring rows. */
  get stepsForward(): number {
    return this.up;
  }

  get stepsBackward(): number {
    return this.down;
  }

  /** Rows out of place: the steps against the file's majority direction. */
  get outOfOrder(): number {
    return Math.min(this.up, this.down);
  }

  add(time: number, line: number): void {
    const prev = this.prevTime;
    if (prev === prev) {
      if (time === prev) throw duplicateTimestamp(this.file, this.field, time, line, this.prevLine);
      const step = time > prev ? 1 : -1;
      if (step === 1) this.up++;
      else this.down++;
      if (this.dir === 0) this.dir = step;
      else if (step !== this.dir && this.strict) {
        const order = this.dir === 1 ? 'oldest-first' : 'newest-first';
        throw new DataError(
          this.file,
          line,
          this.field,
          `non-monotonic time: ${iso(time)} comes after ${iso(prev)} on line ${this.prevLine} in a file that runs ${order}`,
        );
      }
    }
    this.prevTime = time;
    this.prevLine = line;
  }
}

export function duplicateTimestamp(file: string, field: string, time: number, line: number, otherLine: number): DataError {
  return new DataError(file, line, field, `duplicate timestamp ${iso(time)} (also on line ${otherLine})`);
}
