import { BarHasher } from '../bar-hasher.js';
import { Chronology } from '../chronology.js';
import { IntervalTally } from '../interval.js';
import type { CsvInterpreter } from './csv-interpreter.js';
import type { PositionedRecord } from './csv-records.js';
import type { ByteRowRules, PlainScanSink } from './plain-scan.js';
import { RowIndex } from './row-index.js';

/**
 * What the validating scan gathers in file order, row by row: the direction of time, the bar hash and the
 * interval while the file runs oldest-first, the row index while it may still need one, the first and last
 * times and the count. Rows come as records (through the interpreter) or, from plainScan, as byte rows.
 */
export class ScanTally implements PlainScanSink {
  readonly hasher = new BarHasher();
  readonly tally = new IntervalTally();
  /** Oldest-first files need no index; one that later turns out unordered is indexed again by the caller. */
  index: RowIndex | null = new RowIndex();
  chronology: Chronology | null = null;
  count = 0;
  /** The first and the latest row's time; NaN before the first (number fields: storing one allocates nothing). */
  private firstTime = NaN;
  private prevTime = NaN;
  prevLine = 0;

  get first(): number | null {
    return this.count === 0 ? null : this.firstTime;
  }

  get prev(): number | null {
    return this.count === 0 ? null : this.prevTime;
  }

  constructor(
    private readonly spec: string,
    readonly interpreter: CsvInterpreter,
    private readonly strictOrder: boolean,
  ) {}

  record(rec: PositionedRecord): void {
    const row = this.interpreter.acceptForScan(rec);
    if (row !== null && this.add(row.time, row.line, row.startByte, row.endByte)) this.hasher.addLine(row.hashLine);
  }

  byteRowRules(): ByteRowRules | null {
    return this.interpreter.byteRowRules();
  }

  byteRow(time: number, line: number, startByte: number, endByte: number, lineEnd: number): void {
    if (this.add(time, line, startByte, endByte)) this.hasher.addedBytes(lineEnd);
  }

  lineBuffer(room: number): Buffer {
    return this.hasher.bytes(room);
  }

  lineStart(): number {
    return this.hasher.bytesEnd();
  }

  /** Takes one data row; true while the file runs oldest-first (its hash line is wanted). */
  private add(time: number, line: number, startByte: number, endByte: number): boolean {
    const chronology = (this.chronology ??= new Chronology(this.spec, this.interpreter.timeField, this.strictOrder));
    chronology.add(time, line);
    const ascendingSoFar = chronology.stepsBackward === 0;
    if (ascendingSoFar) {
      if (this.count > 0) this.tally.add(time - this.prevTime);
      if (chronology.stepsForward > 0) this.index = null;
    }
    this.index?.push(time, startByte, endByte, line);
    if (this.count === 0) this.firstTime = time;
    this.prevTime = time;
    this.prevLine = line;
    this.count++;
    return ascendingSoFar;
  }
}
