import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DATA } from '../support.js';

/** The StockCharts worksheet vectors in ../shared/data/ta-vectors (plain CSV, no quoted fields). */
export const TA_VECTORS = path.join(SHARED_DATA, 'ta-vectors');

export function hasVector(file: string): boolean {
  return existsSync(path.join(TA_VECTORS, file));
}

export function skipMessage(file: string): string {
  return `${path.join(TA_VECTORS, file)} not found: skipping the reference-vector check`;
}

/** Rows as column -> number (NaN for empty cells). */
export function readVector(file: string): Array<Record<string, number>> {
  const lines = readFileSync(path.join(TA_VECTORS, file), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const row: Record<string, number> = {};
    header.forEach((name, i) => {
      const cell = (cells[i] ?? '').trim();
      row[name] = cell === '' ? Number.NaN : Number(cell);
    });
    return row;
  });
}

export function col(row: Record<string, number>, name: string): number {
  const v = row[name];
  if (v === undefined) throw new Error(`vector has no column ${name}`);
  return v;
}
