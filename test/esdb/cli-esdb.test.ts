import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/event-factory.js';
import { openEsdbStore } from '../../src/events/store/esdb/index.js';
import { EsdbStandIn } from '../support/esdb-standin/index.js';
import { CLI, tempDir } from '../support.js';

/**
 * The engine runs unchanged on EventStoreDB: the compiled CLI, as a child process, given
 * `--db esdb://...` pointing at the stand-in in this process (a real socket), against the same
 * commands on a SQLite file.
 */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Asynchronous on purpose: the stand-in answers from this process's event loop.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('engine CLI on --db esdb:// (stand-in)', () => {
  let node: EsdbStandIn;
  const tmp = tempDir('cli-esdb-');
  beforeAll(async () => {
    node = await EsdbStandIn.start();
  });
  afterAll(async () => {
    await node.stop();
    tmp.cleanup();
  });

  it('backtest, runs, doctor and projections rebuild work as on SQLite, with the same fingerprints', async () => {
    const backtest = ['backtest', '--data', 'synthetic:bars=120,interval=1h,seed=7', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '42', '--json'];
    const [onEsdb, onSqlite] = await Promise.all([
      cli([...backtest, '--db', node.connectionString], tmp.dir),
      cli([...backtest, '--db', path.join(tmp.dir, 'engine.db')], tmp.dir),
    ]);
    expect(onEsdb.stderr.split('\n').filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    expect(onEsdb.code, onEsdb.stderr.slice(-2000)).toBe(0);
    expect(onSqlite.code, onSqlite.stderr.slice(-2000)).toBe(0);
    const e = JSON.parse(onEsdb.stdout) as { runId: string; fingerprint: string; decisionFingerprint: string };
    const s = JSON.parse(onSqlite.stdout) as typeof e;
    expect(e.runId).toBe(s.runId);
    expect(e.decisionFingerprint).toBe(s.decisionFingerprint);
    expect(e.fingerprint).toBe(s.fingerprint);

    const runs = await cli(['runs', '--db', node.connectionString], tmp.dir);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(e.runId);

    const doctor = await cli(['doctor', '--json', '--db', node.connectionString], tmp.dir);
    expect(doctor.stdout).toMatch(/integrity/);
    expect(doctor.stdout).toMatch(/hash chain intact/);

    const rebuild = await cli(['projections', 'rebuild', '--db', node.connectionString], tmp.dir);
    expect(rebuild.code, rebuild.stderr).toBe(0);
  });

  it('events tail --follow sees events appended by another process, through the live subscription', async () => {
    const child = spawn(process.execPath, [CLI, 'events', 'tail', '--follow', '--json', '-n', '1', '--db', node.connectionString], { cwd: tmp.dir });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const lines = () => stdout.split('\n').filter((l) => l.trim() !== '');
    const waitFor = async (cond: () => boolean, what: string) => {
      const until = Date.now() + 15_000;
      while (!cond()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      await waitFor(() => lines().length >= 1, 'the last event');
      const writer = await openEsdbStore(node.connectionString);
      const id = `tail-${Date.now()}`;
      await writer.append('run-tail', [createEvent('CycleStarted', id, { cycleSeq: 1, killSwitch: false }, { runId: 'tail', mode: 'live', cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' })], 'no_stream');
      await writer.close();
      await waitFor(() => stdout.includes(id), 'the new event');
    } finally {
      child.kill();
    }
  });

  it('doctor names the break when an event in the EventStoreDB log was altered', async () => {
    // Tamper with a stored event's data inside the stand-in (what an operator with server access could do).
    const victim = node.log.all.find((r) => r.type === 'MarketSnapshotRecorded');
    expect(victim).toBeDefined();
    const data = JSON.parse(Buffer.from(victim!.data).toString('utf8')) as { bars: Array<{ close: string }> };
    data.bars[0]!.close = '999999';
    victim!.data = Buffer.from(JSON.stringify(data));
    const doctor = await cli(['doctor', '--db', node.connectionString], tmp.dir);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(new RegExp(`HASH_MISMATCH|${victim!.position}`));
  });
});
