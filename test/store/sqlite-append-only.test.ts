import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/event-factory.js';
import { verifyChain } from '../../src/events/hash-chain.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';

describe('the SQLite log is append-only in the database itself', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(async () => {
    tmp = tempDir('store-append-only-');
    file = path.join(tmp.dir, 'events.db');
    const store = SqliteEventStore.open(file);
    const meta = { runId: 'r', mode: 'backtest' as const, cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' };
    await store.append('s', [0, 1, 2].map((i) => createEvent('CycleStarted', `e${i}`, { cycleSeq: i, killSwitch: false }, meta)), 'no_stream');
    await store.close();
  });
  afterEach(() => tmp.cleanup());

  it('triggers refuse UPDATE and DELETE issued through the raw driver', async () => {
    const db = new Database(file);
    expect(() => db.prepare("UPDATE events SET data = '{\"cycleSeq\":7}' WHERE position = 2").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM events WHERE position = 3').run()).toThrow(/append-only: DELETE refused/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    expect((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(3);
    db.close();
    const store = SqliteEventStore.open(file, { readonly: true });
    expect((await verifyChain(store.readAll())).ok).toBe(true);
    await store.close();
  });

  it('an attacker who drops the trigger and edits a row is caught by the hash chain at that position', async () => {
    const db = new Database(file);
    db.exec('DROP TRIGGER events_refuse_update');
    db.prepare("UPDATE events SET data = '{\"cycleSeq\":7}' WHERE position = 2").run();
    db.close();
    const store = SqliteEventStore.open(file, { readonly: true });
    const verdict = await verifyChain(store.readAll());
    await store.close();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBreak).toMatchObject({ globalPosition: 2, kind: 'HASH_MISMATCH' });
  });
});
