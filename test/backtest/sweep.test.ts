import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { parseGridAxis } from '../../src/replay/sweep/grid.js';
import { replayRun } from '../../src/replay/parity/replay-run.js';
import type { SweepSpec } from '../../src/replay/sweep/sweep-job.js';
import { sweep } from '../../src/replay/sweep/sweep.js';
import { parseWalkForward } from '../../src/replay/sweep/walk-forward.js';
import { tempDir } from '../support.js';

const tmp = tempDir('engine-sweep-');
afterAll(() => tmp.cleanup());

function spec(bars = 1500): SweepSpec {
  const config = defaultEngineConfig();
  return {
    data: [{ symbol: 'SYN', spec: `synthetic:bars=${bars},interval=1h,seed=31`, reference: `synthetic:bars=${bars},interval=1h,seed=31` }],
    tz: 'UTC', strategy: 'sma-cross', baseParams: {}, quoteAsset: 'USD', seed: '1', fill: 'next-open', feeBps: '10', slippageBps: '5', participationCap: null,
    initialCash: '100000', qtyStep: '0.0001', minNotional: '10', priceTick: '0.01', risk: { ...config.risk, rateLimit: null }, eventsMode: 'decisions', packageVersion: 'test', gitCommit: null,
  };
}

async function lines(db: string): Promise<number> {
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    return (await store.head()).position;
  } finally {
    await store.close();
  }
}

describe('parameter sweeps on worker threads, one writer', () => {
  it('runs every grid point as its own recorded run, ranks them by the metric, and a rerun skips every finished run', async () => {
    const db = path.join(tmp.dir, 'grid.db');
    const store = SqliteEventStore.open(db, { create: true });
    const axes = [parseGridAxis('fast=5..15:5'), parseGridAxis('slow=30,40')];
    const first = await sweep(store, { spec: spec(), axes, metric: 'sharpe', walkForward: null, workers: 2 });
    expect(first.failures).toEqual([]);
    expect(first.ranked).toHaveLength(6);
    expect(new Set(first.ranked.map((x) => x.runId)).size).toBe(6);
    expect(first.ranked.map((x) => x.params.fast + '/' + x.params.slow).sort()).toEqual(['10/30', '10/40', '15/30', '15/40', '5/30', '5/40']);
    const values = first.ranked.map((x) => x.value ?? -Infinity);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // Each run is recorded, ended COMPLETED with its figures, and replays to PARITY.
    for (const x of first.ranked) {
      let end = null;
      for await (const e of store.readStream(`run-${x.runId}`)) end = toTypedEvent(e);
      expect(end?.type === 'RunEnded' && [end.data.reason, end.data.summary?.sharpe ?? null]).toEqual(['COMPLETED', x.metrics.sharpe ?? null]);
    }
    expect((await replayRun(store, first.ranked[0]!.runId)).verdict).toBe('PARITY');
    const head = (await store.head()).position;
    const again = await sweep(store, { spec: spec(), axes, metric: 'sharpe', walkForward: null, workers: 2 });
    expect(again.ranked.every((x) => x.skipped)).toBe(true);
    expect(again.ranked.map((x) => [x.runId, x.value])).toEqual(first.ranked.map((x) => [x.runId, x.value]));
    expect((await store.head()).position).toBe(head);
    await store.close();
    expect(await lines(db)).toBe(head);
  });

  it('walk-forward: parameters chosen on each train window, run on the window after it, stitched out of sample; windows replay to PARITY', async () => {
    const db = path.join(tmp.dir, 'wf.db');
    const store = SqliteEventStore.open(db, { create: true });
    const r = await sweep(store, { spec: spec(2000), axes: [parseGridAxis('fast=5,10'), parseGridAxis('slow=30')], metric: 'totalReturn', walkForward: parseWalkForward('train=30d,test=10d'), workers: 2 });
    const wf = r.walkForward!;
    expect(wf.windows.length).toBeGreaterThanOrEqual(4);
    for (const w of wf.windows) {
      expect(w.window.testFrom).toBe(w.window.trainTo);
      expect(w.chosen).not.toBeNull();
      const own = r.ranked.filter((x) => Math.floor(x.id / 2) === w.window.index);
      expect(w.chosen).toEqual(own[0]!.params);
      expect(w.test).not.toBeNull();
    }
    // Stitched: the compound of the test windows' returns.
    const compound = wf.windows.reduce((g, w) => g * (1 + w.test!.metrics.totalReturn), 1) - 1;
    expect(wf.stitched!.totalReturn).toBeCloseTo(compound, 9);
    const rep = await replayRun(store, wf.windows[0]!.test!.runId);
    expect(rep.verdict).toBe('PARITY');
    expect(rep.data?.source).toMatch(/@2024-.*\.\.2024-/);
    // Again: every run (train and test windows) is found finished or re-derived on the workers, appending nothing.
    const head = (await store.head()).position;
    const again = await sweep(store, { spec: spec(2000), axes: [parseGridAxis('fast=5,10'), parseGridAxis('slow=30')], metric: 'totalReturn', walkForward: parseWalkForward('train=30d,test=10d'), workers: 2 });
    expect((await store.head()).position).toBe(head);
    expect(again.walkForward).toEqual(wf);
    await store.close();
  });
});
