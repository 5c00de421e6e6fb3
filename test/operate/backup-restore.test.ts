import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, lockFileFor } from '../../src/cli/lock.js';
import { parseStoreTarget } from '../../src/cli/open-store.js';
import { headOf, rechainFrom, withRaw } from '../integrity/tamper.js';
import { tempDir } from '../support.js';
import { cli, errorLines, leftovers, recordsOf, until } from './support.js';

/**
 * Issue 14 items 1 and 4: `engine backup --to FILE` copies a SQLite log while a live run appends to it
 * (SQLite's online backup), verifies the copy (pages, chain, signed heads under ENGINE_LOG_KEY) and only
 * then names it FILE; `engine restore --from FILE` puts it back, never over a log with events unless told,
 * never while a run holds the lock. All through the compiled CLI as child processes, on real files.
 */
const KEY = '5b2e7c1a9d3f4e6b8a0c2d4f6e8a0b1c';
const tmp = tempDir('engine-backup-');
afterAll(() => tmp.cleanup());
let seq = 0;
const file = (name: string) => path.join(tmp.dir, `${++seq}-${name}`);

const BT = ['backtest', '--data', 'synthetic:bars=300,interval=1h,seed=21', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--seed', '3', '--log-level', 'warn'];

/** A log with a finished backtest, its head signed under KEY. */
let signed: string;
beforeAll(async () => {
  signed = file('signed.db');
  const r = await cli([...BT, '--db', signed], { ENGINE_LOG_KEY: KEY });
  expect(r.code, r.stderr).toBe(0);
});

function readHead(stdout: string): { position: number; hash: string } {
  const m = /head position (\d+), hash ([0-9a-f]{64})/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return { position: Number(m![1]), hash: m![2]! };
}

describe('engine backup while engine stage7-run appends', () => {
  it('the copy passes doctor, its head is a real position of the source, and the writer went on past it', async () => {
    const db = file('live.db');
    const cfg = file('live.json');
    writeFileSync(cfg, JSON.stringify({ base: { strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } }, risk: { rateLimit: null } } }));
    // A backtest first, so the log has a signed head the backup must carry and verify.
    expect((await cli([...BT, '--db', db], { ENGINE_LOG_KEY: KEY })).code).toBe(0);
    const before = headOf(db).position;
    const live = cli(['stage7-run', '--venue', 'sim', '--arm', '--config', cfg, '--interval', '10ms', '--db', db, '--log-level', 'warn'], { ENGINE_LOG_KEY: KEY });
    try {
      await until('the live run to append', () => headOf(db).position > before + 50);
      const backups: Array<{ to: string; head: { position: number; hash: string } }> = [];
      for (let i = 0; i < 3; i++) {
        const to = file(`live-backup-${i}.db`);
        const b = await cli(['backup', '--db', db, '--to', to, '--log-level', 'warn'], { ENGINE_LOG_KEY: KEY });
        expect(b.code, b.stderr).toBe(0);
        expect(b.stdout).toMatch(/verified: storage PASS, integrity PASS, anchor PASS/);
        backups.push({ to, head: readHead(b.stdout) });
      }
      // The run was appending throughout: the backups end at different points, each past the backtest.
      expect(new Set(backups.map((b) => b.head.position)).size).toBeGreaterThan(1);
      await until('the live run to go on past the last backup', () => headOf(db).position > backups.at(-1)!.head.position);
      live.kill('SIGINT');
      expect((await live).code).toBe(0);

      const source = await recordsOf(db);
      for (const b of backups) {
        expect(b.head.position).toBeGreaterThan(before);
        expect(source[b.head.position - 1]!.hash).toBe(b.head.hash);
        // Event for event, byte for byte, the source up to that position.
        expect(await recordsOf(b.to)).toEqual(source.slice(0, b.head.position));
        const doctor = await cli(['doctor', '--json', '--db', b.to], { ENGINE_LOG_KEY: KEY });
        expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
        const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; status: string }> }).checks;
        expect(checks.find((c) => c.name === 'integrity')!.status).toBe('PASS');
        expect(checks.find((c) => c.name === 'anchor')!.status).toBe('PASS');
        expect(existsSync(`${b.to}-wal`)).toBe(false); // one self-contained file
      }
      expect(leftovers(tmp.dir)).toEqual([]);
    } finally {
      live.kill('SIGKILL');
      await live;
    }
  });
});

