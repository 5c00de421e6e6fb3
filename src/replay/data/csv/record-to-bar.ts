import type { Bar } from '../../../engine/bar.js';
import { checkBar } from '../bar-rules.js';
import type { FieldProblem } from '../data-error.js';
import { parseDecimalText } from '../decimal-text.js';
import { isEventTime } from '../event-time.js';
import type { TimestampParse } from '../timestamp-text.js';
import type { CsvLayout } from './layout.js';

export type RecordParse = { ok: true; bar: Bar; symbol: string | null; timeFormat: string } | { ok: false; problem: FieldProblem };

export function isEmptyRecord(record: readonly string[]): boolean {
  return record.every((f) => f === '');
}

/** One CSV record to a checked bar, or the first problem in it (field named as in the file). */
export function recordToBar(
  record: readonly string[],
  layout: CsvLayout,
  parseTime: (text: string) => TimestampParse,
): RecordParse {
  if (isEmptyRecord(record)) return { ok: false, problem: { field: null, reason: 'empty row (every field is empty)' } };
  const { names } = layout;
  const columns: ReadonlyArray<readonly [number, string]> = [
    [layout.time, layout.timeName],
    [layout.open, names.open],
    [layout.high, names.high],
    [layout.low, names.low],
    [layout.close, names.close],
    [layout.volume, names.volume],
  ];
  for (const [index, name] of columns) {
    const text = record[index];
    if (text === undefined) {
      return { ok: false, problem: { field: name, reason: `missing value (row has ${record.length} fields)` } };
    }
    if (text === '') return { ok: false, problem: { field: name, reason: 'empty value' } };
  }
  const clock = layout.timeOfDay === null ? undefined : record[layout.timeOfDay];
  const time = parseTime(clock === undefined || clock === '' ? (record[layout.time] ?? '') : `${record[layout.time] ?? ''} ${clock}`);
  if (!time.ok) return { ok: false, problem: { field: layout.timeName, reason: time.reason } };
  if (!isEventTime(time.ms)) {
    return { ok: false, problem: { field: layout.timeName, reason: `time ${new Date(time.ms).toISOString()} is outside the years 0000-9999 that an event time can carry` } };
  }

  const values = [];
  for (const [index, name] of columns.slice(1)) {
    const parsed = parseDecimalText(record[index] ?? '');
    if (!parsed.ok) return { ok: false, problem: { field: name, reason: parsed.reason } };
    values.push(parsed.value);
  }
  const [open, high, low, close, volume] = values as [Bar['open'], Bar['high'], Bar['low'], Bar['close'], Bar['volume']];
  const bar: Bar = { time: time.ms, open, high, low, close, volume };
  const broken = checkBar(bar, names);
  if (broken) return { ok: false, problem: broken };

  let symbol: string | null = null;
  if (layout.symbol !== null) {
    symbol = record[layout.symbol] ?? '';
    if (symbol === '') return { ok: false, problem: { field: layout.symbolName, reason: 'empty value' } };
  }
  return { ok: true, bar, symbol, timeFormat: time.format };
}
