import type { AnyStoredEvent } from '../../events/event-factory.js';
import { isoTime } from '../../events/time.js';

/**
 * An export for analysts (`engine export <kind>`): flat rows of documented columns, computed from the
 * events of ONE run in stream order, as a pure function of them. Every time is ISO 8601 UTC with
 * milliseconds; every amount is a decimal string, exact unless its column says otherwise.
 */

/** What a cell holds: text (decimals and times are text), a count, a flag, or nothing (empty in CSV). */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface ColumnSpec {
  name: string;
  /** What it means, its unit, and how it is computed when it is not copied from an event. */
  doc: string;
}

export interface ExportKind {
  name: string;
  /** What one row is. */
  row: string;
  columns: readonly ColumnSpec[];
  /** The rows of a run, from its events (upcast and validated) in stream order. Keys are the column names. */
  rows(events: AsyncIterable<AnyStoredEvent>): AsyncIterable<Row>;
}

/** The run's events cannot give this export (e.g. equity per bar of a run recorded without its bars). */
export class ExportNotPossibleError extends Error {
  override readonly name = 'ExportNotPossibleError';
}

/** ISO 8601 UTC, milliseconds: whatever offset an event's time was written with. */
export function utc(time: string): string {
  return isoTime(Date.parse(time));
}
