import { quote } from './quote.js';

/**
 * Bad market data: one line naming the file, the 1-based physical line and the field, e.g.
 * `bad.csv:14: field "close": empty value`. `line` is null for whole-file or spec problems, `field` is
 * null for row-level problems (an empty row, a CSV syntax error).
 */
export class DataError extends Error {
  override readonly name = 'DataError';

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    readonly reason: string,
  ) {
    super(formatDataError(file, line, field, reason));
  }
}

/** A reason quotes at most MAX_QUOTED characters of any one value; this caps what is left. */
const MAX_REASON = 1_000;

function formatDataError(file: string, line: number | null, field: string | null, reason: string): string {
  const where = line === null ? file : `${file}:${line}`;
  const capped = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}...` : reason;
  const what = field === null ? capped : `field ${quote(field)}: ${capped}`;
  return `${where}: ${what}`.replace(/[\r\n]+/g, ' ');
}

/** A problem found in one value, before the caller knows the file and line. */
export interface FieldProblem {
  field: string | null;
  reason: string;
}
