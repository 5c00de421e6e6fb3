import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_REASON_CODES, REASON_CODES } from '../../src/engine/reason-codes.js';
import { CLI, PROJECT_ROOT, tempDir } from '../support.js';

const tmp = tempDir('engine-cli-config-');
afterAll(() => tmp.cleanup());

function engine(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ENGINE_LOG_LEVEL: 'silent' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('engine reasons / config / kill-switch (real child processes)', () => {
  it('engine reasons --json lists every code with its layer and meaning', () => {
    const r = engine('reasons', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ code: string; layer: string; meaning: string }>;
    expect(rows.map((x) => x.code).sort()).toEqual([...ALL_REASON_CODES].sort());
    for (const x of rows) expect(x.layer).toBe(REASON_CODES[x.code as keyof typeof REASON_CODES].layer);
    const text = engine('reasons');
    expect(text.code).toBe(0);
    for (const c of ALL_REASON_CODES) expect(text.stdout).toContain(c);
  });

  it('a bad config file exits 2 and lists every invalid field on stderr', () => {
    const file = path.join(tmp.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ base: { risk: { minNotional: '-1', rateLimit: { maxOrders: 0, windowMs: 1000 } } }, profiles: { paper: { slo: { maxEscalations: 1.5 } } } }));
    const r = engine('config', 'check', '--config', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toContain(`${file}: 3 invalid fields:`);
    expect(r.stderr).toContain('base.risk.minNotional');
    expect(r.stderr).toContain('base.risk.rateLimit.maxOrders');
    expect(r.stderr).toContain('profiles.paper.slo.maxEscalations');
  });

  it('the example config checks clean', () => {
    const r = engine('config', 'check', '--config', path.join(PROJECT_ROOT, 'config/engine.example.json'));
    expect(r.code).toBe(0);
  });

  it('kill-switch engage / status / release append to the control stream', () => {
    const db = path.join(tmp.dir, 'ks.db');
    expect(engine('--db', db, 'kill-switch', 'engage', '--reason', 'venue incident', '--by', 'ops').code).toBe(0);
    const status = JSON.parse(engine('--db', db, 'kill-switch', 'status', '--json').stdout) as { engaged: boolean; reason: string; streamVersion: number };
    expect(status).toMatchObject({ engaged: true, reason: 'venue incident', streamVersion: 0 });
    const again = JSON.parse(engine('--db', db, 'kill-switch', 'engage', '--reason', 'twice', '--json').stdout) as { changed: boolean };
    expect(again.changed).toBe(false);
    expect(engine('--db', db, 'kill-switch', 'release', '--reason', 'resolved').code).toBe(0);
    const after = JSON.parse(engine('--db', db, 'kill-switch', 'status', '--json').stdout) as { engaged: boolean; streamVersion: number };
    expect(after).toMatchObject({ engaged: false, streamVersion: 1 });
    expect(engine('--db', db, 'kill-switch', 'engage').code).toBe(2); // --reason is required
  });
});
