import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headSignatureValid } from '../../src/events/anchor.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import type { EventDataInput } from '../../src/events/catalog.js';
import { createEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { openStore } from '../../src/cli/open-store.js';
import { lines, runCliAsync } from '../cli/run-cli.js';
import { tempDir } from '../support.js';
import { headOf, rechainFrom, withRaw } from './tamper.js';

/**
 * Issue 13 item 8: the chain is plain sha256, so anyone with the file can delete its last events or
 * rewrite it from any point and recompute every hash; doctor passed both. Under ENGINE_LOG_KEY the
 * head is signed (HMAC-SHA256) every N events and when a command that appended closes the store;
 * doctor verifies the signed heads against the chain. A witness file kept elsewhere shows a log cut
 * short even without the key.
 */
const KEY = '3f0c5a1e9b7d2c4e6a8f0b1d3c5e7a9f';
const tmp = tempDir('engine-anchoring-');
afterAll(() => tmp.cleanup());
let seq = 0;

interface Check {
  name: string;
  status: string;
  figures: Record<string, unknown>;
  detail: string;
}

async function doctor(db: string, env: Record<string, string> = {}, extra: string[] = []): Promise<{ code: number | null; checks: Check[]; stderr: string }> {
  const r = await runCliAsync(['doctor', '--json', '--db', db, ...extra], { env });
  return { code: r.code, checks: (JSON.parse(r.stdout || '{"checks":[]}') as { checks: Check[] }).checks, stderr: r.stderr };
}
const anchorOf = (checks: Check[]) => checks.find((c) => c.name === 'anchor')!;

const BT = ['backtest', '--data', 'synthetic:bars=300,interval=1h,seed=13', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--seed', '2', '--log-level', 'warn'];
let keyed: string;
let witnessed: string;
let witness: string;

beforeAll(async () => {
  keyed = path.join(tmp.dir, 'keyed.db');
  witnessed = path.join(tmp.dir, 'witnessed.db');
  witness = path.join(tmp.dir, 'witness.jsonl');
  const [a, b] = await Promise.all([
    runCliAsync([...BT, '--db', keyed], { env: { ENGINE_LOG_KEY: KEY } }),
    runCliAsync([...BT, '--db', witnessed], { env: { ENGINE_LOG_WITNESS: witness } }),
  ]);
  expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
});

/**
 * Someone with the file moves one event's time (a field no check re-derives on its own), then
 * recomputes its hash and every later link: the chain verifies again.
 */
function rewriteTimeAndRechain(db: string): void {
  const middle = Math.floor(headOf(db).position / 2);
  rechainFrom(db, middle, (row) => {
    const moved = row.metadata.replace(/"at":"\d{4}/, '"at":"1999');
    expect(moved).not.toBe(row.metadata);
    return { metadata: moved };
  });
}

function copy(from: string): string {
  const db = path.join(tmp.dir, `copy-${++seq}.db`);
  copyFileSync(from, db);
  return db;
}

describe('a command that appended signs the head when it closes the store', () => {
  it('the backtest left one signed head, at the head of the log; doctor verifies it under the key', async () => {
    const head = headOf(keyed);
    const heads = withRaw(keyed, (raw) => raw.prepare('SELECT position, hash, at, mac FROM anchors').all() as Array<{ position: number; hash: string; at: string; mac: string }>);
    expect(heads).toHaveLength(1);
    expect(heads[0]).toMatchObject({ position: head.position, hash: head.hash });
    expect(headSignatureValid(KEY, heads[0]!)).toBe(true);
    expect(headSignatureValid(KEY + '0', heads[0]!)).toBe(false);
    const d = await doctor(keyed, { ENGINE_LOG_KEY: KEY });
    expect(d.code, d.stderr).toBe(0);
    expect(anchorOf(d.checks)).toMatchObject({ status: 'PASS', figures: { signedHeads: 1, signatures: '1 verified', newestSignedPosition: head.position } });
  });

  it('without the key, doctor calls the signatures unverifiable, which is not a failure', async () => {
    const d = await doctor(keyed);
    expect(d.code, d.stderr).toBe(0);
    expect(anchorOf(d.checks)).toMatchObject({ status: 'SKIP', figures: { signatures: 'unverifiable' } });
    expect(anchorOf(d.checks).detail).toMatch(/^unverifiable: ENGINE_LOG_KEY is not set \(1 signed head\(s\) agree with the log/);
  });

  it('a kill switch engaged under the key signs the new head', async () => {
    const db = copy(keyed);
    const r = await runCliAsync(['kill-switch', 'engage', '--reason', 'anchoring test', '--db', db], { env: { ENGINE_LOG_KEY: KEY } });
    expect(r.code, r.stderr).toBe(0);
    const d = await doctor(db, { ENGINE_LOG_KEY: KEY });
    expect(anchorOf(d.checks)).toMatchObject({ status: 'PASS', figures: { signedHeads: 2, newestSignedPosition: headOf(db).position } });
  });
});

describe('tampering the doctor now sees', () => {
  it('the last event (RunEnded) deleted: the signed head lies past the end of the log (exit 1, with or without the key)', async () => {
    const db = copy(keyed);
    const before = headOf(db);
    withRaw(db, (raw) => {
      expect((raw.prepare('SELECT type FROM events WHERE position = ?').get(before.position) as { type: string }).type).toBe('RunEnded');
      raw.prepare('DELETE FROM events WHERE position = ?').run(before.position);
    });
    for (const env of [{ ENGINE_LOG_KEY: KEY }, {}] as Array<Record<string, string>>) {
      const d = await doctor(db, env);
      expect(d.code, d.stderr).toBe(1);
      // What is left of the chain still links: only the signed head tells.
      expect(d.checks.find((c) => c.name === 'integrity')!.status).toBe('PASS');
      expect(anchorOf(d.checks).status).toBe('FAIL');
      expect(anchorOf(d.checks).detail).toContain(`the log was cut short: a signed head${'ENGINE_LOG_KEY' in env ? '' : ' (its signature unverifiable without ENGINE_LOG_KEY)'}`);
      expect(anchorOf(d.checks).detail).toContain(`names position ${before.position}, but the log ends at position ${before.position - 1} (1 event(s) missing from its end)`);
    }
  });

  it("an event's time rewritten and the chain rehashed after it: integrity passes, the signed head does not", async () => {
    const db = copy(keyed);
    rewriteTimeAndRechain(db);
    const d = await doctor(db, { ENGINE_LOG_KEY: KEY });
    expect(d.code, d.stderr).toBe(1);
    expect(d.checks.find((c) => c.name === 'integrity')!.status).toBe('PASS');
    expect(anchorOf(d.checks).status).toBe('FAIL');
    expect(anchorOf(d.checks).detail).toMatch(new RegExp(`^the log was rewritten: a signed head of .* names hash [0-9a-f]{16}… at position ${headOf(db).position}, the log holds [0-9a-f]{16}… there`));
  });

  it('the rewrite with the signed head rewritten too: the key shows the forgery; without it the head is unverifiable (not a failure)', async () => {
    const db = copy(keyed);
    rewriteTimeAndRechain(db);
    const head = headOf(db);
    withRaw(db, (raw) => raw.prepare('UPDATE anchors SET hash = ? WHERE position = ?').run(head.hash, head.position));
    const keyedView = await doctor(db, { ENGINE_LOG_KEY: KEY });
    expect(keyedView.code).toBe(1);
    expect(anchorOf(keyedView.checks)).toMatchObject({ status: 'FAIL', figures: { signatures: '1 failed' } });
    expect(anchorOf(keyedView.checks).detail).toMatch(/^signed head #1 \(position \d+, .*\) does not verify under ENGINE_LOG_KEY: forged, or signed with another key/);
    const blind = await doctor(db);
    expect(anchorOf(blind.checks).status).toBe('SKIP');
  });

  it('the last event and every signed head deleted: the key alone can no longer vouch for the end (WARN; a witness can, below)', async () => {
    const db = copy(keyed);
    withRaw(db, (raw) => {
      raw.prepare('DELETE FROM events WHERE position = (SELECT max(position) FROM events)').run();
      raw.prepare('DELETE FROM anchors').run();
    });
    const d = await doctor(db, { ENGINE_LOG_KEY: KEY });
    expect(d.code).toBe(0);
    expect(anchorOf(d.checks).status).toBe('WARN');
    expect(anchorOf(d.checks).detail).toMatch(/^no signed head in this log/);
  });
});

describe('a witness file kept elsewhere', () => {
  it('holds one line per signed or witnessed head, naming the log by its first event', () => {
    const head = headOf(witnessed);
    const ws = lines(readFileSync(witness, 'utf8')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatchObject({ db: witnessed, position: head.position, hash: head.hash, mac: null, log: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('shows the last event deleted even without the key: ENGINE_LOG_WITNESS or --witness', async () => {
    const db = copy(witnessed);
    const before = headOf(db);
    withRaw(db, (raw) => raw.prepare('DELETE FROM events WHERE position = ?').run(before.position));
    for (const [env, extra] of [[{ ENGINE_LOG_WITNESS: witness }, []], [{}, ['--witness', witness]]] as const) {
      const d = await doctor(db, env, [...extra]);
      expect(d.code, d.stderr).toBe(1);
      expect(anchorOf(d.checks).status).toBe('FAIL');
      expect(anchorOf(d.checks).detail).toContain(`the log was cut short: the witness ${witness}`);
    }
    // The intact log agrees with its witness.
    const ok = await doctor(witnessed, {}, ['--witness', witness]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(anchorOf(ok.checks)).toMatchObject({ status: 'PASS', figures: { witnessLines: 1 } });
  });

  it('a witness a writing command cannot append to is bad usage before anything is appended (exit 2)', async () => {
    const db = path.join(tmp.dir, 'never.db');
    const r = await runCliAsync([...BT, '--db', db], { env: { ENGINE_LOG_WITNESS: path.join(tmp.dir, 'no-such-dir', 'w.jsonl') } });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^engine backtest: usage: ENGINE_LOG_WITNESS=.*no-such-dir\/w\.jsonl: cannot append to the witness file \(ENOENT\)$/)]);
    expect(existsSync(db)).toBe(false);
  });

  it('a witness file that does not exist is bad input (exit 2)', async () => {
    const r = await runCliAsync(['doctor', '--db', witnessed, '--witness', path.join(tmp.dir, 'nope.jsonl')]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^engine doctor: .*nope\.jsonl: cannot read the witness file \(ENOENT\)$/)]);
  });
});

describe('the anchoring store (open-store.ts) on a real file', () => {
  const meta = (i: number): EventMetadata => ({ runId: 'r', mode: 'backtest', cycleId: null, causationId: null, at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() });
  // killSwitch: the field CycleStarted gains in the core being rewritten on main; ignored where it is not known yet.
  const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => createEvent('CycleStarted', `e${from + i}`, { cycleSeq: from + i, killSwitch: false } as EventDataInput<'CycleStarted'>, meta(from + i)));

  it('signs the head every N appended events and at close, and only when something was appended', async () => {
    const db = path.join(tmp.dir, 'every.db');
    const wfile = path.join(tmp.dir, 'every.witness');
    const integrity = { key: KEY, witness: wfile, anchorEvery: 5 };
    const opened = await openStore(db, { access: 'write', create: true, integrity });
    let version: number | 'no_stream' = 'no_stream';
    for (let i = 0; i < 4; i++) version = (await opened.store.append('s', batch(i * 3, 3), version)).nextExpectedVersion;
    // 12 events: a head signed after the 6th (>= 5 since the last) and after the 12th.
    expect((await opened.anchors().list()).map((h) => h.position)).toEqual([6, 12]);
    await opened.store.append('s', batch(12, 2), version);
    await opened.store.append('s', batch(0, 3), 'any'); // a repeat: nothing written, nothing to sign
    await opened.close();
    const reader = SqliteEventStore.open(db, { readonly: true });
    const heads = await reader.anchors().list();
    await reader.close();
    expect(heads.map((h) => h.position)).toEqual([6, 12, 14]);
    for (const h of heads) expect(headSignatureValid(KEY, h)).toBe(true);
    expect(lines(readFileSync(wfile, 'utf8')).map((l) => (JSON.parse(l) as { position: number }).position)).toEqual([6, 12, 14]);

    const idle = await openStore(db, { access: 'write', integrity });
    await idle.close();
    const again = SqliteEventStore.open(db, { readonly: true });
    expect((await again.anchors().list()).length).toBe(3);
    await again.close();
  });

  it('a key too short to be a key is bad usage (exit 2)', async () => {
    const r = await runCliAsync(['runs', '--db', keyed], { env: { ENGINE_LOG_KEY: 'hunter2' } });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^engine runs: usage: ENGINE_LOG_KEY is 7 characters: use at least 16/)]);
  });
});
