import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreOpenError, StoreUnavailableError } from '../../src/events/errors.js';
import { createEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';

const meta = { runId: 'r', mode: 'backtest' as const, cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' };
const cycle = (id: string, seq: number) => createEvent('CycleStarted', id, { cycleSeq: seq, killSwitch: false }, meta);

describe('SqliteEventStore.open refuses what is not its event log, leaving the file untouched', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('store-open-')));
  afterEach(() => tmp.cleanup());

  function expectRefused(file: string, detail: RegExp): void {
    const before = readFileSync(file);
    let error: unknown;
    try {
      SqliteEventStore.open(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).target).toBe(file);
    expect((error as StoreOpenError).detail).toMatch(detail);
    expect(readFileSync(file).equals(before)).toBe(true);
  }

  it('a text file', () => {
    const file = path.join(tmp.dir, 'notes.db');
    writeFileSync(file, 'these are my trading notes, not a database\n'.repeat(20));
    expectRefused(file, /not an SQLite database/);
  });

  it('random bytes', () => {
    const file = path.join(tmp.dir, 'noise.db');
    writeFileSync(file, randomBytes(8192));
    expectRefused(file, /not an SQLite database/);
  });

  it('a short file', () => {
    const file = path.join(tmp.dir, 'short.db');
    writeFileSync(file, 'SQLite format 3\0');
    expectRefused(file, /not an SQLite database/);
  });

  it("someone else's SQLite database", () => {
    const file = path.join(tmp.dir, 'foreign.db');
    const db = new Database(file);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada');");
    db.close();
    expectRefused(file, /not an event log/);
  });

  it('an SQLite database with an events table but not our magic', () => {
    const file = path.join(tmp.dir, 'lookalike.db');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE events (x); INSERT INTO meta VALUES ('magic', 'other-app');");
    db.close();
    expectRefused(file, /wrong magic/);
  });

  it('an event log with its pages overwritten (corrupt) or cut short (truncated)', async () => {
    const good = path.join(tmp.dir, 'good.db');
    const store = SqliteEventStore.open(good);
    await store.append('s', Array.from({ length: 200 }, (_, i) => cycle(`e${i}`, i)), 'no_stream');
    await store.close();
    const bytes = readFileSync(good);
    const corrupt = path.join(tmp.dir, 'corrupt.db');
    writeFileSync(corrupt, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(bytes.length - 100, 0x5a)]));
    expectRefused(corrupt, /corrupt|not a readable/);
    const truncated = path.join(tmp.dir, 'truncated.db');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
    expectRefused(truncated, /corrupt|not a readable/);
  });

  it('a directory, or a missing file when creating is not allowed', () => {
    expect(() => SqliteEventStore.open(tmp.dir)).toThrow(StoreOpenError);
    const missing = path.join(tmp.dir, 'missing.db');
    expect(() => SqliteEventStore.open(missing, { create: false })).toThrow(/no such file/);
    expect(() => SqliteEventStore.open(missing, { readonly: true })).toThrow(StoreOpenError);
  });
});

describe('SqliteEventStore lifecycle', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('store-life-')));
  afterEach(() => tmp.cleanup());

  it('creates a new file, initialises an empty one, and reopens with its events intact', async () => {
    const file = path.join(tmp.dir, 'events.db');
    const s1 = SqliteEventStore.open(file);
    await s1.append('s', [cycle('a', 0), cycle('b', 1)], 'no_stream');
    const head = await s1.head();
    await s1.close();
    const s2 = SqliteEventStore.open(file);
    expect(await s2.head()).toEqual(head);
    expect((await s2.append('s', [cycle('c', 2)], 1)).firstPosition).toBe(3);
    await s2.close();

    const empty = path.join(tmp.dir, 'touched.db');
    writeFileSync(empty, '');
    const s3 = SqliteEventStore.open(empty);
    expect(await s3.head()).toEqual({ position: 0, hash: '0'.repeat(64) });
    await s3.close();
  });

  it('read-only: reads, refuses appends, and leaves the database file unchanged', async () => {
    const file = path.join(tmp.dir, 'events.db');
    const w = SqliteEventStore.open(file);
    await w.append('s', [cycle('a', 0)], 'no_stream');
    await w.close();
    const before = readFileSync(file);
    const r = SqliteEventStore.open(file, { readonly: true });
    expect(await r.streamVersion('s')).toBe(0);
    await expect(r.append('s', [cycle('b', 1)], 0)).rejects.toBeInstanceOf(StoreUnavailableError);
    await r.close();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('keeps projection checkpoints beside the log: each names a point of the chain, and rows are never edited', async () => {
    const file = path.join(tmp.dir, 'events.db');
    const s = SqliteEventStore.open(file);
    await s.append('s', [cycle('a', 0), cycle('b', 1), cycle('c', 2)], 'no_stream');
    const events = [];
    for await (const e of s.readAll()) events.push(e);
    const cps = s.checkpoints();
    expect(await cps.load('positions')).toBeNull();
    await cps.save({ name: 'positions', position: 1, hash: events[0]!.hash, fingerprint: 'f1', state: '{}' });
    await cps.save({ name: 'positions', position: 3, hash: events[2]!.hash, fingerprint: 'f2', state: '{"a":1}', seal: 'x' });
    expect(await cps.load('positions')).toEqual({ name: 'positions', position: 3, hash: events[2]!.hash, fingerprint: 'f2', state: '{"a":1}', seal: 'x' });
    await cps.save({ name: 'empty', position: 0, hash: '0'.repeat(64), fingerprint: 'f0', state: '{}' });
    // A checkpoint naming a position the log does not hold, or another hash there, is refused by the file itself.
    await expect(cps.save({ name: 'positions', position: 3, hash: events[1]!.hash, fingerprint: 'f3', state: '{}' })).rejects.toThrow(/no event of this chain/);
    await expect(cps.save({ name: 'positions', position: 4, hash: events[2]!.hash, fingerprint: 'f3', state: '{}' })).rejects.toThrow(/no event of this chain/);
    expect((await cps.load('positions'))?.fingerprint).toBe('f2');
    await s.close();
    const raw = new Database(file);
    try {
      expect(() => raw.prepare("UPDATE projection_checkpoints SET state = '{}'").run()).toThrow(/immutable/);
      // Only the newest checkpoint of each projection is kept.
      expect(raw.prepare("SELECT count(*) AS n FROM projection_checkpoints WHERE name = 'positions'").get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  it('a closed store refuses calls', async () => {
    const s = SqliteEventStore.open(path.join(tmp.dir, 'events.db'));
    await s.close();
    await s.close();
    await expect(s.head()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
