import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnyStoredEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { CLI as BUILT_CLI, PROJECT_ROOT, tempDir } from '../support.js';

/** ENGINE_TEST_CLI: a private build of the CLI, when dist/ is being rebuilt by others. */
const CLI = process.env.ENGINE_TEST_CLI ?? BUILT_CLI;

let tmp: ReturnType<typeof tempDir>;
let db: string;
let cfg: string;
beforeEach(() => {
  tmp = tempDir('engine-stage7-');
  db = path.join(tmp.dir, 'engine.db');
  cfg = path.join(tmp.dir, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      base: {
        strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } },
        risk: { rateLimit: null },
        live: { sim: { volatility: 0.01, faults: { rate: '0.5', kinds: ['timeout-after-accept', 'rate-limited'], retryAfterMs: 5 } }, backoff: { baseMs: 5, capMs: 20, maxAttempts: 4 } },
      },
    }),
  );
});
afterEach(() => tmp.cleanup());

function engine(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args, '--db', db], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ENGINE_LOG_LEVEL: '', ...env } });
}

function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENGINE_LOG_LEVEL: '' } });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

async function until<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function log(): Promise<AnyStoredEvent[]> {
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    const out: AnyStoredEvent[] = [];
    for await (const e of store.readAll()) out.push(toTypedEvent(e));
    return out;
  } finally {
    await store.close();
  }
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('engine stage7-run --venue sim', () => {
  it('without --arm: a dry run, every order denied DRY_RUN, nothing reaches the venue; RunStarted says what a replay needs', async () => {
    const r = engine(['stage7-run', '--venue', 'sim', '--config', cfg, '--cycles', '25', '--interval', '5ms', '--seed', 's1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { runId: string; ended: string; cycles: number };
    expect(summary).toMatchObject({ ended: 'COMPLETED', cycles: 25 });
    const events = await log();
    const started = events.find((e) => e.type === 'RunStarted');
    expect(started?.type === 'RunStarted' && started.data).toMatchObject({ mode: 'live', armed: false, seed: 's1', venue: 'sim', data: null });
    expect(started?.type === 'RunStarted' && started.data.configHash).toMatch(/^[0-9a-f]{64}$/);
    const decisions = events.filter((e) => e.type === 'RiskDecisionMade');
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) expect(d.type === 'RiskDecisionMade' && d.data.reasonCode).toBe('DRY_RUN');
    expect(events.some((e) => e.type === 'OrderSubmitRequested')).toBe(false);
    expect(JSON.parse(readFileSync(`${db}.venue.json`, 'utf8')).received).toEqual([]);
    const completed = events.filter((e) => e.type === 'CycleCompleted');
    expect(completed.length).toBe(25);
    expect(completed[0]?.type === 'CycleCompleted' && Object.keys(completed[0].data.phaseMs).sort()).toEqual(['decide', 'execution', 'marketData', 'reconcile', 'total']);
    expect(events.at(-1)?.type).toBe('RunEnded');
  });

  it('a second process exits 3 naming the holder; SIGTERM finishes the cycle and appends RunEnded STOPPED; logs are JSON with run and cycle ids; /metrics and /healthz are served', async () => {
    const first = start(['stage7-run', '--venue', 'sim', '--config', cfg, '--arm', '--interval', '10ms', '--metrics-port', '0', '--log-level', 'debug']);
    const port = await until('the metrics port', () => jsonLines(first.stderr()).find((l) => l.msg === 'metrics listening on 127.0.0.1')?.port as number | undefined);
    await until('some cycles', () => jsonLines(first.stderr()).filter((l) => l.msg === 'cycle completed').length >= 10);

    const second = engine(['stage7-run', '--venue', 'sim', '--config', cfg, '--cycles', '1']);
    expect(second.status).toBe(3);
    expect(second.stderr).toContain(`held by pid ${first.child.pid}`);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/engine_cycles_total \d+/);
    expect(metrics).toContain('engine_cycle_phase_seconds_bucket');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const lines = jsonLines(first.stderr());
    const runId = lines.find((l) => l.msg === 'run started')?.runId;
    expect(runId).toMatch(/^live-[0-9a-f]{12}$/);
    const cycleLine = lines.find((l) => l.msg === 'cycle completed');
    expect(cycleLine).toMatchObject({ runId, cycleId: expect.stringMatching(new RegExp(`^${runId}:c\\d+$`)) });
    const events = await log();
    const ended = events.filter((e) => e.type === 'RunEnded');
    expect(ended.map((e) => e.type === 'RunEnded' && e.data.reason)).toEqual(['STOPPED']);
    expect(events.at(-1)?.type).toBe('RunEnded');
    // The last cycle was finished, not cut: every CycleStarted has its CycleCompleted.
    expect(events.filter((e) => e.type === 'CycleStarted').length).toBe(events.filter((e) => e.type === 'CycleCompleted').length);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('a damaged venue state file is bad input: exit 2, one line naming the file, nothing appended, the lock released', async () => {
    writeFileSync(`${db}.venue.json`, '{"format":"engine-paper-venue/1","book":');
    const r = engine(['stage7-run', '--venue', 'sim', '--config', cfg, '--cycles', '1']);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${db}.venue.json`);
    expect(existsSync(db) ? (await log()).length : 0).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('replays a CSV at a speed factor: the venue trades the file bar by bar, one cycle per (bar interval / speed)', async () => {
    const csv = path.join(PROJECT_ROOT, 'fixtures/syn-1h-500.csv');
    writeFileSync(cfg, JSON.stringify({ base: { symbol: 'SYN', live: { sim: { csv, csvSpeed: 360_000 } } } })); // 1 h bars -> 10 ms
    const r = engine(['stage7-run', '--venue', 'sim', '--config', cfg, '--cycles', '5', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const events = await log();
    const started = events.find((e) => e.type === 'RunStarted');
    expect(started?.type === 'RunStarted' && (started.data.config as { live: { intervalMs: number } }).live.intervalMs).toBe(10);
    const closes = events.filter((e) => e.type === 'MarketSnapshotRecorded').map((e) => (e.type === 'MarketSnapshotRecorded' ? e.data.bars[0]!.close : ''));
    const fileCloses = readFileSync(csv, 'utf8').trim().split('\n').slice(1, 6).map((l) => l.split(',')[4]!);
    expect(closes.map(Number)).toEqual(fileCloses.map(Number));
  });

  it('after a SIGKILL the next start resumes the run, with the configuration it recorded even if the file changed', async () => {
    const first = start(['stage7-run', '--venue', 'sim', '--config', cfg, '--arm', '--interval', '10ms', '--log-level', 'debug']);
    await until('some cycles', () => jsonLines(first.stderr()).filter((l) => l.msg === 'cycle completed').length >= 5);
    first.child.kill('SIGKILL');
    await first.exited;
    writeFileSync(cfg, JSON.stringify({ base: { symbol: 'OTHER', strategy: { name: 'donchian-breakout' } } }));
    const r = engine(['stage7-run', '--venue', 'sim', '--config', cfg, '--cycles', '3', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ resumed: true, ended: 'COMPLETED', cycles: 3 });
    expect(jsonLines(r.stderr).some((l) => String(l.msg).includes('resuming with the recorded one'))).toBe(true);
    const events = await log();
    expect(events.filter((e) => e.type === 'RunStarted')).toHaveLength(1);
    const symbols = new Set(events.filter((e) => e.type === 'MarketSnapshotRecorded').map((e) => e.type === 'MarketSnapshotRecorded' && e.data.bars[0]!.symbol));
    expect([...symbols]).toEqual(['SYN']);
    expect(new Set(events.map((e) => e.metadata.runId)).size).toBe(1);
  });

  it('honours the kill switch at each cycle: new exposure denied KILL_SWITCH', async () => {
    const ks = engine(['kill-switch', 'engage', '--reason', 'drill', '--by', 'test']);
    expect(ks.status, ks.stderr).toBe(0);
    const r = engine(['stage7-run', '--venue', 'sim', '--config', cfg, '--arm', '--cycles', '25', '--interval', '5ms']);
    expect(r.status, r.stderr).toBe(0);
    const decisions = (await log()).filter((e) => e.type === 'RiskDecisionMade');
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) expect(d.type === 'RiskDecisionMade' && [d.data.verdict, d.data.reasonCode]).toEqual(['DENIED', 'KILL_SWITCH']);
  });
});
