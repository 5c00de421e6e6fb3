import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../cli/fixture-log.js';
import { lines, runCliAsync, type CliResult } from '../cli/run-cli.js';
import { tempDir } from '../support.js';
import { damagePage, eventsLeaves, type EventsLeaf } from './damage.js';

/**
 * Issue 13 item 4: a real event log (written by a real backtest) with one page of its events table
 * overwritten. Write commands refuse it before appending anything; read commands say it is damaged
 * (exit 2, one line) instead of crashing (exit 70); `events ls --json` never prints half a document;
 * `engine doctor` names the damaged page and exactly the positions that page held.
 */
const tmp = tempDir('engine-damaged-page-');
afterAll(() => tmp.cleanup());

const BT = ['backtest', '--data', 'synthetic:bars=6000,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--seed', '3', '--json'];
let pristine: string;
let runId: string;
let events: number;
let leaves: EventsLeaf[];

beforeAll(async () => {
  pristine = path.join(tmp.dir, 'pristine.db');
  const r = await runCliAsync([...BT, '--db', pristine, '--log-level', 'warn']);
  expect([r.code, r.stderr]).toEqual([0, '']);
  runId = (JSON.parse(r.stdout) as { runId: string }).runId;
  const raw = new Database(pristine, { readonly: true });
  events = (raw.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  raw.close();
  leaves = eventsLeaves(pristine);
  expect(leaves.length).toBeGreaterThan(100);
  // Reads go 5000 rows at a time: the log must be longer than one read, for damage past the first.
  expect(leaves.at(-1)!.last).toBeGreaterThan(6000);
});

function damagedCopy(name: string, leaf: EventsLeaf): string {
  const db = path.join(tmp.dir, name);
  copyFileSync(pristine, db);
  damagePage(db, leaf.page);
  return db;
}

function expectDamageLine(r: CliResult, command: string, db: string): void {
  const err = lines(r.stderr).filter((l) => !l.startsWith('{'));
  expect(err, r.stderr).toHaveLength(1);
  expect(err[0]).toMatch(new RegExp(`^engine ${command}: event store ${db.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged`));
  expect(err[0]).toContain('engine doctor --db');
}

describe('a log with one damaged page in the middle of its events table', () => {
  let db: string;
  let leaf: EventsLeaf;
  beforeAll(() => {
    // Within the first read of 5000 rows, past its first quarter.
    leaf = leaves.find((l) => l.first > 2000)!;
    db = damagedCopy('middle.db', leaf);
  });

  it('takes no appends: backtest and kill-switch exit 2 naming the damaged page, and the file is unchanged', async () => {
    const before = sha256File(db);
    const backtest = await runCliAsync(['backtest', '--data', 'synthetic:bars=50,interval=1h,seed=9', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--db', db]);
    expect(backtest.code, backtest.stderr).toBe(2);
    expectDamageLine(backtest, 'backtest', db);
    expect(backtest.stderr).toContain(`damaged page ${leaf.page} (events)`);
    expect(backtest.stderr).toContain('nothing was appended');
    const kill = await runCliAsync(['kill-switch', 'engage', '--reason', 'test', '--db', db]);
    expect(kill.code, kill.stderr).toBe(2);
    expectDamageLine(kill, 'kill-switch engage', db);
    expect(sha256File(db)).toBe(before);
  });

  it('read commands exit 2 with one line instead of an internal error', async () => {
    const inside = String(leaf.first);
    const runs = await Promise.all([
      runCliAsync(['events', 'ls', '--db', db]),
      runCliAsync(['runs', '--db', db]),
      runCliAsync(['replay', '--run', runId, '--db', db]),
      runCliAsync(['events', 'show', inside, '--db', db]),
    ]);
    for (const [i, command] of ['events ls', 'runs', 'replay', 'events show'].entries()) {
      const r = runs[i]!;
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expectDamageLine(r, command, db);
    }
  });

  it('events ls --json prints nothing when the first read fails: stdout is empty, exit 2', async () => {
    // Reads go 5000 rows at a time: this damage is in the first batch, so nothing was read, nothing printed.
    expect(leaf.first).toBeLessThanOrEqual(5000);
    const r = await runCliAsync(['events', 'ls', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expectDamageLine(r, 'events ls', db);
  });

  it('doctor names the damaged page and exactly the positions it held (exit 1)', async () => {
    const r = await runCliAsync(['doctor', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(1);
    const checks = (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }> }).checks;
    const storage = checks.find((c) => c.name === 'storage')!;
    expect(storage.status).toBe('FAIL');
    expect(String(storage.figures.damagedPages).split(',')).toContain(String(leaf.page));
    expect(storage.detail).toContain(`${leaf.page} (events)`);
    const integrity = checks.find((c) => c.name === 'integrity')!;
    expect(integrity.status).toBe('FAIL');
    expect(integrity.figures).toMatchObject({
      kind: 'UNREADABLE',
      firstBadPosition: leaf.first,
      unreadable: `${leaf.first}..${leaf.last}`,
      unreadableEvents: leaf.last - leaf.first + 1,
      intactEvents: events - (leaf.last - leaf.first + 1),
    });
    expect(integrity.detail).toContain(`positions ${leaf.first}..${leaf.last} cannot be read`);
    expect(checks.find((c) => c.name === 'parity')!.status).not.toBe('PASS');
  });
});

describe('a log damaged elsewhere', () => {
  it('near its end, past what one read returns: events ls --json closes the array it began, and exits 2', async () => {
    const leaf = leaves.find((l) => l.first > 5000)!;
    const db = damagedCopy('late.db', leaf);
    const r = await runCliAsync(['events', 'ls', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(2);
    expectDamageLine(r, 'events ls', db);
    // More than the output buffer had been read before the damage: it was printed, then the array closed.
    expect(r.stdout.length).toBeGreaterThan(1 << 20);
    const listed = JSON.parse(r.stdout) as Array<{ globalPosition: number }>;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.at(-1)!.globalPosition).toBeLessThan(leaf.first);
    expect(listed.map((e) => e.globalPosition)).toEqual(listed.map((_, i) => i + 1));
  });

  it('near its start, with a small result: --limit output is all or nothing', async () => {
    const leaf = leaves[2]!;
    const db = damagedCopy('early.db', leaf);
    const r = await runCliAsync(['events', 'ls', '--json', '--limit', String(leaf.last + 5), '--db', db]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expectDamageLine(r, 'events ls', db);
  });

  it('two damaged pages: doctor names both ranges', async () => {
    const a = leaves[10]!;
    const b = leaves[Math.floor(leaves.length * 0.8)]!;
    const db = damagedCopy('two.db', a);
    damagePage(db, b.page);
    const r = await runCliAsync(['doctor', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(1);
    const integrity = (JSON.parse(r.stdout) as { checks: Array<{ name: string; figures: Record<string, unknown> }> }).checks.find((c) => c.name === 'integrity')!;
    expect(integrity.figures.unreadable).toBe(`${a.first}..${a.last},${b.first}..${b.last}`);
  });
});
