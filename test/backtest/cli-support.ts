import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, PROJECT_ROOT } from '../support.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled CLI as a child process. The git commit is pinned so runs compare across commits.
 * With timeoutMs the child is killed (SIGKILL) past it and the code is that of a signal (null => -1).
 */
export function engine(args: string[], options: { timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, '--log-level', 'warn', ...args],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ENGINE_GIT_COMMIT: 'test-commit' },
        maxBuffer: 64 << 20,
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Every stored event of a SQLite log, exactly as stored (envelope, hashes), one JSON line each. */
export async function storedLines(db: string): Promise<string[]> {
  if (!existsSync(db)) return [];
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    const lines: string[] = [];
    for await (const e of store.readAll()) lines.push(JSON.stringify(e));
    return lines;
  } finally {
    await store.close();
  }
}
