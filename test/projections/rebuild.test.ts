import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/envelope.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { Checkpoint } from '../../src/events/store/port.js';
import { fingerprint, sha256Hex } from '../../src/projections/fingerprint.js';
import { MemoryCheckpointStore } from '../../src/projections/memory-checkpoint-store.js';
import { nonTerminalOrders } from '../../src/projections/orders/orders-projection.js';
import { foldEvents } from '../../src/projections/projection-state.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { cloneProjectionState, deserializeProjectionState, serializeProjectionState } from '../../src/projections/state-codec.js';
import { CheckpointFormatError } from '../../src/projections/errors.js';
import { type Scenario, buildScenario, scenarioArb } from './scenario.js';

async function storeWith(s: Scenario, upTo = s.events.length, store = new MemoryEventStore(), from = 0): Promise<MemoryEventStore> {
  for (const e of s.events.slice(from, upTo)) await store.append(`run-${e.metadata.runId}`, [e], 'any');
  return store;
}

async function readAllTyped(store: MemoryEventStore) {
  const out = [];
  for await (const e of store.readAll()) out.push(toTypedEvent(e));
  return out;
}

describe('rebuild from empty equals the incrementally maintained state', () => {
  it('over generated logs, applied in random chunks with a checkpoint/restore in the middle', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 20 }), fc.nat(), async (steps, chunks, cut) => {
        const scenario = buildScenario(steps);
        const n = scenario.events.length;
        // Incremental: the log grows chunk by chunk; the runner catches up after each; at `restoreAt`
        // the process "restarts": a new runner resumes from the saved checkpoint.
        const store = new MemoryEventStore();
        const checkpoints = new MemoryCheckpointStore();
        let runner = new ProjectionRunner({ store, checkpoints, checkpointEvery: 7 });
        const restoreAt = cut % (n + 1);
        let appended = 0;
        let restored = false;
        for (let i = 0; appended < n; i++) {
          const next = Math.min(n, appended + chunks[i % chunks.length]!);
          await storeWith(scenario, next, store, appended);
          appended = next;
          await runner.catchUp();
          if (!restored && appended >= restoreAt) {
            restored = true;
            runner = new ProjectionRunner({ store, checkpoints, checkpointEvery: 7 });
            const r = await runner.catchUp();
            expect(r.startedFrom).toBe(appended === 0 ? 'empty' : 'checkpoint');
          }
        }
        await runner.catchUp();
        const incremental = runner.fingerprint();

        // From empty, through a second runner with no checkpoints, and as a plain fold.
        const fresh = new ProjectionRunner({ store });
        const r = await fresh.rebuild();
        expect(r.eventsApplied).toBe(n);
        expect(fresh.fingerprint()).toBe(incremental);
        const folded = foldEvents(await readAllTyped(store));
        expect(fingerprint(folded)).toBe(incremental);
        // The trusted decoder builds the same state.
        const trusted = new ProjectionRunner({ store, decode: 'trusted' });
        await trusted.rebuild();
        expect(trusted.fingerprint()).toBe(incremental);
        // The checkpoint codec round-trips.
        expect(fingerprint(deserializeProjectionState(serializeProjectionState(folded)))).toBe(incremental);
        expect((await runner.verifyCheckpoint()).status).toBe(n === 0 ? 'MISSING' : 'OK');
      }),
      { numRuns: 40 },
    );
  });
});

