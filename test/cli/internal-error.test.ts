import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { buildFixtureLog, RUN_ID } from './fixture-log.js';
import { lines, runCli } from './run-cli.js';

/**
 * A row whose data is no longer JSON (written around the store by another program): reading it is
 * an unexpected failure for `events ls` (exit 70, one line, stack only in the debug log), and damage
 * that `engine doctor` names by position (exit 1).
 */
const tmp = tempDir('engine-cli-internal-');
let db: string;
beforeAll(async () => {
  db = path.join(tmp.dir, 'log.db');
  await buildFixtureLog(db);
  const raw = new Database(db);
  raw.exec('DROP TRIGGER events_refuse_update');
  raw.prepare("UPDATE events SET data = 'not json{' WHERE position = 7").run();
  raw.close();
});
afterAll(() => tmp.cleanup());

describe('an unexpected failure', () => {
  it('exits 70 with exactly one line on stderr and no stack', () => {
    const r = runCli(['events', 'ls', '--db', db]);
    expect(r.code).toBe(70);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^engine events ls: internal error: SyntaxError: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('puts the stack in the debug log (a pino JSON line on stderr)', () => {
    const r = runCli(['events', 'ls', '--db', db, '--log-level', 'debug']);
    expect(r.code).toBe(70);
    const logLines = lines(r.stderr).filter((l) => l.startsWith('{'));
    const internal = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } }).find((l) => l.msg === 'internal error');
    expect(internal?.level).toBe(20);
    expect(internal?.err?.stack).toMatch(/SyntaxError/);
    expect(lines(r.stderr).filter((l) => !l.startsWith('{'))).toHaveLength(1);
  });
});

describe('engine doctor on an unreadable row', () => {
  it('names its position (exit 1)', () => {
    const r = runCli(['doctor', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const integrity = (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }> }).checks.find((c) => c.name === 'integrity')!;
    // Its stored bytes no longer hash to its hash (they are not even JSON).
    expect(integrity).toMatchObject({ name: 'integrity', status: 'FAIL', figures: { firstBadPosition: 7, kind: 'HASH_MISMATCH' } });
    expect(integrity.detail).toContain('data is not JSON');
  });

  it('with --run the integrity check still covers the whole log', () => {
    const r = runCli(['doctor', '--db', db, '--run', RUN_ID]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^integrity +FAIL +firstBadPosition=7/m);
    // The human table wraps DETAIL inside its column (100 columns); the sentence is whole in --json.
    const j = runCli(['doctor', '--json', '--db', db, '--run', RUN_ID]);
    const integrity = (JSON.parse(j.stdout) as { checks: Array<{ name: string; detail: string }> }).checks.find((c) => c.name === 'integrity')!;
    expect(integrity.detail).toContain('chain broken at position 7 (HASH_MISMATCH)');
  });
});

describe('engine doctor --run', () => {
  it('naming a run that is not in the log is bad input (exit 2)', async () => {
    const intact = path.join(tmp.dir, 'intact.db');
    await buildFixtureLog(intact);
    const r = runCli(['doctor', '--db', intact, '--run', 'nope']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^engine doctor: --run nope: no such run in /)]);
    expect(runCli(['doctor', '--db', intact, '--run', RUN_ID]).code).toBe(0);
  });
});
