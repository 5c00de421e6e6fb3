import { copyFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../support.js';
import { engine, storedLines } from '../backtest/cli-support.js';

const tmp = tempDir('engine-replay-bt-');
afterAll(() => tmp.cleanup());

const DATA = 'synthetic:bars=1500,interval=1h,seed=11';
const BT = ['backtest', '--data', DATA, '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--param', 'risk=0.004', '--seed', '3', '--json'];
/** The recorded run's per-order cap (config default); entries risking 0.4% stay well under it. */
const RECORDED_CAP = new Decimal(50_000);

interface Report {
  verdict: string;
  matched: number;
  recordedEvents: number;
  cycles: number;
  divergence: { position: number | null; index: number; fields: string[]; recorded: { type: string; data: Record<string, unknown> } | null; rederived: { type: string; data: Record<string, unknown> } | null } | null;
  fingerprints: { recorded: string; rederived: string };
  data: { verified: boolean } | null;
}

describe('engine replay of backtests', () => {
  const db = path.join(tmp.dir, 'bt.db');
  let full: { runId: string; decisionFingerprint: string; events: number };
  let decisions: { runId: string; decisionFingerprint: string };

  beforeAll(async () => {
    const a = await engine([...BT, '--events', 'full', '--db', db]);
    const b = await engine([...BT, '--events', 'decisions', '--db', db]);
    expect([a.code, b.code, a.stderr + b.stderr]).toEqual([0, 0, '']);
    full = JSON.parse(a.stdout);
    decisions = JSON.parse(b.stdout);
  });

  it('full mode: PARITY from the recorded snapshots, same decision fingerprint, nothing appended', async () => {
    const before = await storedLines(db);
    const r = await engine(['replay', '--run', full.runId, '--json', '--db', db]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.verdict).toBe('PARITY');
    expect(rep.divergence).toBeNull();
    expect(rep.matched).toBe(rep.recordedEvents);
    expect(rep.recordedEvents).toBe(full.events - 2); // all but RunStarted and RunEnded
    expect(rep.cycles).toBeGreaterThanOrEqual(1500);
    expect(rep.fingerprints.recorded).toBe(full.decisionFingerprint);
    expect(rep.fingerprints.rederived).toBe(full.decisionFingerprint);
    expect(await storedLines(db)).toEqual(before);
  });

  it('decisions mode: PARITY from the re-read dataset, verified against the recorded hash', async () => {
    const r = await engine(['replay', '--run', decisions.runId, '--db', db]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/: PARITY/);
    expect(r.stdout).toMatch(/re-read, hash verified/);
    expect(r.stdout).toContain(`recorded   ${decisions.decisionFingerprint}`);
    expect(r.stdout).toContain(`re-derived ${decisions.decisionFingerprint}`);
    expect(decisions.decisionFingerprint).toBe(full.decisionFingerprint);
  });

  it('decisions mode: a missing or changed dataset is exit 2 naming the file, nothing replayed', async () => {
    const csv = path.join(tmp.dir, 'bars.csv');
    copyFileSync(path.join(PROJECT_ROOT, 'fixtures/syn-1h-500.csv'), csv);
    const dbCsv = path.join(tmp.dir, 'csv.db');
    const bt = await engine(['backtest', '--data', csv, '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--seed', '1', '--events', 'decisions', '--json', '--db', dbCsv]);
    expect(bt.code).toBe(0);
    const runId = JSON.parse(bt.stdout).runId as string;
    expect((await engine(['replay', '--run', runId, '--db', dbCsv])).code).toBe(0);

    const moved = path.join(tmp.dir, 'moved.csv');
    copyFileSync(csv, moved);
    rmSync(csv);
    const missing = await engine(['replay', '--run', runId, '--db', dbCsv]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(csv);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    // --data finds it elsewhere: same bytes, same hash, same verdict.
    expect((await engine(['replay', '--run', runId, '--data', moved, '--db', dbCsv])).code).toBe(0);

    // One more bar in the file's own time format (a row in another format is refused before the hash is compared).
    appendFileSync(moved, '2030-01-01T00:00:00.000Z,100,101,99,100,5\n');
    const changed = await engine(['replay', '--run', runId, '--data', moved, '--db', dbCsv]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/dataset changed since the run/);
  });

  it('an unknown run is exit 2', async () => {
    const r = await engine(['replay', '--run', 'bt-nope', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no run "bt-nope"/);
  });

  it('a tighter order cap diverges exactly at the first decision it changes, not before', async () => {
    // Independently of the engine: a tighter cap changes exactly the BUY decisions whose requested
    // notional (qty x the bar close it was decided on) exceeds it; the first of them is where the
    // replay must diverge. Below the cap, no decision can change.
    const lines = (await storedLines(db)).map((l) => JSON.parse(l) as { globalPosition: number; stream: string; type: string; data: Record<string, unknown> });
    const run = lines.filter((e) => e.stream === `run-${full.runId}`);
    let close = new Decimal(0);
    const intents = new Map<string, string>();
    const buys: Array<{ position: number; notional: Decimal }> = [];
    for (const e of run) {
      if (e.type === 'MarketSnapshotRecorded') close = new Decimal((e.data.bars as Array<{ close: string }>)[0]!.close);
      if (e.type === 'IntentProposed') intents.set(e.data.intentId as string, e.data.side as string);
      if (e.type === 'RiskDecisionMade' && intents.get(e.data.intentId as string) === 'BUY') {
        buys.push({ position: e.globalPosition, notional: new Decimal(e.data.requestedQty as string).mul(close) });
      }
    }
    expect(buys.length).toBeGreaterThan(4);
    // A cap just under the largest of the first three buys: those earlier ones all stay under it.
    const cap = Decimal.max(...buys.slice(0, 3).map((b) => b.notional)).mul('0.999').toDecimalPlaces(2, Decimal.ROUND_DOWN);
    expect(cap.lt(RECORDED_CAP)).toBe(true);
    expect(buys.every((b) => b.notional.lte(RECORDED_CAP))).toBe(true); // the recorded cap never bound
    const firstChanged = buys.find((b) => b.notional.gt(cap))!;
    expect(firstChanged.position).toBeGreaterThan(buys[0]!.position);

    const config = path.join(tmp.dir, 'tight.json');
    writeFileSync(config, JSON.stringify({ base: { risk: { maxOrderNotional: cap.toFixed() } } }));
    const r = await engine(['replay', '--run', full.runId, '--config', config, '--profile', 'dev', '--json', '--db', db]);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.verdict).toBe('DIVERGED');
    expect(rep.divergence!.position).toBe(firstChanged.position);
    expect(rep.divergence!.recorded!.type).toBe('RiskDecisionMade');
    expect(rep.divergence!.rederived!.type).toBe('RiskDecisionMade');
    expect(rep.divergence!.rederived!.data.reasonCode).toBe('NOTIONAL_CAP_PER_ORDER');
    expect(rep.matched).toBe(rep.divergence!.index);
    expect(rep.fingerprints.rederived).not.toBe(rep.fingerprints.recorded);

    const human = await engine(['replay', '--run', full.runId, '--config', config, '--profile', 'dev', '--db', db]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`first divergence at global position ${firstChanged.position} `));
    expect(human.stdout).toMatch(/recorded +RiskDecisionMade/);
    expect(human.stdout).toMatch(/re-derived +RiskDecisionMade/);
  });
});
