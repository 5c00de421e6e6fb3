import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { DataError } from '../../src/replay/data/data-error.js';
import { type BarSource, type BarSourceOptions, openBarSource } from '../../src/replay/data/index.js';
import { tempDir } from '../support.js';

/** A temp dir for this test file, removed after it. */
export function csvWriter(): (name: string, content: string) => string {
  const { dir, cleanup } = tempDir('engine-data-');
  afterAll(cleanup);
  return (name, content) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
}

export async function collect(source: BarSource): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const bar of source.bars()) out.push(bar);
  return out;
}

export async function load(spec: string, options: BarSourceOptions = {}): Promise<Bar[]> {
  const source = openBarSource(spec, options);
  await source.scan();
  return collect(source);
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** scan() must reject with a DataError at this line and field, and its message must say so. */
export async function expectRejected(
  file: string,
  where: { line: number | null; field: string | null; reason?: RegExp },
  options: BarSourceOptions = {},
): Promise<DataError> {
  const error = await openBarSource(file, options)
    .scan()
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(DataError);
  const e = error as DataError;
  expect({ line: e.line, field: e.field }).toEqual({ line: where.line, field: where.field });
  const prefix = where.line === null ? `${file}: ` : `${file}:${where.line}: `;
  expect(e.message.startsWith(prefix)).toBe(true);
  if (where.field !== null) expect(e.message).toContain(`field "${where.field}": `);
  if (where.reason) expect(e.reason).toMatch(where.reason);
  expect(e.message).not.toMatch(/\n/);
  return e;
}
