import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { DataError } from '../data-error.js';

/** A CSV record with its physical position in the file. */
export interface PositionedRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
  /** Byte offsets in the file: [start, end) including the record delimiter. */
  startByte: number;
  endByte: number;
}

/**
 * The longest record read. An OHLCV row is well under a kilobyte and a header a few; past this the
 * file is not a CSV of bars (a binary or sparse file, a 50 MB line, a quote never closed), and it is
 * refused at once instead of buffered.
 */
export const MAX_RECORD_CHARS = 65_536;

const OPTIONS: Options = { bom: true, info: true, relax_column_count: true, skip_empty_lines: false, trim: true, max_record_size: MAX_RECORD_CHARS };

/** O_NONBLOCK: opening a FIFO never waits for a writer (the source refuses anything but a regular file). */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Streams the records of a CSV file, never holding more than the stream's buffer. Lines are counted
 * here (csv-parse's own count drifts after quoted CRLF): a record starts one line after the previous
 * record's last line.
 */
export async function* readCsvRecords(
  file: string,
  displayName: string,
  fromLine = 1,
  /** Byte offsets cost a copied info object per record; a plain forward read does without. */
  withBytes = true,
): AsyncGenerator<PositionedRecord> {
  // Starting after a banner line matters for speed: csv-parse builds (and, relaxed, drops) an error
  // object for every record whose field count differs from the first record's.
  const parser = parse({ ...OPTIONS, info: withBytes, from_line: fromLine });
  let line = fromLine;
  let startByte = 0; // wrong for the first record after a skipped line, which is a header anyway
  try {
    const handle = await open(file, READ_FLAGS);
    pipeline(handle.createReadStream(), parser, () => undefined);
    for await (const item of parser as AsyncIterable<string[] | { record: string[]; info: { bytes: number } }>) {
      const fields = Array.isArray(item) ? item : item.record;
      const endByte = Array.isArray(item) ? 0 : item.info.bytes;
      yield { fields, line, startByte, endByte };
      line += 1 + embeddedNewlines(fields);
      startByte = endByte;
    }
  } catch (err) {
    throw toDataError(err, displayName, line);
  }
}

/** Parses the records in one byte range of the file (whole records only), for reading backwards. */
export function parseRecordBlock(block: Buffer): string[][] {
  return parseSync(block, { relax_column_count: true, skip_empty_lines: false, trim: true, max_record_size: MAX_RECORD_CHARS }) as string[][];
}

function embeddedNewlines(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.includes('\n') || f.includes('\r')) n += f.split(/\r\n|\r|\n/).length - 1;
  }
  return n;
}

function toDataError(err: unknown, displayName: string, line: number): Error {
  if (err instanceof DataError) return err;
  const e = err as { code?: string; message?: string; lines?: number };
  if (e.code === 'ENOENT') return new DataError(displayName, null, null, 'file not found');
  if (e.code === 'EISDIR') return new DataError(displayName, null, null, 'is a directory, not a CSV file');
  if (e.code === 'EACCES') return new DataError(displayName, null, null, 'permission denied');
  if (e.code === 'CSV_MAX_RECORD_SIZE') {
    return new DataError(displayName, line, null, `a record longer than ${MAX_RECORD_CHARS} characters: not a row of bars (a binary file, or a quote never closed?)`);
  }
  if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
    return new DataError(displayName, line, null, `CSV syntax error: ${e.message ?? e.code}`);
  }
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return new DataError(displayName, line, null, `cannot read the file (${e.code})`);
  return err instanceof Error ? err : new Error(String(err));
}
