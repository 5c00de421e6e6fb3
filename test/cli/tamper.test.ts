import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import { hashOfStoredEvent } from '../../src/events/hash-chain.js';
import { tempDir } from '../support.js';
import { buildFixtureLog, FIXTURE_EVENT_COUNT } from './fixture-log.js';
import { lines, runCli, runCliAsync } from './run-cli.js';

/**
 * The tamper tests: an attacker with the driver drops the append-only triggers and edits,
 * deletes or swaps rows. `engine doctor` must exit 1 and name the first bad global position.
 */
const tmp = tempDir('engine-cli-tamper-');
afterAll(() => tmp.cleanup());
let seq = 0;

async function freshLog(): Promise<string> {
  const db = path.join(tmp.dir, `log-${++seq}.db`);
  await buildFixtureLog(db);
  return db;
}

/** Open the file as an attacker would: the raw driver, triggers dropped. */
function tamper(db: string, edit: (raw: Database.Database) => void): void {
  const raw = new Database(db);
  try {
    const triggers = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").all() as Array<{ name: string }>;
    expect(triggers.length).toBeGreaterThan(0);
    // While the triggers stand, the log refuses the edit.
    expect(() => raw.prepare('DELETE FROM events WHERE position = 1').run()).toThrow(/append-only/);
    for (const t of triggers) raw.exec(`DROP TRIGGER "${t.name}"`);
    edit(raw);
  } finally {
    raw.close();
  }
}

interface DoctorJson {
  ok: boolean;
  checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }>;
}

async function doctor(db: string): Promise<{ code: number | null; text: string; json: DoctorJson }> {
  const [text, json] = await Promise.all([runCliAsync(['doctor', '--db', db]), runCliAsync(['doctor', '--db', db, '--json'])]);
  expect(json.code, `text run: ${text.stderr}; json run: ${json.stderr}`).toBe(text.code);
  return { code: text.code, text: text.stdout, json: JSON.parse(json.stdout) as DoctorJson };
}

async function expectBreakAt(db: string, position: number, kind: string): Promise<void> {
  const r = await doctor(db);
  expect(r.code, r.text).toBe(1);
  const integrity = r.json.checks.find((c) => c.name === 'integrity')!;
  expect(r.json.ok).toBe(false);
  expect(integrity.status).toBe('FAIL');
  expect(integrity.figures.firstBadPosition).toBe(position);
  expect(integrity.figures.kind).toBe(kind);
  expect(integrity.detail).toContain(`position ${position} `);
  // The human table wraps FIGURES and DETAIL inside their columns (100 columns): read each column of the row back.
  const all = lines(r.text);
  const start = all.findIndex((l) => l.startsWith('integrity'));
  let end = start + 1;
  while (end < all.length && all[end]!.startsWith(' ')) end++;
  const block = all.slice(start, end);
  const header = all[0]!;
  const column = (from: number, to?: number): string => block.map((l) => l.slice(from, to).trim()).filter((c) => c !== '').join(' ');
  expect(block[0]).toMatch(/^integrity +FAIL\b/);
  expect(column(header.indexOf('FIGURES'), header.indexOf('DETAIL'))).toContain(`firstBadPosition=${position}`);
  expect(column(header.indexOf('DETAIL'))).toContain(`chain broken at position ${position} (${kind})`);
}

describe('engine doctor on an intact log', () => {
  it('exits 0 with integrity PASS and the event count', async () => {
    const db = await freshLog();
    const r = await doctor(db);
    expect(r.code, r.text).toBe(0);
    const integrity = r.json.checks.find((c) => c.name === 'integrity')!;
    expect(r.json.ok).toBe(true);
    expect(integrity.status).toBe('PASS');
    expect(integrity.figures.events).toBe(FIXTURE_EVENT_COUNT);
    expect(integrity.figures.lastPosition).toBe(FIXTURE_EVENT_COUNT);
    expect(lines(r.text).find((l) => l.startsWith('integrity'))).toMatch(new RegExp(`PASS +events=${FIXTURE_EVENT_COUNT} `));
  });
});

