import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { buildFixtureLog, sha256File } from './fixture-log.js';
import { lines, runCli } from './run-cli.js';

/**
 * A corrupted or non-database file given as --db: one clear error line, exit 2, the file untouched
 * (same sha256 before and after), for every read command.
 */
const tmp = tempDir('engine-cli-bad-db-');
afterAll(() => tmp.cleanup());

const ALL_READ_COMMANDS = [['doctor'], ['events', 'ls'], ['events', 'show', '1'], ['events', 'tail'], ['runs']];
/** They all open --db through open-store.ts; the cheaper cases check two of them. */
const SOME_READ_COMMANDS = [['doctor'], ['events', 'ls']];

function expectRefused(file: string, reason: RegExp, commands = SOME_READ_COMMANDS): void {
  const before = sha256File(file);
  for (const args of commands) {
    const r = runCli([...args, '--db', file, '--json']);
    expect(r.code, `engine ${args.join(' ')}: ${r.stderr}`).toBe(2);
    const errLines = lines(r.stderr);
    expect(errLines, r.stderr).toHaveLength(1);
    expect(errLines[0]).toContain(`engine ${args[0]}`);
    expect(errLines[0]).toContain(file);
    expect(errLines[0]).toMatch(reason);
    expect(r.stdout).toBe('');
    expect(sha256File(file)).toBe(before);
  }
}

function siblings(file: string): string[] {
  return readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file)));
}

describe('a --db that is not an event log is refused, untouched', () => {
  it('a text file', () => {
    const file = path.join(tmp.dir, 'notes.txt');
    writeFileSync(file, 'these are my trading notes\nbuy low, sell high\n');
    expectRefused(file, /not an SQLite database/, ALL_READ_COMMANDS);
    expect(siblings(file)).toEqual(['notes.txt']);
  });

  it('a file of random bytes', () => {
    const file = path.join(tmp.dir, 'random.db');
    writeFileSync(file, randomBytes(64 * 1024));
    expectRefused(file, /not an SQLite database/, ALL_READ_COMMANDS);
    expect(siblings(file)).toEqual(['random.db']);
  });

  it("another program's SQLite database", () => {
    const file = path.join(tmp.dir, 'foreign.db');
    const db = new Database(file);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')");
    db.close();
    expectRefused(file, /not an event log of this engine/);
  });

  it('a directory', () => {
    const r = runCli(['doctor', '--db', tmp.dir]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`engine doctor: cannot open event store ${tmp.dir}: not a regular file`]);
  });
});

describe('a corrupted event log is refused, untouched', () => {
  let log: string;
  beforeAll(async () => {
    log = path.join(tmp.dir, 'good.db');
    await buildFixtureLog(log);
  });

  it('cut to half its size', () => {
    const file = path.join(tmp.dir, 'truncated.db');
    const bytes = readFileSync(log);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectRefused(file, /corrupt|malformed/);
  });

  it('a page overwritten with garbage', () => {
    const file = path.join(tmp.dir, 'mangled.db');
    copyFileSync(log, file);
    const bytes = readFileSync(file);
    for (let i = 4096; i < 8192 && i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    writeFileSync(file, bytes);
    expectRefused(file, /corrupt|malformed/);
  });
});
