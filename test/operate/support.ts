import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { StoredRecord } from '../../src/events/hash-chain.js';
import { openEsdbStore } from '../../src/events/store/esdb/index.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { CLI } from '../support.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The compiled CLI as a child process, asynchronously (an EventStoreDB stand-in in this process must keep
 * answering while it runs). ENGINE_LOG_LEVEL is cleared so the child logs only what it is told to.
 */
export function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> & { kill(signal: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ENGINE_LOG_LEVEL: undefined, ENGINE_LOG_KEY: undefined, ENGINE_LOG_WITNESS: undefined, NO_COLOR: '1', ...env } as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { kill: (signal: NodeJS.Signals) => void child.kill(signal) });
}

/** Every event of a log as stored (the bytes that were hashed), in global order. */
export async function recordsOf(db: string): Promise<StoredRecord[]> {
  const store = db.startsWith('esdb://') ? await openEsdbStore(db, { readonly: true }) : SqliteEventStore.open(db, { readonly: true });
  try {
    const out: StoredRecord[] = [];
    for await (const r of store.readRecords()) out.push(r);
    return out;
  } finally {
    await store.close();
  }
}

/** A record without its store coordinate: what must be equal in any store holding the same log. */
export function placeless(r: StoredRecord): Omit<StoredRecord, 'globalPosition'> {
  const { globalPosition: _, ...rest } = r;
  return rest;
}

/** Names in a folder that look like the temporary files the operating commands write. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.tmp-'));
}

/** stderr without pino's JSON log lines: what a person reads. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

export async function until<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
