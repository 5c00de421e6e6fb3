import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../support.js';
import { engine, storedLines } from '../backtest/cli-support.js';

/**
 * Replay-parity of `engine stage7-run` runs that were killed with SIGKILL at seeded moments and
 * restarted (each restart resumes the run: start-up reconciliation under a new cycle id, then cycles),
 * against a paper venue injecting faults (timeouts before/after acceptance, 429s, lost acks, duplicate
 * fills). The replay rebuilds every segment as the restarted process did and must find PARITY.
 */
const KILLS = 3;
let tmp: ReturnType<typeof tempDir>;
let db: string;
let cfg: string;
let runId: string;

function stage7(extra: string[]): string[] {
  return [CLI, '--log-level', 'warn', 'stage7-run', '--venue', 'sim', '--arm', '--db', db, '--config', cfg, '--interval', '20ms', '--seed', 'rp-1', ...extra];
}

async function cycleCount(): Promise<number> {
  return (await storedLines(db)).filter((l) => l.includes('"type":"CycleStarted"')).length;
}

/** Starts stage7-run, waits until it has recorded `cycles` more cycles (+ a seeded delay), SIGKILLs it. */
async function killedRun(cycles: number, extraDelayMs: number): Promise<void> {
  const before = await cycleCount().catch(() => 0);
  const child = spawn(process.execPath, stage7([]), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (await cycleCount().catch(() => 0)) < before + cycles) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, extraDelayMs));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  tmp = tempDir('engine-replay-live-');
  db = path.join(tmp.dir, 'engine.db');
  cfg = path.join(tmp.dir, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      base: {
        strategy: { name: 'sma-cross', params: { fast: 2, slow: 3, atr: 2 } },
        simulation: { participationCap: '0.2' },
        risk: { rateLimit: null },
        live: {
          sim: { seed: 'rp-venue', volatility: 0.01, faults: { rate: '0.5', lostAckHiddenQueries: 1, retryAfterMs: 5 } },
          reconcile: { visibilityWindowMs: 60, notFoundConfirmations: 3, maxAttempts: 30, maxAgeMs: 10_000 },
          backoff: { baseMs: 5, capMs: 40, maxAttempts: 4 },
        },
      },
    }),
  );
  const rng = seedrandom('replay-live-kills');
  for (let i = 0; i < KILLS; i++) await killedRun(8, Math.floor(rng() * 60));
  const last = await engine(['stage7-run', '--venue', 'sim', '--arm', '--db', db, '--config', cfg, '--interval', '20ms', '--cycles', '5', '--json']);
  expect(last.code, last.stderr).toBe(0);
  const summary = JSON.parse(last.stdout) as { runId: string; resumed: boolean };
  expect(summary.resumed).toBe(true);
  runId = summary.runId;
}, 90_000);
afterAll(() => tmp.cleanup());

interface Report {
  verdict: string;
  segments: number;
  matched: number;
  recordedEvents: number;
  divergence: { position: number; recorded: { type: string } | null; rederived: { type: string; data: Record<string, unknown> } | null } | null;
  divergenceSegment: number | null;
  fingerprints: { recorded: string; rederived: string };
}

describe('engine replay of a killed and restarted stage7-run run', () => {
  it('PARITY over every process segment, and the replay appends nothing', async () => {
    const lines = await storedLines(db);
    const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.filter((t) => t === 'RunStarted')).toHaveLength(1);
    expect(types).toContain('IntentProposed');
    expect(types).toContain('OrderSubmitRequested');

    const r = await engine(['replay', '--run', runId, '--json', '--db', db]);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.divergence).toBeNull();
    expect([r.code, rep.verdict]).toEqual([0, 'PARITY']);
    expect(rep.segments).toBe(KILLS + 1);
    expect(rep.matched).toBe(rep.recordedEvents);
    expect(rep.fingerprints.rederived).toBe(rep.fingerprints.recorded);
    expect(await storedLines(db)).toEqual(lines);
  });

  it('a per-order cap below every recorded entry diverges at the first risk decision that opens exposure', async () => {
    const events = (await storedLines(db)).map((l) => JSON.parse(l) as { globalPosition: number; stream: string; type: string; data: Record<string, unknown> });
    const run = events.filter((e) => e.stream === `run-${runId}`);
    const sides = new Map(run.filter((e) => e.type === 'IntentProposed').map((e) => [e.data.intentId as string, e.data.side as string]));
    // Long-only sma-cross: every BUY opens exposure, and its notional is far above 1 (minimum notional 10).
    const firstBuy = run.find((e) => e.type === 'RiskDecisionMade' && sides.get(e.data.intentId as string) === 'BUY');
    expect(firstBuy).toBeDefined();
    const tight = path.join(tmp.dir, 'tight.json');
    writeFileSync(tight, JSON.stringify({ base: { risk: { maxOrderNotional: '1', rateLimit: null } } }));
    const r = await engine(['replay', '--run', runId, '--config', tight, '--json', '--db', db]);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.divergence!.position).toBe(firstBuy!.globalPosition);
    expect(rep.divergence!.rederived!.data.verdict).toBe('DENIED');
    // Which process made the decision: one more than the restarts (RunResumed) recorded before it.
    const restartsBefore = run.filter((e) => e.type === 'RunResumed' && e.globalPosition < firstBuy!.globalPosition).length;
    expect(rep.divergenceSegment).toBe(restartsBefore + 1);
  });
});
