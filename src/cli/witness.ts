import { accessSync, appendFileSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError, UsageError } from './errors.js';

/**
 * The witness: heads of a log appended, one JSON line each, to a file kept elsewhere (another disk, a
 * directory only the engine's user can write, a file the operator made append-only). A log later found
 * shorter than a head its witness saw, or with another hash there, was cut short or rewritten. Lines
 * name their log by the hash of its first event, so one witness file can serve several logs.
 */
export const WitnessLineSchema = z.object({
  log: z.string().regex(/^[0-9a-f]{64}$/),
  db: z.string(),
  position: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  mac: z.string().nullable(),
});
export type WitnessLine = z.infer<typeof WitnessLineSchema>;

export function appendWitness(file: string, line: WitnessLine): void {
  appendFileSync(file, JSON.stringify(line) + '\n', { mode: 0o600 });
}

export interface WitnessRead {
  lines: WitnessLine[];
  /** Lines that are not witness lines (1-based line numbers): a damaged or foreign file. */
  bad: number[];
}

/**
 * Bad usage (UsageError) unless the witness can be appended to: an existing writable file, or a new
 * one in an existing writable directory. Checked when a writing command opens its store, before anything
 * is appended, so a run never ends with a head it could not witness.
 */
export function assertWitnessWritable(file: string): void {
  try {
    if (existsSync(file)) {
      if (!statSync(file).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
      accessSync(file, constants.W_OK);
    } else {
      accessSync(path.dirname(path.resolve(file)), constants.W_OK);
    }
  } catch (err) {
    throw new UsageError(`ENGINE_LOG_WITNESS=${file}: cannot append to the witness file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Bad input (InputError) unless `file` can be read: checked before a report starts. */
export function assertWitnessReadable(file: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new InputError(`${file}: cannot read the witness file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** The lines of a witness file about the log whose first event has hash `log`. A missing file is bad input. */
export function readWitness(file: string, log: string): WitnessRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read the witness file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines: WitnessLine[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      bad.push(i + 1);
      return;
    }
    const r = WitnessLineSchema.safeParse(parsed);
    if (!r.success) bad.push(i + 1);
    else if (r.data.log === log) lines.push(r.data);
  });
  return { lines, bad };
}
