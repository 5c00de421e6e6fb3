import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toTypedEvent, type AnyStoredEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { CLI, tempDir } from '../support.js';

/**
 * Circuit breakers in research, through the real CLI: the dev profile (what `engine backtest` uses)
 * recovers from OBSERVE after its 7-day cool-off, and a run whose breaker ends trading says so under the
 * summary's title, at the time the log recorded, and in --json.
 */

const tmp = tempDir('engine-breaker-');
afterAll(() => tmp.cleanup());

// The README's quick-start data, shortened: sma-cross reaches a 20% drawdown on 2024-09-06.
const ARGS = ['backtest', '--data', 'synthetic:bars=8000,interval=1h,seed=7', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '42', '--events', 'decisions'];

function engine(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, '--log-level', 'silent', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runEvents(db: string, runId: string): Promise<AnyStoredEvent[]> {
  const store = await SqliteEventStore.open(db, { readonly: true, create: false });
  try {
    const out: AnyStoredEvent[] = [];
    for await (const e of store.readAll()) if (e.metadata.runId === runId) out.push(toTypedEvent(e));
    return out;
  } finally {
    await store.close();
  }
}

interface JsonResult {
  runId: string;
  metrics: { riskModes: { lockedOutAtEnd: { since: string } | null; coolOffExits: number; observeEntries: number }; benchmark: { totalReturn: number } | null };
  denials: Record<string, number>;
}

describe('circuit breakers in research', () => {
  it('with a hard breaker (observeCoolOffMs null) the summary says, under its title, when OBSERVE ended trading', async () => {
    const config = path.join(tmp.dir, 'hard.json');
    writeFileSync(config, JSON.stringify({ base: { risk: { modes: { observeCoolOffMs: null } } } }));
    const db = path.join(tmp.dir, 'hard.db');
    const json = engine('--db', db, ...ARGS, '--config', config, '--json');
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as JsonResult;
    const changes = (await runEvents(db, result.runId)).filter((e) => e.type === 'RiskModeChanged');
    const last = changes.at(-1)!;
    expect(last.type === 'RiskModeChanged' && last.data.to).toBe('OBSERVE');
    expect(result.metrics.riskModes.lockedOutAtEnd?.since).toBe(last.metadata.at);

    const text = engine('--db', db, ...ARGS, '--config', config);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const at = last.metadata.at.slice(0, 16).replace('T', ' ');
    expect(lines[2]).toMatch(new RegExp(`^ {2}!! CIRCUIT BREAKER ENDED TRADING at ${at} UTC: risk mode OBSERVE`));
    expect(lines[2]).toContain(`(${result.denials['RISK_MODE_OBSERVE']} intents denied RISK_MODE_OBSERVE)`);
    expect(lines[2]).toContain('observeCoolOffMs is off');
  });

  it('the dev profile cools off after 7 days in OBSERVE and trades again: no banner, the cool-offs counted from the log', async () => {
    const db = path.join(tmp.dir, 'dev.db');
    const json = engine('--db', db, ...ARGS, '--json');
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as JsonResult;
    const events = await runEvents(db, result.runId);
    const started = events.find((e) => e.type === 'RunStarted')!;
    expect(started.type === 'RunStarted' && (started.data.config as { risk: { modes: { observeCoolOffMs: number } } }).risk.modes.observeCoolOffMs).toBe(7 * 86_400_000);
    const rebased = events.filter((e) => e.type === 'RiskModeChanged' && e.data.context['peakRebasedAfterMs'] === String(7 * 86_400_000));
    expect(rebased.length).toBeGreaterThan(0);
    expect(result.metrics.riskModes.coolOffExits).toBe(rebased.length);
    expect(result.metrics.riskModes.lockedOutAtEnd).toBeNull();
    expect(result.metrics.benchmark).not.toBeNull();

    const text = engine('--db', db, ...ARGS);
    expect(text.stdout).not.toContain('CIRCUIT BREAKER');
    expect(text.stdout).toMatch(new RegExp(`risk modes .*OBSERVE entered .*, ended by the cool-off ${rebased.length === 1 ? 'once' : `${rebased.length} times`} \\(cool-off 7 days\\)`));
    expect(text.stdout).toContain('Against buy and hold');
  });
});
