import path from 'node:path';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { fingerprint } from '../../src/projections/fingerprint.js';
import { STATE_EVENT_TYPES, type ProjectionState } from '../../src/projections/projection-state.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { renderTable } from '../../src/cli/read/table.js';
import { runCliAsync } from '../cli/run-cli.js';
import { tempDir } from '../support.js';

/**
 * The read commands fold only STATE_EVENT_TYPES: the orders, positions, ledger and risk projections must come
 * out exactly as a fold of every event gives them, at any point of a log that holds a backtest, a faulty live
 * run and kill-switch events.
 */
const tmp = tempDir('engine-state-types-');
const db = path.join(tmp.dir, 'engine.db');
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  const cli = (args: string[]) => runCliAsync([...args, '--db', db]);
  expect((await cli(['backtest', '--data', 'synthetic:bars=800,interval=1h,seed=8', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--seed', '4'])).code).toBe(0);
  expect((await cli(['kill-switch', 'engage', '--reason', 'test'])).code).toBe(0);
  expect((await cli(['kill-switch', 'release', '--reason', 'test'])).code).toBe(0);
  const cfg = path.join(tmp.dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ base: { strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } }, risk: { rateLimit: null }, live: { sim: { volatility: 0.02, faults: { rate: '0.5', retryAfterMs: 5 } }, backoff: { baseMs: 5, capMs: 20, maxAttempts: 4 } } } }));
  const live = await cli(['stage7-run', '--venue', 'sim', '--arm', '--config', cfg, '--cycles', '40', '--interval', '5ms', '--seed', 'types']);
  expect(live.code, live.stderr).toBe(0);
}, 120_000);

const four = (s: ProjectionState) => ({ orders: fingerprint(s.orders), positions: fingerprint(s.positions), ledger: fingerprint(s.ledger), risk: fingerprint(s.risk) });

describe('STATE_EVENT_TYPES', () => {
  it('a fold of just those types gives the same orders, positions, ledger and risk as a fold of everything, anywhere in the log', async () => {
    const store = SqliteEventStore.open(db, { readonly: true });
    try {
      const head = (await store.head()).position;
      const types = new Set<string>();
      for await (const e of store.readAll()) types.add(e.type);
      expect([...types]).toEqual(expect.arrayContaining(['KillSwitchEngaged', 'OrderReconciled', 'OrderFilled', 'MarketSnapshotRecorded', 'CycleStarted']));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: head }), async (position) => {
          const all = new ProjectionRunner({ store, checkpointEvery: 0 });
          const some = new ProjectionRunner({ store, checkpointEvery: 0 });
          await all.foldUpTo(position);
          await some.foldUpTo(position, STATE_EVENT_TYPES);
          expect(all.query(four)).toEqual(some.query(four));
        }),
        { numRuns: 15, seed: 3, examples: [[head]] },
      );
    } finally {
      await store.close();
    }
  });
});

describe('renderTable', () => {
  it('fits the width and keeps every character of every cell', () => {
    const cell = fc.stringMatching(/^[A-Za-z0-9=.:-]{0,30}( [A-Za-z0-9=.:-]{1,70}){0,6}$/);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.array(fc.array(cell, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (n, rows) => {
        const head = ['A', 'BB', 'CCC', 'DDDD', 'EEEEE', 'FFFFFF'].slice(0, n);
        const body = rows.map((r) => r.slice(0, n));
        const lines = renderTable(head, body, { right: [1] });
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
        const squeeze = (s: string) => s.replace(/\s+/g, '');
        const chars = (s: string) => [...squeeze(s)].sort().join('');
        expect(chars(lines.join(''))).toBe(chars([...head, ...body.flat()].join('')));
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
