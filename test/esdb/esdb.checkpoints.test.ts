import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreOpenError, StoreUnavailableError } from '../../src/events/errors.js';
import { createEvent } from '../../src/events/event-factory.js';
import { verifyChain } from '../../src/events/hash-chain.js';
import { openEsdbStore, type EsdbEventStore } from '../../src/events/store/esdb/index.js';
import { EsdbStandIn } from '../support/esdb-standin/index.js';

describe('EsdbEventStore: checkpoints, read-only, opening', () => {
  let node: EsdbStandIn;
  let store: EsdbEventStore;
  beforeAll(async () => {
    node = await EsdbStandIn.start();
    store = await openEsdbStore(node.connectionString);
  });
  afterAll(async () => {
    await store.close();
    await node.stop();
  });

  const event = () => createEvent('CycleStarted', randomUUID(), { cycleSeq: 1, killSwitch: false }, { runId: 'r', mode: 'backtest', cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' });

  it('keeps the newest checkpoint per projection, outside the log and its hash chain', async () => {
    const cps = store.checkpoints();
    expect(await cps.load('positions')).toBeNull();
    await store.append('run-1', [event()], 'no_stream');
    await cps.save({ name: 'positions', position: 5, hash: 'h5', fingerprint: 'f1', state: '{"a":1}' });
    await cps.save({ name: 'positions', position: 9, hash: 'h9', fingerprint: 'f2', state: '{"a":2}', seal: 's9' });
    await cps.save({ name: 'ledger', position: 7, hash: 'h7', fingerprint: 'g', state: '{}' });
    expect(await cps.load('positions')).toEqual({ name: 'positions', position: 9, hash: 'h9', fingerprint: 'f2', state: '{"a":2}', seal: 's9' });
    expect((await cps.load('ledger'))?.position).toBe(7);
    await store.append('run-1', [event()], 0);
    const verdict = await verifyChain(store.readAll(), { contiguousPositions: false });
    expect(verdict).toMatchObject({ ok: true, eventsChecked: 2 });
  });

  it('a read-only store refuses appends and checkpoint saves but reads', async () => {
    const ro = await openEsdbStore(node.connectionString, { readonly: true });
    try {
      await expect(ro.append('run-2', [event()], 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(ro.checkpoints().save({ name: 'x', position: 1, hash: 'h', fingerprint: 'f', state: '{}' })).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await ro.streamVersion('run-1')).toBe(1);
      expect(await ro.listStreams('run-')).toEqual(['run-1']);
    } finally {
      await ro.close();
    }
  });

  it('a reader that stops early leaves nothing open: close() returns promptly', async () => {
    const s = await openEsdbStore(node.connectionString);
    await s.append('run-3', Array.from({ length: 5 }, event), 'no_stream');
    for await (const e of s.readStream('run-3')) if (e.streamVersion === 1) break;
    for await (const e of s.readAll()) if (e) break;
    await s.checkpoints().save({ name: 'early', position: 1, hash: 'h', fingerprint: 'f', state: '{}' });
    expect(await s.checkpoints().load('early')).not.toBeNull();
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an unreachable server is a StoreOpenError naming the target without credentials', async () => {
    const err = await openEsdbStore('esdb://admin:secret@127.0.0.1:1?tls=false', { deadlineMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toContain('esdb://127.0.0.1:1');
    expect((err as Error).message).not.toContain('secret');
  });
});
