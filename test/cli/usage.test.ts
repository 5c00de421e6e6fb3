import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { lines, runCliAsync as runCli } from './run-cli.js';

const tmp = tempDir('engine-cli-usage-');
afterAll(() => tmp.cleanup());

/** Bad usage: exit 2, exactly one line on stderr naming the command, nothing on stdout. */
async function expectUsageError(args: string[], mentions: RegExp): Promise<void> {
  const r = await runCli(args, { cwd: tmp.dir });
  expect(r.code, `exit code of engine ${args.join(' ')}; stderr: ${r.stderr}`).toBe(2);
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(mentions);
  expect(r.stdout).toBe('');
}

describe.concurrent('engine: usage errors exit 2 with one line on stderr', () => {
  it('no command at all', () => expectUsageError([], /^engine: usage: missing command/));
  it('an unknown command, with a suggestion', () => expectUsageError(['evnts'], /unknown command 'evnts'.*did you mean events/));
  it('a group without its subcommand', () => expectUsageError(['events'], /^engine events: usage: .*needs a subcommand: one of ls, show, tail/));
  it('an unknown subcommand', () => expectUsageError(['events', 'list'], /unknown subcommand 'list' for 'engine events'/));
  it('an unknown option names the command', () => expectUsageError(['events', 'ls', '--bogus'], /^engine events ls: usage: unknown option '--bogus'/));
  it('a non-integer option value names the option', () => expectUsageError(['events', 'ls', '--limit', 'ten'], /--limit must be an integer, got "ten"/));
  it('a missing required argument', () => expectUsageError(['events', 'show'], /^engine events show: usage: missing required argument/));
  it('an unknown event type lists the known ones', () =>
    // --type is checked before the store is opened, so this needs no database.
    expectUsageError(['events', 'ls', '--type', 'OrderFiled'], /--type: unknown event type "OrderFiled"; known: RunStarted/));
  it('a bad --log-level', () => expectUsageError(['runs', '--log-level', 'loud'], /--log-level.*'loud' is invalid/));
  it('a bad ENGINE_LOG_LEVEL', async () => {
    const r = await runCli(['runs'], { cwd: tmp.dir, env: { ENGINE_LOG_LEVEL: 'loud' } });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['engine runs: usage: ENGINE_LOG_LEVEL=loud is not one of fatal, error, warn, info, debug, trace, silent']);
  });
  it('an unsupported --db scheme', () => expectUsageError(['doctor', '--db', 'postgres://x/y'], /unsupported scheme/));
  it('esdb:// is routed to EventStoreDB, and the password never printed', async () => {
    await expectUsageError(['runs', '--db', 'esdb://admin:hunter2@127.0.0.1:1?tls=false'], /EventStoreDB/);
    const r = await runCli(['runs', '--db', 'esdb://admin:hunter2@127.0.0.1:1?tls=false'], { cwd: tmp.dir });
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe.concurrent('engine: help and version succeed on stdout', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
  it('--help lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['events', 'runs', 'doctor']) expect(r.stdout).toContain(c);
    expect(r.stdout).toContain('--db');
  });
});

describe.concurrent('read commands never create a database', () => {
  for (const args of [['doctor'], ['runs'], ['events', 'ls'], ['events', 'tail'], ['events', 'show', '1']]) {
    it(`engine ${args.join(' ')} on a missing --db: exit 2, one line naming the file, nothing created`, async () => {
      const db = path.join(tmp.dir, `missing-${args.join('-')}.db`);
      const r = await runCli([...args, '--db', db], { cwd: tmp.dir });
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain(db);
      expect(r.stderr).toMatch(/no such file/);
      expect(existsSync(db)).toBe(false);
      expect(readdirSync(tmp.dir).filter((f) => f.startsWith(path.basename(db)))).toEqual([]);
    });
  }
  it('the default --db is ./engine.db in the working directory', async () => {
    const r = await runCli(['doctor'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('engine.db');
    expect(existsSync(path.join(tmp.dir, 'engine.db'))).toBe(false);
  });
});
