import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbStandIn } from '../support/esdb-standin/index.js';
import { CLI, tempDir } from '../support.js';

/**
 * The read commands use only the store port: on EventStoreDB (the in-process gRPC stand-in, a real socket)
 * they print what they print on SQLite for the same run, global positions aside (EventStoreDB numbers them
 * its own way).
 */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Asynchronous on purpose: the stand-in answers from this process's event loop.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ENGINE_LOG_LEVEL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const POSITIONAL = new Set(['db', 'fold', 'asOf', 'position', 'firstPosition', 'lastPosition']);
function withoutPositions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutPositions);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !POSITIONAL.has(k)).map(([k, x]) => [k, withoutPositions(x)]));
}

describe('read commands on --db esdb:// (stand-in)', () => {
  let node: EsdbStandIn;
  const tmp = tempDir('read-esdb-');
  const sqlite = path.join(tmp.dir, 'engine.db');
  let runId = '';
  beforeAll(async () => {
    node = await EsdbStandIn.start();
    const backtest = ['backtest', '--data', 'synthetic:bars=150,interval=1h,seed=9', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--seed', '5', '--json'];
    const [e, s] = await Promise.all([cli([...backtest, '--db', node.connectionString], tmp.dir), cli([...backtest, '--db', sqlite], tmp.dir)]);
    expect(e.code, e.stderr.slice(-2000)).toBe(0);
    expect(s.code, s.stderr.slice(-2000)).toBe(0);
    runId = (JSON.parse(s.stdout) as { runId: string }).runId;
  }, 120_000);
  afterAll(async () => {
    await node.stop();
    tmp.cleanup();
  });

  it('positions, orders, ledger --entries, risk and explain agree with SQLite', async () => {
    const orders = JSON.parse((await cli(['orders', '--json', '--db', sqlite], tmp.dir)).stdout) as { orders: Array<{ clientOrderId: string }> };
    expect(orders.orders.length).toBeGreaterThan(0);
    const id = orders.orders[orders.orders.length - 1]!.clientOrderId;
    for (const cmd of [['positions'], ['orders'], ['ledger', '--entries'], ['risk'], ['explain', id]]) {
      const [e, s] = await Promise.all([cli([...cmd, '--json', '--db', node.connectionString], tmp.dir), cli([...cmd, '--json', '--db', sqlite], tmp.dir)]);
      expect(e.code, `${cmd.join(' ')}: ${e.stderr.slice(-1000)}`).toBe(0);
      expect(s.code).toBe(0);
      const ej = JSON.parse(e.stdout) as { runId: string };
      expect(ej.runId).toBe(runId);
      expect(withoutPositions(ej), cmd.join(' ')).toEqual(withoutPositions(JSON.parse(s.stdout)));
    }
  }, 120_000);
});
