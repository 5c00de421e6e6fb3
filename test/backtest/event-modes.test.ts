import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { engine, storedLines } from './cli-support.js';

const tmp = tempDir('engine-bt-modes-');
afterAll(() => tmp.cleanup());

const BASE = ['backtest', '--data', 'synthetic:bars=2500,interval=15m,seed=3', '--symbol', 'SYN', '--strategy', 'donchian-breakout', '--seed', '5', '--fee-bps', '7', '--slippage-bps', '3', '--json'];

describe('--events full vs decisions', () => {
  it('makes the same decisions, trades and metrics, and records no per-bar events in decisions mode', async () => {
    const db = path.join(tmp.dir, 'modes.db');
    const full = await engine([...BASE, '--events', 'full', '--db', db]);
    const decisions = await engine([...BASE, '--events', 'decisions', '--db', db]);
    expect([full.code, decisions.code, full.stderr + decisions.stderr]).toEqual([0, 0, '']);
    const f = JSON.parse(full.stdout);
    const d = JSON.parse(decisions.stdout);
    expect(f.trades.length).toBeGreaterThan(0);
    expect(d.runId).not.toBe(f.runId); // two runs, side by side in one log
    expect(d.decisionFingerprint).toBe(f.decisionFingerprint);
    expect(d.fingerprint).not.toBe(f.fingerprint);
    expect(d.trades).toEqual(f.trades);
    expect(d.metrics).toEqual(f.metrics);
    expect(d.denials).toEqual(f.denials);
    expect(d.events).toBeLessThan(f.events / 3);

    const events = (await storedLines(db)).map((l) => JSON.parse(l) as { stream: string; type: string; data: Record<string, unknown> });
    const ofRun = (id: string) => events.filter((e) => e.stream === `run-${id}`);
    const perBar = new Set(['CycleStarted', 'MarketSnapshotRecorded', 'CycleCompleted']);
    expect(ofRun(d.runId).filter((e) => perBar.has(e.type))).toEqual([]);
    expect(ofRun(f.runId).filter((e) => e.type === 'MarketSnapshotRecorded').length).toBe(2500);
    const started = ofRun(d.runId)[0]!;
    expect(started.type).toBe('RunStarted');
    expect(started.data).toMatchObject({ eventsMode: 'decisions', data: { barCount: 2500, interval: '15m' }, seed: '5' });
    expect((started.data.data as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--fill close and next-open are different runs with different decisions', async () => {
    const a = await engine([...BASE, '--fill', 'close', '--events', 'decisions', '--db', path.join(tmp.dir, 'fill.db')]);
    const b = await engine([...BASE, '--fill', 'next-open', '--events', 'decisions', '--db', path.join(tmp.dir, 'fill.db')]);
    expect(JSON.parse(a.stdout).decisionFingerprint).not.toBe(JSON.parse(b.stdout).decisionFingerprint);
  });

  it('re-running the identical backtest into the same database appends nothing', async () => {
    const db = path.join(tmp.dir, 'rerun.db');
    const first = await engine([...BASE, '--db', db]);
    const before = await storedLines(db);
    const second = await engine([...BASE, '--db', db]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const j1 = JSON.parse(first.stdout);
    const j2 = JSON.parse(second.stdout);
    expect(j1.eventsWritten).toBe(j1.events);
    expect(j2.eventsWritten).toBe(0);
    expect(j2.eventsAlreadyStored).toBe(j1.events);
    expect(j2.fingerprint).toBe(j1.fingerprint);
    expect(await storedLines(db)).toEqual(before);
  });

  it('prints a human summary and writes a self-contained HTML report', async () => {
    const report = path.join(tmp.dir, 'report.html');
    const r = await engine([...BASE.filter((a) => a !== '--json'), '--events', 'decisions', '--report', report, '--db', path.join(tmp.dir, 'report.db')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Total return/);
    expect(r.stdout).toMatch(/Sharpe/);
    expect(r.stdout).toMatch(/fingerprint +[0-9a-f]{64} \(run\)/);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});
