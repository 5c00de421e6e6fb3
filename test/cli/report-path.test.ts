import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, storedLines } from '../backtest/cli-support.js';
import { CLI, PROJECT_ROOT, tempDir } from '../support.js';

/**
 * `engine backtest --report`: the path is checked before anything is appended, and the report is
 * written atomically. Issue 13 item 1: pointed at the database it replaced the whole event log with
 * HTML and exited 0; pointed at the data it replaced the user's CSV.
 */
const tmp = tempDir('engine-report-path-');
afterAll(() => tmp.cleanup());

const RUN = ['backtest', '--data', 'synthetic:bars=120,interval=1h,seed=4', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1'];
const dir = path.join(tmp.dir, 'w');
const db = path.join(dir, 'r.db');
const csv = path.join(dir, 'data.csv');
const cfg = path.join(dir, 'engine.json');
let before: string[];

beforeAll(async () => {
  mkdirSync(dir);
  const first = await engine([...RUN, '--db', db]);
  expect(first.code, first.stderr).toBe(0);
  before = await storedLines(db);
  writeFileSync(csv, 'date,open,high,low,close,volume\n2024-01-01,1,2,0.5,1,10\n2024-01-02,1,2,0.5,1.5,10\n');
  writeFileSync(cfg, '{"base":{}}\n');
  symlinkSync(db, path.join(dir, 'link.db'));
  linkSync(db, path.join(dir, 'hard.db'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.html')]);
});

describe('engine backtest --report: refused before anything is appended', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['the database itself', () => ['--db', db, '--report', db], /is the event database \(--db /],
    ['the database through a symlink', () => ['--db', db, '--report', path.join(dir, 'link.db')], /is the event database/],
    ['the database through a hard link', () => ['--db', db, '--report', path.join(dir, 'hard.db')], /is the event database/],
    ['the database, reached by --db through a symlink', () => ['--db', path.join(dir, 'link.db'), '--report', db], /is the event database/],
    ['the database as a relative path', () => ['--db', db, '--report', path.relative(PROJECT_ROOT, db)], /is the event database/],
    ['the database through a missing folder and ..', () => ['--db', db, '--report', `${dir}/missing/../r.db`], /is the event database/],
    ['its WAL file', () => ['--db', db, '--report', `${db}-wal`], /wal file/],
    ['its shared-memory file', () => ['--db', db, '--report', `${db}-shm`], /shm file/],
    ['its rollback journal', () => ['--db', db, '--report', `${db}-journal`], /journal file/],
    ['the data file', () => ['--db', db, '--data', csv, '--symbol', 'X', '--report', csv], /is the data file/],
    ['the config file', () => ['--db', db, '--config', cfg, '--report', cfg], /is the configuration file/],
    ['a folder', () => ['--db', db, '--report', dir], /is a folder/],
    ['a missing folder', () => ['--db', db, '--report', path.join(dir, 'nowhere', 'r.html')], /folder .*nowhere does not exist/],
    ['a named pipe', () => ['--db', db, '--report', path.join(dir, 'pipe.html')], /not a regular file \(a named pipe\)/],
  ];

  it.each(cases)('%s: exit 2, one line, the log and the file unchanged', async (_name, extra, message) => {
    const args = [...RUN];
    const flags = extra();
    for (let i = 0; i < flags.length; i += 2) {
      const at = args.indexOf(flags[i]!);
      if (at >= 0) args[at + 1] = flags[i + 1]!;
      else args.push(flags[i]!, flags[i + 1]!);
    }
    const dataBefore = readFileSync(csv, 'utf8');
    // A different seed: a run that would append new events if it got that far.
    args[args.indexOf('--seed') + 1] = '2';
    const r = await engine(args, { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(await storedLines(db)).toEqual(before);
    expect(readFileSync(csv, 'utf8')).toBe(dataBefore);
    expect(readFileSync(db).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
  });
});

describe('engine backtest --report and the log witness', () => {
  it('the witness file named by ENGINE_LOG_WITNESS is refused too', () => {
    const witness = path.join(dir, 'witness.jsonl');
    writeFileSync(witness, '');
    const r = spawnSync(process.execPath, [CLI, ...RUN, '--db', path.join(dir, 'w.db'), '--report', witness], {
      encoding: 'utf8',
      env: { ...process.env, ENGINE_LOG_WITNESS: witness, ENGINE_LOG_LEVEL: 'warn' },
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is the log's witness file \(ENGINE_LOG_WITNESS=/);
    expect(readFileSync(witness, 'utf8')).toBe('');
  });
});

describe('engine backtest --report: written atomically', () => {
  it('replaces an existing report whole and leaves no temporary file', async () => {
    const out = path.join(dir, 'report.html');
    writeFileSync(out, 'old report');
    const r = await engine([...RUN, '--db', path.join(dir, 'other.db'), '--report', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a symlinked report is written where the link points, the link kept', async () => {
    const target = path.join(dir, 'target.html');
    const link = path.join(dir, 'report-link.html');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    const r = await engine([...RUN, '--db', path.join(dir, 'other2.db'), '--report', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/^<!doctype html>/);
    expect(readFileSync(link, 'utf8')).toBe(readFileSync(target, 'utf8'));
  });
});

/**
 * A full disk while the report is written: a 64 KiB tmpfs (root only; skipped where mounting is not
 * allowed). The run is recorded, the report is not: exit 74 (I/O error, not 70), one line saying so,
 * and no temporary file left on the full disk.
 */
const mountPoint = path.join(tmp.dir, 'tiny');
mkdirSync(mountPoint);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]).status === 0;
if (!mounted) console.warn('cannot mount a tmpfs here (not root?): skipping the disk-full report test');
afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
});

describe.skipIf(!mounted)('engine backtest --report on a full disk', () => {
  it('exits 74 with one line, the run recorded, nothing left half-written', async () => {
    writeFileSync(path.join(mountPoint, 'filler'), Buffer.alloc(60 * 1024)); // leaves less than a report needs
    const out = path.join(mountPoint, 'report.html');
    const runDb = path.join(dir, 'full.db');
    const r = await engine([...RUN, '--db', runDb, '--report', out]);
    expect(r.code, r.stderr).toBe(74);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot write .*report\.html: no space left on the device \(ENOSPC\); run bt-\w+ was recorded/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(mountPoint)).toEqual(['filler']);
    expect((await storedLines(runDb)).length).toBeGreaterThan(0);
  });
});
