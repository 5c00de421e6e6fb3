import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../backtest/cli-support.js';
import { runCliAsync } from '../cli/run-cli.js';
import { CLI, tempDir } from '../support.js';

/**
 * `engine doctor`'s human output fits a 100-column terminal: its FIGURES and DETAIL columns wrap inside
 * themselves, and nothing is lost on the way (each check's figures, read back out of its column, are the
 * figures --json gives). Logs: JSON when stderr is a pipe, pino-pretty on a terminal, none with --quiet.
 */
const tmp = tempDir('engine-doctor-layout-');
const db = path.join(tmp.dir, 'engine.db');
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  const r = await engine(['backtest', '--data', 'synthetic:bars=400,interval=1h,seed=4', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--seed', '2', '--db', db]);
  expect(r.code, r.stderr).toBe(0);
});

interface Check {
  name: string;
  status: string;
  figures: Record<string, unknown>;
  detail: string;
}

describe('engine doctor in 100 columns', () => {
  it('every line fits, and each check\'s FIGURES column holds exactly its --json figures', async () => {
    const [text, json] = await Promise.all([engine(['doctor', '--db', db]), engine(['doctor', '--json', '--db', db])]);
    expect(text.code, text.stderr).toBe(0);
    const checks = (JSON.parse(json.stdout) as { checks: Check[] }).checks;
    const lines = text.stdout.split('\n').filter((l) => l !== '');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    const header = lines[0]!;
    const from = header.indexOf('FIGURES');
    const to = header.indexOf('DETAIL');
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    for (const c of checks) {
      const start = lines.findIndex((l) => l.startsWith(`${c.name} `));
      expect(start, c.name).toBeGreaterThan(0);
      let end = start + 1;
      while (end < lines.length && lines[end]!.startsWith(' ')) end++;
      const block = lines.slice(start, end);
      const column = block.map((l) => l.slice(from, to).trim()).filter((s) => s !== '');
      const expected = Object.entries(c.figures).map(([k, v]) => `${k}=${String(v)}`);
      // A word longer than the column is broken across lines; join the pieces back and compare without spaces.
      expect(column.join(' ').replace(/\s+/g, ''), c.name).toBe(expected.join(' ').replace(/\s+/g, ''));
      expect(block.map((l) => l.slice(to).trim()).join(' ').replace(/\s+/g, ' ').trim(), c.name).toBe(c.detail.replace(/\s+/g, ' ').trim());
      expect(block[0]!.slice(0, from)).toMatch(new RegExp(`^${c.name} +${c.status} *$`));
    }
  });

  it('logs are JSON lines on a pipe; --quiet prints none, keeps the results and the exit code', async () => {
    const piped = await runCliAsync(['backtest', '--data', 'synthetic:bars=50,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '3', '--log-level', 'info', '--db', path.join(tmp.dir, 'p.db')]);
    expect(piped.code).toBe(0);
    const logLines = piped.stderr.trim().split('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const l of logLines) expect(JSON.parse(l)).toHaveProperty('level');
    const quiet = await runCliAsync(['backtest', '--data', 'synthetic:bars=50,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '3', '--quiet', '--json', '--db', path.join(tmp.dir, 'q.db')]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout)).toHaveProperty('runId');
    const bad = await runCliAsync(['positions', '--quiet', '--run', 'nope', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^engine positions: .*no such run/)]);
    const both = await runCliAsync(['doctor', '--quiet', '--log-level', 'info', '--db', db]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--quiet.*cannot be used with.*--log-level/);
  });

  const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!HAS_SCRIPT)('logs are pino-pretty lines at a terminal (util-linux script gives the command one)', () => {
    const command = [process.execPath, CLI, 'backtest', '--data', 'synthetic:bars=50,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '3', '--log-level', 'info', '--db', path.join(tmp.dir, 't.db')]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ENGINE_LOG_LEVEL: '' }, timeout: 60_000 });
    expect(r.status, r.stdout).toBe(0);
    // eslint-disable-next-line no-control-regex
    const plain = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/INFO.*backtest starting/);
    expect(plain).not.toMatch(/"level":30/);
  });
});
