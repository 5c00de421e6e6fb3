import { spawn, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { CLI, tempDir } from '../support.js';

/**
 * Two `engine stage7-run` processes on one database, the second reaching it by another name: it is
 * refused with exit 3 before it appends anything, and the first run goes on to a clean end.
 */
const tmp = tempDir('engine-run-lock-');
afterAll(() => tmp.cleanup());

async function runStarts(db: string): Promise<string[]> {
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    const runs: string[] = [];
    for await (const e of store.readAll()) if (e.type === 'RunStarted') runs.push(e.stream);
    return runs;
  } finally {
    await store.close();
  }
}

describe('the run lock of stage7-run', () => {
  it('a symlink, a hard link or a relative path to a running database is refused (exit 3), nothing appended', async () => {
    const dir = path.join(tmp.dir, 'w');
    mkdirSync(path.join(dir, 'other'), { recursive: true });
    const db = path.join(dir, 'c.db');
    const env = { ...process.env, ENGINE_LOG_LEVEL: 'info' };
    const first = spawn(process.execPath, [CLI, 'stage7-run', '--venue', 'sim', '--db', db, '--interval', '50ms', '--seed', 'one'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    first.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    const t0 = Date.now();
    while (!err.includes('starting a live run')) {
      if (Date.now() - t0 > 20_000) throw new Error(`first run did not start: ${err}`);
      if (first.exitCode !== null) throw new Error(`first run exited ${first.exitCode}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    symlinkSync(db, path.join(dir, 'link.db'));
    linkSync(db, path.join(dir, 'other', 'hard.db'));
    for (const [name, cwd] of [
      [path.join(dir, 'link.db'), dir],
      [path.join(dir, 'other', 'hard.db'), dir],
      ['../c.db', path.join(dir, 'other')],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI, 'stage7-run', '--venue', 'sim', '--db', name, '--cycles', '1', '--arm', '--venue-state', path.join(dir, 'second.venue.json')], { cwd, encoding: 'utf8', env: { ...process.env, ENGINE_LOG_LEVEL: 'warn' }, timeout: 30_000 });
      expect(r.status, `${name}: ${r.stderr}`).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('the run lock');
    }
    first.kill('SIGTERM');
    expect(await exited, err).toBe(0);
    expect(await runStarts(db)).toHaveLength(1); // one run, never resumed by a second engine
    const doctor = spawnSync(process.execPath, [CLI, 'doctor', '--db', db], { encoding: 'utf8', env: { ...process.env, ENGINE_LOG_LEVEL: 'warn' }, timeout: 60_000 });
    expect(doctor.status, doctor.stdout + doctor.stderr).toBe(0);
  });
});
