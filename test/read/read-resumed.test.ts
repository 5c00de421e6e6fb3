import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnyStoredEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { runCliAsync } from '../cli/run-cli.js';
import { CLI, tempDir } from '../support.js';

/**
 * A live run killed with SIGKILL once it has orders, then resumed by a second process (RunResumed, start-up
 * reconciliation): every order's explain chain is still complete across the two processes, and the books
 * balance.
 */
const tmp = tempDir('engine-read-resumed-');
const db = path.join(tmp.dir, 'engine.db');
const cfg = path.join(tmp.dir, 'config.json');
afterAll(() => tmp.cleanup());

async function readLog(): Promise<AnyStoredEvent[]> {
  if (!existsSync(db)) return [];
  try {
    const store = SqliteEventStore.open(db, { readonly: true });
    try {
      const out: AnyStoredEvent[] = [];
      for await (const e of store.readAll()) out.push(toTypedEvent(e));
      return out;
    } finally {
      await store.close();
    }
  } catch {
    return []; // not created yet
  }
}

describe('read side over a resumed live run', () => {
  it('explain chains stay complete across a SIGKILL and the resume; the trial balance is zero', async () => {
    writeFileSync(
      cfg,
      JSON.stringify({
        base: {
          strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } },
          risk: { rateLimit: null },
          live: { sim: { volatility: 0.02, ackLatencyMs: 10, faults: { rate: '0.4', kinds: ['timeout-after-accept', 'rate-limited', 'lost-ack', 'duplicate-fills'], retryAfterMs: 5 } }, backoff: { baseMs: 5, capMs: 20, maxAttempts: 4 } },
        },
      }),
    );
    const args = [CLI, 'stage7-run', '--venue', 'sim', '--arm', '--db', db, '--config', cfg, '--interval', '10ms', '--seed', 'resume-read', '--log-level', 'warn'];
    const child = spawn(process.execPath, [...args, '--cycles', '100000'], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let orders = 0;
    while (orders < 4 && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
      orders = (await readLog()).filter((e) => e.type === 'OrderSubmitRequested').length;
    }
    child.kill('SIGKILL');
    await exited;
    expect(orders).toBeGreaterThanOrEqual(4);
    const resumed = await runCliAsync([...args.slice(1), '--cycles', '5']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const log = await readLog();
    expect(log.some((e) => e.type === 'RunResumed')).toBe(true);
    const runId = log.find((e) => e.type === 'RunStarted')!.metadata.runId;

    const ids = [...new Set(log.flatMap((e) => (e.type === 'OrderSubmitRequested' ? [e.data.clientOrderId] : [])))];
    for (const id of ids) {
      const r = await runCliAsync(['explain', id, '--json', '--db', db]);
      expect(r.code, r.stderr).toBe(0);
      const chain = JSON.parse(r.stdout) as { complete: boolean; missing: string[]; steps: Array<{ eventId: string; stage: string }> };
      expect(chain.missing, id).toEqual([]);
      const about = log.filter((e) => (e.data as { clientOrderId?: string }).clientOrderId === id).map((e) => e.eventId);
      expect(chain.steps.map((s) => s.eventId)).toEqual(expect.arrayContaining(about));
      expect(chain.steps.map((s) => s.stage)).toEqual(expect.arrayContaining(['MARKET', 'INTENT', 'RISK', 'SUBMIT']));
    }
    const ledger = JSON.parse((await runCliAsync(['ledger', '--run', runId, '--json', '--db', db])).stdout) as { trialBalance: { difference: string } };
    expect(ledger.trialBalance.difference).toBe('0');
  }, 180_000);
});