describe.concurrent('engine doctor names the first tampered position (exit 1)', () => {
  // A DENIED decision made to look approved; the first event; the last event.
  for (const position of [5, 1, FIXTURE_EVENT_COUNT]) {
    it(`one event's data edited at position ${position}`, async () => {
      const db = await freshLog();
      tamper(db, (raw) => {
        const changed = raw
          .prepare(`UPDATE events SET data = json_set(data, '$.tampered', 'yes') WHERE position = ?`)
          .run(position).changes;
        expect(changed).toBe(1);
      });
      await expectBreakAt(db, position, 'HASH_MISMATCH');
    });
  }

  it('a decision verdict rewritten (DENIED -> APPROVED) at position 5', async () => {
    const db = await freshLog();
    tamper(db, (raw) => {
      const before = raw.prepare('SELECT data FROM events WHERE position = 5').get() as { data: string };
      expect(JSON.parse(before.data).verdict).toBe('DENIED');
      raw.prepare(`UPDATE events SET data = json_set(data, '$.verdict', 'APPROVED', '$.approvedQty', '0.5') WHERE position = 5`).run();
    });
    await expectBreakAt(db, 5, 'HASH_MISMATCH');
  });

  for (const position of [8, 1]) {
    it(`a row deleted at position ${position}`, async () => {
      const db = await freshLog();
      tamper(db, (raw) => expect(raw.prepare('DELETE FROM events WHERE position = ?').run(position).changes).toBe(1));
      await expectBreakAt(db, position, 'POSITION_GAP');
    });
  }

  for (const [a, b] of [[11, 12], [3, FIXTURE_EVENT_COUNT], [1, 2]] as const) {
    it(`two rows' contents swapped (${a} <-> ${b})`, async () => {
      const db = await freshLog();
      tamper(db, (raw) => swapRows(raw, a, b));
      await expectBreakAt(db, a, 'PREV_HASH_MISMATCH');
    });
  }
});

describe('an attacker who also recomputes the hash of the row they edit', () => {
  it('breaks the link of the next event: doctor names it and points at the row before it', async () => {
    const db = await freshLog();
    tamper(db, (raw) => {
      const row = raw.prepare('SELECT * FROM events WHERE position = 5').get() as Record<string, string | number>;
      const data = { ...(JSON.parse(String(row.data)) as Record<string, unknown>), verdict: 'APPROVED', approvedQty: '0.5' };
      const rehashed = hashOfStoredEvent({
        globalPosition: 5, stream: String(row.stream), streamVersion: Number(row.stream_version), eventId: String(row.event_id),
        type: String(row.type), schemaVersion: Number(row.schema_version), data, metadata: JSON.parse(String(row.metadata)) as EventMetadata,
        prevHash: String(row.prev_hash), hash: '',
      });
      raw.prepare('UPDATE events SET data = ?, hash = ? WHERE position = 5').run(canonicalJson(data), rehashed);
    });
    await expectBreakAt(db, 6, 'PREV_HASH_MISMATCH');
    // The human table wraps its DETAIL column (100 columns); the sentence is whole in --json.
    const checks = (JSON.parse(runCli(['doctor', '--json', '--db', db]).stdout) as { checks: Array<{ detail: string }> }).checks;
    expect(checks.map((c) => c.detail).join('\n')).toContain('or position 5 rewritten with a recomputed hash');
  });
});

/** Every column but the position trades places, as if the rows had been reordered. */
function swapRows(raw: Database.Database, a: number, b: number): void {
  const get = raw.prepare('SELECT * FROM events WHERE position = ?');
  const rowA = get.get(a) as Record<string, unknown>;
  const rowB = get.get(b) as Record<string, unknown>;
  const cols = Object.keys(rowA);
  raw.transaction(() => {
    raw.prepare('DELETE FROM events WHERE position IN (?, ?)').run(a, b);
    const insert = raw.prepare(`INSERT INTO events (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`);
    insert.run({ ...rowB, position: a });
    insert.run({ ...rowA, position: b });
  })();
  const after = get.get(a) as Record<string, unknown>;
  expect(after.event_id).toBe(rowB.event_id);
}
