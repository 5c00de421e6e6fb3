import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';

/** A leaf page of the events table and the positions (rowids) it holds, read from the page itself. */
export interface EventsLeaf {
  page: number;
  first: number;
  last: number;
}

/** The leaf pages of the `events` table, in key order, each with the positions its cells hold. */
export function eventsLeaves(db: string): EventsLeaf[] {
  const raw = new Database(db, { readonly: true });
  let pageSize: number;
  let pages: number[];
  try {
    pageSize = Number(raw.pragma('page_size', { simple: true }));
    pages = (raw.prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY path").all() as Array<{ pageno: number }>).map((r) => r.pageno);
  } finally {
    raw.close();
  }
  const bytes = readFileSync(db);
  return pages.map((page) => {
    const rowids = leafRowids(bytes, page, pageSize);
    return { page, first: rowids[0]!, last: rowids[rowids.length - 1]! };
  });
}

/** Parses a table b-tree leaf page (file format: header byte 0x0D, cell count, cell pointers; cell = payload size, rowid). */
function leafRowids(bytes: Buffer, page: number, pageSize: number): number[] {
  const start = (page - 1) * pageSize;
  const header = start + (page === 1 ? 100 : 0);
  if (bytes[header] !== 0x0d) throw new Error(`page ${page} is not a table leaf`);
  const cells = bytes.readUInt16BE(header + 3);
  const out: number[] = [];
  for (let i = 0; i < cells; i++) {
    let p = start + bytes.readUInt16BE(header + 8 + 2 * i);
    p = varint(bytes, p).next; // payload size
    out.push(Number(varint(bytes, p).value));
  }
  return out.sort((a, b) => a - b);
}

function varint(b: Buffer, p: number): { value: bigint; next: number } {
  let v = 0n;
  for (let i = 0; i < 9; i++) {
    const x = b[p + i]!;
    if (i === 8) return { value: (v << 8n) | BigInt(x), next: p + 9 };
    v = (v << 7n) | BigInt(x & 0x7f);
    if ((x & 0x80) === 0) return { value: v, next: p + i + 1 };
  }
  throw new Error('unreachable');
}

/** Overwrites one page of the file with a byte pattern, as a failing disk or a careless copy would. */
export function damagePage(db: string, page: number): void {
  const raw = new Database(db, { readonly: true });
  const pageSize = Number(raw.pragma('page_size', { simple: true }));
  raw.close();
  const bytes = readFileSync(db);
  for (let i = (page - 1) * pageSize; i < page * pageSize; i++) bytes[i] = (i * 7) & 0xff;
  writeFileSync(db, bytes);
}
