import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EsdbStandIn } from '../support/esdb-standin/index.js';
import { CLI, tempDir } from '../support.js';

/** `engine replay` and doctor's parity check on `--db esdb://` (the stand-in, a real socket): the same port, the same verdicts. */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Asynchronous on purpose: the stand-in answers from this process's event loop.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--log-level', 'warn', ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let node: EsdbStandIn;
const tmp = tempDir('engine-replay-esdb-');
beforeAll(async () => {
  node = await EsdbStandIn.start();
});
afterAll(async () => {
  await node.stop();
  tmp.cleanup();
});

it('a backtest on EventStoreDB replays to PARITY and doctor claims parity for it', async () => {
  const bt = await cli(['backtest', '--data', 'synthetic:bars=200,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--seed', '2', '--json', '--db', node.connectionString], tmp.dir);
  expect(bt.code, bt.stderr).toBe(0);
  const { runId, decisionFingerprint } = JSON.parse(bt.stdout) as { runId: string; decisionFingerprint: string };
  const replay = await cli(['replay', '--run', runId, '--json', '--db', node.connectionString], tmp.dir);
  expect(replay.code, replay.stderr).toBe(0);
  const rep = JSON.parse(replay.stdout) as { verdict: string; fingerprints: { rederived: string } };
  expect(rep.verdict).toBe('PARITY');
  expect(rep.fingerprints.rederived).toBe(decisionFingerprint);
  const doctor = await cli(['doctor', '--run', runId, '--json', '--db', node.connectionString], tmp.dir);
  const parity = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; status: string }> }).checks.find((c) => c.name === 'parity');
  expect(parity?.status).toBe('PASS');
});
