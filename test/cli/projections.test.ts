import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { buildFixtureLog, FIXTURE_EVENT_COUNT } from './fixture-log.js';
import { lines, runCli } from './run-cli.js';

const tmp = tempDir('engine-cli-projections-');
let db: string;
beforeAll(async () => {
  db = path.join(tmp.dir, 'log.db');
  await buildFixtureLog(db);
});
afterAll(() => tmp.cleanup());

interface RebuildJson {
  events: number;
  position: number;
  checkpoint: { name: string; position: number; fingerprint: string } | null;
  fingerprints: Record<string, string>;
  stateFingerprint: string;
}
interface DoctorJson {
  ok: boolean;
  checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }>;
}

function rebuild(file: string): RebuildJson {
  const r = runCli(['projections', 'rebuild', '--db', file, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RebuildJson;
}

describe('engine projections rebuild', () => {
  it('folds the whole log, saves the checkpoint and prints a fingerprint per projection', () => {
    const first = rebuild(db);
    expect(first.events).toBe(FIXTURE_EVENT_COUNT);
    expect(first.position).toBe(FIXTURE_EVENT_COUNT);
    expect(Object.keys(first.fingerprints).sort()).toEqual(['ledger', 'orders', 'positions', 'risk', 'runs']);
    for (const fp of [...Object.values(first.fingerprints), first.stateFingerprint]) expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(first.checkpoint).toEqual({ name: 'projections', position: FIXTURE_EVENT_COUNT, fingerprint: first.stateFingerprint });
    // Deterministic: the same log gives the same fingerprints.
    expect(rebuild(db)).toMatchObject({ fingerprints: first.fingerprints, stateFingerprint: first.stateFingerprint });

    const text = lines(runCli(['projections', 'rebuild', '--db', db]).stdout);
    expect(text[0]).toMatch(new RegExp(`^rebuilt from ${FIXTURE_EVENT_COUNT} events \\(up to position ${FIXTURE_EVENT_COUNT}\\)`));
    expect(text).toContain(`ledger      ${first.fingerprints.ledger}`);
  });

  it('never creates a database', () => {
    const missing = path.join(tmp.dir, 'missing.db');
    const r = runCli(['projections', 'rebuild', '--db', missing]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('engine doctor: the projections check', () => {
  it('PASS once a checkpoint equals a rebuild; FAIL (exit 1) when the log was cut short behind it', async () => {
    const file = path.join(tmp.dir, 'cut.db');
    await buildFixtureLog(file);
    let r = runCli(['doctor', '--db', file, '--json']);
    expect((JSON.parse(r.stdout) as DoctorJson).checks.find((c) => c.name === 'projections')?.status).toBe('SKIP');
    rebuild(file);
    r = runCli(['doctor', '--db', file, '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as DoctorJson).checks.find((c) => c.name === 'projections')).toMatchObject({ status: 'PASS', figures: { position: FIXTURE_EVENT_COUNT } });

    // Deleting the LAST row leaves an intact (shorter) chain: the checkpoint is what notices.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER events_refuse_delete');
    raw.prepare('DELETE FROM events WHERE position = ?').run(FIXTURE_EVENT_COUNT);
    raw.close();
    r = runCli(['doctor', '--db', file, '--json']);
    expect(r.code).toBe(1);
    const checks = (JSON.parse(r.stdout) as DoctorJson).checks;
    expect(checks.find((c) => c.name === 'integrity')?.status).toBe('PASS');
    const projections = checks.find((c) => c.name === 'projections')!;
    expect(projections.status).toBe('FAIL');
    expect(projections.detail).toContain(`no event at checkpoint position ${FIXTURE_EVENT_COUNT}`);
  });
});
