import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/envelope.js';
import { verifyChain } from '../../src/events/hash-chain.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { PROJECT_ROOT, tempDir } from '../support.js';

const CHILD = path.join(PROJECT_ROOT, 'test/store/children/append-child.mjs');

interface ChildReport {
  name: string;
  ids: string[];
  written: number;
  conflicts: number;
  errors: string[];
  first: 'written' | { name: string; expected: unknown; actual: unknown } | null;
}

function runChild(args: Record<string, unknown>): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`child ${String(args.name)} exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ChildReport);
    });
  });
}

async function readAllEvents(db: string): Promise<StoredEvent[]> {
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    const out: StoredEvent[] = [];
    for await (const e of store.readAll()) out.push(e);
    return out;
  } finally {
    await store.close();
  }
}

function expectDenseVersions(events: StoredEvent[]): void {
  const byStream = new Map<string, number[]>();
  for (const e of events) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e.streamVersion]);
  for (const [, versions] of byStream) expect(versions).toEqual(versions.map((_, i) => i));
}

describe('two OS processes appending to one SQLite file', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: string;
  let barrier: string;
  beforeEach(async () => {
    tmp = tempDir('store-multiprocess-');
    db = path.join(tmp.dir, 'events.db');
    barrier = path.join(tmp.dir, 'barrier');
    mkdirSync(barrier);
    await SqliteEventStore.open(db).close(); // the schema exists before the children race
  });
  afterEach(() => tmp.cleanup());

  it('lose nothing and tear nothing: every event once, dense versions, a valid chain', async () => {
    // A subscriber in this process sees what the other processes append, as they append it.
    const watcher = SqliteEventStore.open(db, { readonly: true });
    const delivered: StoredEvent[] = [];
    const sub = watcher.subscribeAll((e) => void delivered.push(e), { pollIntervalMs: 10 });
    const common = { db, barrier, parties: 2, mode: 'bulk', batches: 150, batchSize: 8 };
    const reports = await Promise.all([runChild({ ...common, name: 'p1' }), runChild({ ...common, name: 'p2' })]);
    for (const r of reports) {
      expect(r.errors).toEqual([]);
      expect(r.conflicts).toBe(0);
      expect(r.ids.length).toBe(150 * 9);
    }
    const events = await readAllEvents(db);
    const ids = events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice().sort()).toEqual(reports.flatMap((r) => r.ids).sort());
    expectDenseVersions(events);
    // Batches are never torn: each shared batch's events sit at consecutive positions.
    for (const r of reports) {
      const at = new Map(events.map((e) => [e.eventId, e.globalPosition]));
      for (let b = 0; b < 150; b++) {
        const batch = r.ids.slice(b * 9, b * 9 + 8).map((id) => at.get(id)!);
        expect(batch).toEqual(batch.map((_, i) => batch[0]! + i));
      }
    }
    // Both processes really interleaved (a serial run would put all of one before the other).
    const owners = events.map((e) => e.eventId.split('-')[0]);
    const switches = owners.filter((o, i) => i > 0 && o !== owners[i - 1]).length;
    expect(switches).toBeGreaterThan(1);
    const verdict = await verifyChain(events);
    expect(verdict.firstBreak).toBeNull();
    expect(verdict.eventsChecked).toBe(2 * 150 * 9);

    // A bound on the wait, not a timing claim (a loaded machine delivers late, never wrong).
    const deadline = Date.now() + 30_000;
    while (delivered.length < events.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await sub.stop();
    await watcher.close();
    expect(delivered.map((e) => e.globalPosition)).toEqual(events.map((e) => e.globalPosition));
    expect(delivered.map((e) => e.hash)).toEqual(events.map((e) => e.hash));
  });

  it('a same-stream race surfaces ExpectedVersionConflictError in the losing process', async () => {
    const common = { db, barrier, parties: 2, mode: 'race', rounds: 60 };
    const reports = await Promise.all([runChild({ ...common, name: 'r1' }), runChild({ ...common, name: 'r2' })]);
    for (const r of reports) expect(r.errors).toEqual([]);
    const winners = reports.filter((r) => r.first === 'written');
    const losers = reports.filter((r) => r.first !== 'written');
    expect(winners.length).toBe(1);
    expect(losers.length).toBe(1);
    expect(losers[0]!.first).toEqual({ name: 'ExpectedVersionConflictError', expected: 'no_stream', actual: 0 });

    const events = await readAllEvents(db);
    const hot = events.filter((e) => e.stream === 'hot');
    expect(hot.length).toBe(reports[0]!.written + reports[1]!.written);
    expect(reports[0]!.written + reports[0]!.conflicts).toBe(60);
    expect(reports[1]!.written + reports[1]!.conflicts).toBe(60);
    expect(events.map((e) => e.eventId).sort()).toEqual(reports.flatMap((r) => r.ids).sort());
    expectDenseVersions(events);
    expect((await verifyChain(events)).ok).toBe(true);
  });
});
