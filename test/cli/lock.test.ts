import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';

/** The single-instance lock of a database, held and contested by real, separate processes. */
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/lock-holder.mjs');
const tmp = tempDir('engine-cli-lock-');
afterAll(() => tmp.cleanup());

interface Acquired {
  acquired: true;
  file: string;
  holder: { pid: number; host: string; startedAt: string };
}

function tryLock(db: string, cwd?: string) {
  const r = spawnSync(process.execPath, [FIXTURE, db, 'try'], { encoding: 'utf8', ...(cwd !== undefined ? { cwd } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function holdLock(db: string) {
  const child = spawn(process.execPath, [FIXTURE, db, 'hold'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  return { child, exited, info: JSON.parse(first) as Acquired };
}

describe('the run lock', () => {
  it('a second process is refused with exit 3, naming the holder; free again once released', async () => {
    const db = path.join(tmp.dir, 'a.db');
    const holder = await holdLock(db);
    expect(holder.info.file).toBe(db + '.lock');
    expect(holder.info.holder).toMatchObject({ pid: holder.child.pid, host: os.hostname() });

    const second = tryLock(db);
    expect(second.code).toBe(3);
    expect(second.stdout).toBe('');
    expect(second.stderr.trim().split('\n')).toEqual([
      `the run lock ${db}.lock is held by pid ${holder.child.pid} on ${os.hostname()} since ${holder.info.holder.startedAt} (lock-holder hold)`,
    ]);

    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
    expect(existsSync(db + '.lock')).toBe(false);
    const third = tryLock(db);
    expect(third.code, third.stderr).toBe(0);
    expect(existsSync(db + '.lock')).toBe(false); // released on the way out
  });

  it('a lock left by a process that died (SIGKILL) is stale and taken over', async () => {
    const db = path.join(tmp.dir, 'b.db');
    const holder = await holdLock(db);
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(existsSync(db + '.lock')).toBe(true); // it could not clean up
    const next = tryLock(db);
    expect(next.code, next.stderr).toBe(0);
    const info = JSON.parse(next.stdout) as Acquired;
    expect(info.holder.pid).not.toBe(holder.child.pid);
  });

  it('the lock belongs to the database file: a symlink, a relative path, a dangling link and a hard link all meet it', async () => {
    const dir = path.join(tmp.dir, 'names');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const db = path.join(dir, 'c.db');
    const holder = await holdLock(db);
    expect(existsSync(db)).toBe(true); // the lock created the file it holds (removed again if nothing writes it)

    symlinkSync(db, path.join(dir, 'link.db'));
    linkSync(db, path.join(dir, 'sub', 'hard.db'));
    symlinkSync('../c.db', path.join(dir, 'sub', 'relative-link.db'));
    for (const [name, cwd] of [
      [path.join(dir, 'link.db'), undefined],
      ['../c.db', path.join(dir, 'sub')],
      [path.join(dir, 'sub', 'relative-link.db'), undefined],
      [path.join(dir, 'sub', '..', 'c.db'), undefined],
    ] as const) {
      const r = tryLock(name, cwd);
      expect(r.code, `${name}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(`the run lock ${db}.lock is held by pid ${holder.child.pid}`);
    }
    // A hard link is another name in another folder: no holder file there, the lock still holds.
    const hard = tryLock(path.join(dir, 'sub', 'hard.db'));
    expect(hard.code, hard.stderr).toBe(3);
    expect(hard.stderr).toContain('through another path to the same database file');

    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
    expect(tryLock(path.join(dir, 'link.db')).code).toBe(0);
  });

  it('a dangling symlink to a database not created yet is locked at its target', async () => {
    const dir = path.join(tmp.dir, 'dangling');
    mkdirSync(dir);
    symlinkSync(path.join(dir, 'later.db'), path.join(dir, 'alias.db'));
    const holder = await holdLock(path.join(dir, 'alias.db'));
    expect(holder.info.file).toBe(path.join(dir, 'later.db.lock'));
    expect(tryLock(path.join(dir, 'later.db')).code).toBe(3);
    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
    expect(existsSync(path.join(dir, 'later.db'))).toBe(false); // nothing wrote it: not left behind empty
  });

  it('a holder on another host cannot be checked, so it is respected', () => {
    const db = path.join(tmp.dir, 'c.db');
    writeFileSync(db + '.lock', JSON.stringify({ pid: 1, host: 'other-host.example', startedAt: '2024-01-01T00:00:00.000Z' }));
    const r = tryLock(db);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('held by pid 1 on other-host.example');
    expect(JSON.parse(readFileSync(db + '.lock', 'utf8')).host).toBe('other-host.example');
  });

  it('of many processes racing for a free lock, exactly one wins', async () => {
    const db = path.join(tmp.dir, 'd.db');
    const racers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, [FIXTURE, db, 'hold'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
      return { child, out: () => out, exited: new Promise<number | null>((r) => child.on('exit', (c) => r(c))) };
    });
    // Losers exit 3 at once; wait for them, then stop the winner.
    const deadline = Date.now() + 20_000;
    while (racers.filter((r) => r.child.exitCode === 3).length < racers.length - 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const winners = racers.filter((r) => r.child.exitCode === null);
    expect(winners).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(winners[0]!.out()).toContain('"acquired":true');
    winners[0]!.child.kill('SIGTERM');
    expect(await winners[0]!.exited).toBe(0);
  });
});
