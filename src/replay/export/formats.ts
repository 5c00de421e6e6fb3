import { stringify } from 'csv-stringify/sync';
import type { Cell, ColumnSpec, Row } from './export-kind.js';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Turns rows into text: a header (CSV only), then one line per row. */
export interface ExportFormatter {
  header(): string;
  line(row: Row): string;
}

/**
 * - csv: RFC 4180 (csv-stringify): a header row of the column names, fields quoted when they hold a comma,
 *   a quote or a line break; an empty field for no value; true/false for flags; LF line ends.
 * - jsonl: one JSON object per line, keys in column order, null for no value; decimals stay strings.
 */
export function exportFormatter(format: ExportFormat, columns: readonly ColumnSpec[]): ExportFormatter {
  const names = columns.map((c) => c.name);
  if (format === 'jsonl') {
    return {
      header: () => '',
      line: (row) => JSON.stringify(Object.fromEntries(names.map((n) => [n, row[n] ?? null]))) + '\n',
    };
  }
  const csv = (cells: Cell[]): string => stringify([cells], { cast: { boolean: (b) => (b ? 'true' : 'false') } });
  return {
    header: () => csv(names),
    line: (row) => csv(names.map((n) => row[n] ?? null)),
  };
}