describe('engine backup refuses, with one line, exit 2 and nothing written', () => {
  it('a destination that exists and is not empty', async () => {
    const to = file('taken.db');
    writeFileSync(to, 'keep me');
    const r = await cli(['backup', '--db', signed, '--to', to]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^engine backup: --to .*taken\.db: exists and is not empty/)]);
    expect(readFileSync(to, 'utf8')).toBe('keep me');
  });

  it('a destination in a missing folder', async () => {
    const to = path.join(tmp.dir, 'no-such-folder', 'b.db');
    const r = await cli(['backup', '--db', signed, '--to', to]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/the folder .*no-such-folder does not exist/)]);
    expect(existsSync(path.dirname(to))).toBe(false);
  });

  it('a source that fails integrity (an event rewritten and the chain recomputed, under the key)', async () => {
    const db = file('rewritten.db');
    writeFileSync(db, readFileSync(signed));
    // Rewrite an early event and rehash everything after it: the chain verifies, the signed head does not agree.
    rechainFrom(db, 5, (row) => ({ metadata: row.metadata.replace(/"at":"[^"]+"/, '"at":"2001-01-01T00:00:00.000Z"') }));
    const to = file('from-rewritten.db');
    const r = await cli(['backup', '--db', db, '--to', to], { ENGINE_LOG_KEY: KEY });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^engine backup: the backup of .* its anchor check fails: the log was rewritten.*nothing was written at/)]);
    expect(existsSync(to)).toBe(false);
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('a source whose chain is broken', async () => {
    const db = file('broken.db');
    writeFileSync(db, readFileSync(signed));
    withRaw(db, (raw) => raw.prepare("UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = 7").run());
    const to = file('from-broken.db');
    const r = await cli(['backup', '--db', db, '--to', to]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/its integrity check fails: chain broken at position 7/)]);
    expect(existsSync(to)).toBe(false);
  });

  it('an EventStoreDB --db (there is no file to back up)', async () => {
    const r = await cli(['backup', '--db', 'esdb://127.0.0.1:2113?tls=false', '--to', file('x.db')]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining('engine store copy --from esdb://')]);
  });
});

describe('engine restore', () => {
  async function backupOf(db: string): Promise<{ to: string; head: { position: number; hash: string } }> {
    const to = file('backup.db');
    const b = await cli(['backup', '--db', db, '--to', to, '--log-level', 'warn'], { ENGINE_LOG_KEY: KEY });
    expect(b.code, b.stderr).toBe(0);
    return { to, head: readHead(b.stdout) };
  }

  it('puts a backup back where there is no log: the same events, doctor passes', async () => {
    const { to, head } = await backupOf(signed);
    const db = file('restored.db');
    const r = await cli(['restore', '--from', to, '--db', db, '--log-level', 'warn'], { ENGINE_LOG_KEY: KEY });
    expect(r.code, r.stderr).toBe(0);
    expect(readHead(r.stdout)).toEqual(head);
    expect(await recordsOf(db)).toEqual(await recordsOf(signed));
    const doctor = await cli(['doctor', '--db', db], { ENGINE_LOG_KEY: KEY });
    expect(doctor.code, doctor.stdout).toBe(0);
  });

  it('refuses to replace a log that holds events unless --replace; with it, the log is the backup', async () => {
    const { to, head } = await backupOf(signed);
    const db = file('other.db');
    expect((await cli(['backtest', '--data', 'synthetic:bars=120,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--db', db])).code).toBe(0);
    const other = headOf(db);
    const bytes = readFileSync(db);
    const refused = await cli(['restore', '--from', to, '--db', db]);
    expect(refused.code).toBe(2);
    expect(errorLines(refused.stderr)).toEqual([expect.stringMatching(/holds a log \(head position \d+\): restore replaces a log that holds events only with --replace; nothing was restored/)]);
    expect(readFileSync(db).equals(bytes)).toBe(true);

    const replaced = await cli(['restore', '--from', to, '--db', db, '--replace', '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ head, replaced: other });
    expect(headOf(db)).toEqual(head);
    expect(await recordsOf(db)).toEqual(await recordsOf(signed));
    expect((await cli(['doctor', '--db', db], { ENGINE_LOG_KEY: KEY })).code).toBe(0);
  });

  it('never while a run holds the lock: exit 3, the log untouched', async () => {
    const { to } = await backupOf(signed);
    const db = file('locked.db');
    writeFileSync(db, '');
    const lock = acquireLock(lockFileFor(parseStoreTarget(db)), { command: 'engine stage7-run (test)' });
    try {
      const r = await cli(['restore', '--from', to, '--db', db]);
      expect(r.code).toBe(3);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^engine restore: the run lock .* is held by pid \d+/)]);
      expect(statSync(db).size).toBe(0);
    } finally {
      lock.release();
    }
    const r = await cli(['restore', '--from', to, '--db', db, '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0); // an empty file is an empty log: no --replace needed
    expect(headOf(db)).toEqual(headOf(signed));
  });

  it('refuses a backup that fails its checks, touching nothing', async () => {
    const { to } = await backupOf(signed);
    rechainFrom(to, 1, (row) => ({ data: row.data.replace('"sma-cross"', '"sma-crosS"') }));
    const db = file('target.db');
    const r = await cli(['restore', '--from', to, '--db', db], { ENGINE_LOG_KEY: KEY });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^engine restore: --from .*: its anchor check fails: .*nothing was restored$/)]);
    expect(existsSync(db)).toBe(false);
    expect(leftovers(tmp.dir)).toEqual([]);
  });
});
