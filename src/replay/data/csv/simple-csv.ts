import { closeSync, openSync, readSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { MAX_RECORD_CHARS, type PositionedRecord, READ_FLAGS } from './csv-records.js';

/** The file is not "simple" (see simpleCsvBatches): read it with the general parser instead. */
export class NotSimpleCsv extends Error {
  constructor(readonly why: string) {
    super(`not a simple CSV file: ${why}`);
  }
}

const CHUNK_BYTES = 1 << 18;
const BATCH = 4096;
const CR = 13;
const QUOTE = 0x22;
const SPACE = 32;

/**
 * The records of a CSV file in the shape almost every export of bars has: ASCII, no quote character, one
 * line ending throughout (LF, or CRLF), no field with whitespace around it, no record over MAX_RECORD_CHARS.
 * On such a file the records, their lines and byte ranges are exactly what the general reader
 * (readCsvRecords: csv-parse with trim, relaxed column counts, empty lines kept) gives, at a fraction of its
 * cost, in batches. At the first byte outside that shape it throws NotSimpleCsv, and the caller reads the
 * file with the general reader from the start (test/data/fast-csv.test.ts compares the two). The loader
 * itself reads simple files with plainScan (plain-scan.ts), which hands on exactly these records for the
 * lines it does not read from bytes; this function is the statement of what they are
 * (test/data/plain-scan.test.ts holds plainScan to it).
 */
export function* simpleCsvBatches(file: string, fromLine = 1): Generator<PositionedRecord[]> {
  const fd = openSync(file, READ_FLAGS);
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = '';
    /** Byte offset of the start of `carry` in the file. */
    let carryAt = 0;
    let line = 1;
    let crlf: boolean | null = null;
    let eof = false;
    while (!eof) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      eof = n === 0;
      let text = carry;
      if (n > 0) {
        const bytes = chunk.subarray(0, n);
        if (!isAscii(bytes)) throw new NotSimpleCsv('a byte outside ASCII (a BOM, UTF-8 text)');
        if (bytes.indexOf(QUOTE) >= 0) throw new NotSimpleCsv('a quote character');
        text += bytes.toString('latin1');
      }
      const batch: PositionedRecord[] = [];
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        let end: number;
        let next: number;
        if (nl >= 0) {
          const cr = nl > start && text.charCodeAt(nl - 1) === CR;
          crlf ??= cr;
          if (cr !== crlf) throw new NotSimpleCsv('mixed line endings');
          end = cr ? nl - 1 : nl;
          next = nl + 1;
        } else if (eof && start < text.length) {
          end = text.length;
          next = text.length;
        } else {
          break;
        }
        const record = text.slice(start, end);
        if (record.length > MAX_RECORD_CHARS) throw new NotSimpleCsv('a record over the size limit');
        if (line >= fromLine) {
          const fields = record.split(',');
          checkSimpleFields(fields, record);
          batch.push({ fields, line, startByte: carryAt + start, endByte: carryAt + next });
        }
        line++;
        start = next;
      }
      carry = text.slice(start);
      carryAt += start;
      if (carry.length > MAX_RECORD_CHARS) throw new NotSimpleCsv('a record over the size limit');
      for (let i = 0; i < batch.length; i += BATCH) yield batch.slice(i, i + BATCH);
    }
  } finally {
    closeSync(fd);
  }
}

/** A field the general reader would trim, or a carriage return it would treat as a line end: not simple. */
export function checkSimpleFields(fields: string[], record: string): void {
  if (record.indexOf('\r') >= 0) throw new NotSimpleCsv('a carriage return inside a line');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length > 0 && (f.charCodeAt(0) <= SPACE || f.charCodeAt(f.length - 1) <= SPACE)) throw new NotSimpleCsv('whitespace around a field');
  }
}
