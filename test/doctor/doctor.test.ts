import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import { hashOfStoredEvent } from '../../src/events/hash-chain.js';
import { tempDir } from '../support.js';
import { engine } from '../backtest/cli-support.js';
import { copyFileSync, writeFileSync } from 'node:fs';

/**
 * `engine doctor`: integrity, projections, parity and SLO checks over a real SQLite log written by a
 * real backtest, then over copies of it that an attacker edited (with the raw driver, triggers dropped).
 */
const tmp = tempDir('engine-doctor-');
afterAll(() => tmp.cleanup());

interface DoctorJson {
  ok: boolean;
  checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }>;
}

const BT = ['backtest', '--data', 'synthetic:bars=600,interval=1h,seed=21', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--param', 'risk=0.004', '--seed', '9', '--json'];
let pristine: string;
let runId: string;

beforeAll(async () => {
  pristine = path.join(tmp.dir, 'pristine.db');
  const r = await engine([...BT, '--db', pristine]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  runId = JSON.parse(r.stdout).runId;
});

function copy(name: string): string {
  const db = path.join(tmp.dir, name);
  copyFileSync(pristine, db);
  return db;
}

async function doctor(db: string, extra: string[] = []): Promise<{ code: number; json: DoctorJson; text: string }> {
  const [j, t] = await Promise.all([engine(['doctor', '--json', '--db', db, ...extra]), engine(['doctor', '--db', db, ...extra])]);
  expect(j.code).toBe(t.code);
  return { code: j.code, json: JSON.parse(j.stdout) as DoctorJson, text: t.stdout };
}

const check = (d: DoctorJson, name: string) => d.checks.find((c) => c.name === name)!;

/** The rows of one event type in a run, by global position. */
function positionsOf(db: string, type: string): number[] {
  const raw = new Database(db, { readonly: true });
  try {
    return (raw.prepare('SELECT position FROM events WHERE type = ? ORDER BY position').all(type) as Array<{ position: number }>).map((r) => r.position);
  } finally {
    raw.close();
  }
}

/** Edit one event's data; with `rechain`, recompute its hash and every later link, so the chain verifies again. */
function tamper(db: string, position: number, edit: (data: Record<string, unknown>) => Record<string, unknown>, rechain: boolean): void {
  const raw = new Database(db);
  try {
    for (const t of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").all() as Array<{ name: string }>) raw.exec(`DROP TRIGGER "${t.name}"`);
    const rows = raw.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position').all(position) as Array<Record<string, string | number>>;
    let prevHash = String(rows[0]!.prev_hash);
    for (const [i, row] of rows.entries()) {
      const data = i === 0 ? edit(JSON.parse(String(row.data)) as Record<string, unknown>) : (JSON.parse(String(row.data)) as Record<string, unknown>);
      if (i === 0 && !rechain) {
        raw.prepare('UPDATE events SET data = ? WHERE position = ?').run(canonicalJson(data), row.position);
        return;
      }
      const hash = hashOfStoredEvent({
        globalPosition: Number(row.position), stream: String(row.stream), streamVersion: Number(row.stream_version), eventId: String(row.event_id),
        type: String(row.type), schemaVersion: Number(row.schema_version), data, metadata: JSON.parse(String(row.metadata)) as EventMetadata, prevHash, hash: '',
      });
      raw.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?').run(canonicalJson(data), prevHash, hash, row.position);
      prevHash = hash;
    }
  } finally {
    raw.close();
  }
}

describe('engine doctor', () => {
  it('a healthy backtest log: integrity, parity and SLOs PASS; the projections check says it has no checkpoint yet', async () => {
    const d = await doctor(pristine, ['--run', runId]);
    expect(d.code).toBe(0);
    expect(d.json.ok).toBe(true);
    expect(d.json.checks.map((c) => [c.name, c.status])).toEqual([
      ['storage', 'PASS'],
      ['integrity', 'PASS'],
      ['anchor', 'SKIP'],
      ['projections', 'SKIP'],
      ['parity', 'PASS'],
      ['slo', 'PASS'],
    ]);
    expect(check(d.json, 'parity').figures).toMatchObject({ runs: 1, replayed: 1, parity: 1, diverged: 0 });
    expect(check(d.json, 'slo').figures).toMatchObject({ run: runId, failed: null });
    expect(d.text).toMatch(/^parity +PASS/m);
    expect(d.text).toMatch(/^slo +PASS/m);
  });

  it('a tampered log fails integrity at the edited position, and parity is not claimed on it', async () => {
    const db = copy('tampered.db');
    const decision = positionsOf(db, 'RiskDecisionMade')[2]!;
    tamper(db, decision, (d) => ({ ...d, approvedQty: '1' }), false);
    const d = await doctor(db);
    expect(d.code).toBe(1);
    const integrity = check(d.json, 'integrity');
    expect(integrity.status).toBe('FAIL');
    expect(integrity.figures.firstBadPosition).toBe(decision);
    expect(integrity.detail).toContain(`position ${decision}`);
    const parity = check(d.json, 'parity');
    expect(parity.status).not.toBe('PASS');
    expect(parity.figures.claimed).toBe(false);
    expect(parity.detail).toMatch(/not claimed/);
    expect(parity.detail).toMatch(new RegExp(`not claimed: the hash chain is broken at position ${decision}`));
    // The human table wraps DETAIL inside its column (100 columns): the row starts with the verdict.
    expect(d.text).toMatch(/^parity +SKIP /m);
  });

  it('an edit re-chained so that integrity passes is still caught: parity DIVERGED at that position', async () => {
    const db = copy('rechained.db');
    const decision = positionsOf(db, 'RiskDecisionMade')[2]!;
    tamper(db, decision, (d) => ({ ...d, verdict: 'DENIED', approvedQty: '0', reasonCode: 'POSITION_CAP', layer: 'RISK' }), true);
    const d = await doctor(db);
    expect(check(d.json, 'integrity').status).toBe('PASS');
    const parity = check(d.json, 'parity');
    expect(parity.status).toBe('FAIL');
    expect(parity.detail).toContain(`diverges at position ${decision}`);
    expect(d.code).toBe(1);
    const replay = await engine(['replay', '--run', runId, '--json', '--db', db]);
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.stdout).divergence.position).toBe(decision);
  });

  it('SLOs are judged by the thresholds the run recorded, unless a configuration is given', async () => {
    const db = path.join(tmp.dir, 'slo-live.db');
    const strict = path.join(tmp.dir, 'strict-slo.json');
    writeFileSync(strict, JSON.stringify({ base: { slo: { cycleLatencyP50Ms: 0 } } }));
    const run = await engine(['--db', db, 'stage7-run', '--venue', 'sim', '--cycles', '3', '--interval', '10ms', '--config', strict], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    // No zero-time cycle exists: the run's own threshold of 0 ms is breached, and doctor says whose threshold it was.
    const recorded = await doctor(db);
    expect(check(recorded.json, 'slo')).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/under the run's recorded thresholds: cycleLatencyP50Ms [\d.]+ > 0$/) });
    expect(recorded.code).toBe(1);
    const given = await doctor(db, ['--profile', 'paper']);
    expect(check(given.json, 'slo')).toMatchObject({ detail: expect.stringMatching(/built-in paper profile/) });
    expect(check(given.json, 'slo').figures.failed ?? '').not.toMatch(/cycleLatencyP50/);
  });

  it('a bad --config is exit 2 before anything is read', async () => {
    const r = await engine(['doctor', '--config', path.join(tmp.dir, 'nope.json'), '--db', pristine]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json/);
  });
});
