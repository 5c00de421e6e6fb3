import fc from 'fast-check';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import { storedBytesProblem } from '../../src/events/stored-bytes.js';
import { buildFixtureLog } from '../cli/fixture-log.js';
import { runCliAsync } from '../cli/run-cli.js';
import { tempDir } from '../support.js';
import { rechainFrom, withRaw } from './tamper.js';

/**
 * Issue 13 item 9: the chain must cover the bytes a reader of the database sees. A row whose stored
 * bytes parse to the hashed values but say something else to SQLite (a repeated key: JSON.parse keeps
 * the last, json_extract reads the first) passed `engine doctor`; so did rows that are not canonical.
 */
const tmp = tempDir('engine-canonical-bytes-');
afterAll(() => tmp.cleanup());
let seq = 0;

interface DoctorJson {
  ok: boolean;
  checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }>;
}

async function fixture(): Promise<string> {
  const db = path.join(tmp.dir, `log-${++seq}.db`);
  await buildFixtureLog(db);
  return db;
}

async function integrityOf(db: string): Promise<{ code: number | null; check: DoctorJson['checks'][number] }> {
  const r = await runCliAsync(['doctor', '--json', '--db', db]);
  return { code: r.code, check: (JSON.parse(r.stdout) as DoctorJson).checks.find((c) => c.name === 'integrity')! };
}

describe('engine doctor checks the stored bytes, not a re-encoding of them', () => {
  it('a repeated key that JSON.parse and SQLite read differently is caught, though its hash still matches a re-encoding', async () => {
    const db = await fixture();
    const position = 14; // OrderFilled v2, price 42051
    withRaw(db, (raw) => {
      const row = raw.prepare('SELECT data, hash FROM events WHERE position = ?').get(position) as { data: string };
      const decoy = row.data.replace('{', '{"price":"1.00",');
      raw.prepare('UPDATE events SET data = ? WHERE position = ?').run(decoy, position);
      // The engine parses the real price, SQLite reads the decoy: two readers, two values.
      expect((JSON.parse(decoy) as { price: string }).price).toBe('42051');
      expect((raw.prepare("SELECT json_extract(data, '$.price') AS p FROM events WHERE position = ?").get(position) as { p: string }).p).toBe('1.00');
    });
    const { code, check } = await integrityOf(db);
    expect(code).toBe(1);
    expect(check.status).toBe('FAIL');
    expect(check.figures).toMatchObject({ firstBadPosition: position, kind: 'NON_CANONICAL' });
    expect(check.detail).toContain(`chain broken at position ${position} (NON_CANONICAL)`);
    expect(check.detail).toMatch(/not canonical/);
    expect(check.detail).toMatch(/hash covers their canonical re-encoding, not the stored bytes/);
  });

  it('metadata rewritten with other key order and whitespace, hashed as stored, is named as non-canonical (the chain itself links)', async () => {
    const db = await fixture();
    rechainFrom(db, 5, (row) => ({ metadata: JSON.stringify(JSON.parse(row.metadata), Object.keys(JSON.parse(row.metadata) as object).reverse(), 1) }));
    const { code, check } = await integrityOf(db);
    expect(code).toBe(1);
    expect(check.figures).toMatchObject({ firstBadPosition: 5, kind: 'NON_CANONICAL', nonCanonicalRows: 1, positions: '5' });
    expect(check.detail).toMatch(/^1 row\(s\) stored in bytes that are not the canonical encoding, first at position 5: metadata bytes are not canonical/);
  });

  it('a decimal stored out of its normal form ("0.020" for 0.02) is named, at the current schema version', async () => {
    const db = await fixture();
    rechainFrom(db, 10, (row) => {
      expect(row.type).toBe('RiskDecisionMade');
      expect(row.data).toContain('"approvedQty":"0.02"');
      return { data: row.data.replace('"approvedQty":"0.02"', '"approvedQty":"0.020"') };
    });
    const { code, check } = await integrityOf(db);
    expect(code).toBe(1);
    expect(check.figures).toMatchObject({ firstBadPosition: 10, kind: 'NON_CANONICAL', nonCanonicalRows: 1 });
    expect(check.detail).toContain('not in the normal form of RiskDecisionMade v1');
  });

  it('an intact log: every row is stored canonically', async () => {
    const db = await fixture();
    const { code, check } = await integrityOf(db);
    expect(code).toBe(0);
    expect(check.status).toBe('PASS');
    expect(check.detail).toContain('every row stored canonically');
  });
});

describe('storedBytesProblem', () => {
  const meta = canonicalJson({ runId: 'r', mode: 'backtest', cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' });
  const json = fc.jsonValue().filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) as fc.Arbitrary<Record<string, unknown>>;

  it('accepts exactly the canonical encoding of what the bytes parse to', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 1, max: 4 }), (value, indent) => {
        // A type outside the catalog: only the byte rules apply.
        expect(storedBytesProblem('Unknown', 1, canonicalJson(value), meta)).toBeNull();
        const pretty = JSON.stringify(value, null, indent);
        expect(storedBytesProblem('Unknown', 1, pretty, meta) === null).toBe(pretty === canonicalJson(value));
        const keys = Object.keys(value);
        if (keys.length > 0) {
          // The same object with one of its keys written twice, the decoy first: parses alike, is not canonical.
          const k = keys[0]!;
          const repeated = '{' + JSON.stringify(k) + ':"decoy",' + canonicalJson(value).slice(1);
          expect(storedBytesProblem('Unknown', 1, repeated, meta)).toMatch(/not canonical/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('names data or metadata that is not JSON', () => {
    expect(storedBytesProblem('Unknown', 1, 'not json{', meta)).toBe('data is not JSON');
    expect(storedBytesProblem('Unknown', 1, '{}', '{"at":')).toBe('metadata is not JSON');
  });
});