describe('projection runner', () => {
  const scenario = buildScenario(Array.from({ length: 150 }, (_, i) => ({ op: (i * 37) % 100, a: i * 7, b: i * 13, c: i * 3 })));

  it('saves checkpoints every N events and at the end; catchUp resumes from the checkpoint', async () => {
    const store = await storeWith(scenario);
    const checkpoints = new MemoryCheckpointStore();
    const runner = new ProjectionRunner({ store, checkpoints, checkpointEvery: 50 });
    const r = await runner.rebuild();
    const n = scenario.events.length;
    expect(r.checkpointsSaved).toBe(Math.floor(n / 50) + (n % 50 === 0 ? 0 : 1));
    const cp = (await checkpoints.load('projections'))!;
    expect(cp.position).toBe(n);
    expect(cp.fingerprint).toBe(runner.fingerprint());
    expect(sha256Hex(cp.state)).toBe(cp.fingerprint);

    const resumed = new ProjectionRunner({ store, checkpoints });
    const rr = await resumed.catchUp();
    expect([rr.startedFrom, rr.eventsApplied, rr.position]).toEqual(['checkpoint', 0, n]);
    expect(resumed.fingerprint()).toBe(runner.fingerprint());
  });

  it('verifyCheckpoint: OK for a true checkpoint, MISMATCH for a forged one, CORRUPT for a damaged one', async () => {
    const store = await storeWith(scenario, 120);
    const checkpoints = new MemoryCheckpointStore();
    const runner = new ProjectionRunner({ store, checkpoints, checkpointEvery: 0 });
    await runner.rebuild();
    await storeWith(scenario, scenario.events.length, store, 120); // the log moved on; the checkpoint did not
    expect((await runner.verifyCheckpoint()).status).toBe('OK');

    const cp = (await checkpoints.load('projections'))!;
    const forgedState = deserializeProjectionState(cp.state);
    forgedState.risk.killSwitch.engaged = !forgedState.risk.killSwitch.engaged;
    const forgedText = serializeProjectionState(forgedState);
    await checkpoints.save({ ...cp, state: forgedText, fingerprint: sha256Hex(forgedText) });
    const v = await runner.verifyCheckpoint();
    expect([v.status, v.ok, v.position, v.actual]).toEqual(['MISMATCH', false, cp.position, cp.fingerprint]);

    await checkpoints.save({ ...cp, state: cp.state.replace('"events":', '"events_":') });
    expect((await runner.verifyCheckpoint()).status).toBe('CORRUPT');

    const beyond: Checkpoint = { ...cp, position: 10_000 };
    const text = serializeProjectionState({ ...deserializeProjectionState(cp.state), position: 10_000 });
    await checkpoints.save({ ...beyond, state: text, fingerprint: sha256Hex(text) });
    expect((await runner.verifyCheckpoint()).detail).toMatch(/no event at checkpoint position 10000/);

    expect((await new ProjectionRunner({ store, checkpoints: new MemoryCheckpointStore() }).verifyCheckpoint()).status).toBe('MISSING');
  });

  it('restore refuses a checkpoint whose state does not match its fingerprint', async () => {
    const store = await storeWith(scenario, 30);
    const runner = new ProjectionRunner({ store });
    await runner.rebuild();
    const state = runner.snapshot();
    const text = serializeProjectionState(state);
    expect(() => runner.restore({ name: 'p', position: state.position, hash: '', fingerprint: '0'.repeat(64), state: text })).toThrow(CheckpointFormatError);
    expect(() => deserializeProjectionState(text.replace(/"qty":"[^"]+"/, '"qty":7'))).toThrow(/qty: expected a decimal string/);
  });

  it('handle() folds a live event once, even when a subscription repeats what catch-up already read', async () => {
    const store = await storeWith(scenario, 40);
    const runner = new ProjectionRunner({ store });
    await runner.catchUp();
    const seen: StoredEvent[] = [];
    for await (const e of store.readAll({ fromPosition: 35 })) seen.push(e);
    await storeWith(scenario, 45, store, 40);
    for await (const e of store.readAll({ fromPosition: 40 })) seen.push(e);
    for (const e of seen) await runner.handle(e);
    const fresh = new ProjectionRunner({ store });
    await fresh.rebuild();
    expect(runner.fingerprint()).toBe(fresh.fingerprint());
  });

  it('hands out copies: a snapshot or a query result cannot change the runner state', async () => {
    const store = await storeWith(scenario);
    const runner = new ProjectionRunner({ store });
    await runner.rebuild();
    const before = runner.fingerprint();
    const snap = runner.snapshot();
    snap.events = -1;
    snap.orders.runs.clear();
    const open = runner.query((s) => nonTerminalOrders(s.orders));
    for (const o of open) o.status = 'FILLED';
    const clone = cloneProjectionState(snap);
    clone.risk.runs.clear();
    expect(runner.fingerprint()).toBe(before);
  });
});
