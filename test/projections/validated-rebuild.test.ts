import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/envelope.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { FAST_VALIDATED_TYPES, fastValidate } from '../../src/events/fast-validate.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { decodeValidated } from '../../src/projections/decode.js';
import { fingerprint } from '../../src/projections/fingerprint.js';
import { foldEvents } from '../../src/projections/projection-state.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { tempDir } from '../support.js';
import { buildScenario, scenarioArb, stepArb } from './scenario.js';

/**
 * The validated rebuild (ProjectionRunner, decode 'validate': pages of raw rows, fast validators first)
 * against the reference: every event read one by one and decoded by toTypedEvent (zod), folded by
 * foldEvents. Same state, same fingerprint; the same refusal, with the same message, for a row zod refuses.
 */

async function readAll(store: SqliteEventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

/** A refusal of the log, by kind and message (a changed row may break a validation or a fold rule). */
function refusal(err: unknown): { error: string } {
  if (!(err instanceof Error)) throw err;
  return { error: `${err.name}: ${err.message}` };
}

/** The reference: toTypedEvent on every event, or its error message. */
function reference(events: StoredEvent[]): { fingerprint: string; state: unknown } | { error: string } {
  try {
    const state = foldEvents(events.map(toTypedEvent));
    return { fingerprint: fingerprint(state), state };
  } catch (err) {
    return refusal(err);
  }
}

async function rebuilt(store: SqliteEventStore): Promise<{ fingerprint: string; state: unknown } | { error: string }> {
  const runner = new ProjectionRunner({ store, decode: 'validate' });
  try {
    await runner.rebuild();
  } catch (err) {
    return refusal(err);
  }
  return { fingerprint: runner.fingerprint(), state: runner.snapshot() };
}

async function withLog<T>(steps: Parameters<typeof buildScenario>[0], body: (store: SqliteEventStore, file: string) => Promise<T>): Promise<T> {
  const tmp = tempDir('validated-rebuild-');
  const file = path.join(tmp.dir, 'log.db');
  try {
    const store = SqliteEventStore.open(file);
    try {
      for (const e of buildScenario(steps).events) await store.append(`run-${e.metadata.runId}`, [e], 'any');
      return await body(store, file);
    } finally {
      await store.close();
    }
  } finally {
    tmp.cleanup();
  }
}

describe('validated projection rebuild (property: the same as zod event by event)', () => {
  it('generated logs: same state and fingerprint as the reference fold; every event decodes exactly as toTypedEvent', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (steps) => {
        await withLog(steps, async (store) => {
          const events = await readAll(store);
          for (const e of events) {
            const fast = decodeValidated(e);
            const zod = toTypedEvent(e);
            expect(fast).toStrictEqual(zod);
            expect(JSON.stringify(fast)).toBe(JSON.stringify(zod)); // key order too
            // The engine's own log never needs zod for a type that has a fast validator.
            if ((FAST_VALIDATED_TYPES as readonly string[]).includes(e.type)) expect(fastValidate(e.type, e.data)).toBeDefined();
          }
          const ref = reference(events);
          const got = await rebuilt(store);
          expect(got).toStrictEqual(ref);
        });
      }),
      { numRuns: 25 },
    );
  });

  it('a row whose bytes were changed: zod refuses it through both paths with the same message, or both normalise it alike', async () => {
    // Edits to one field of one stored row (written around the store, as a damaged or foreign log would be).
    const edits: Array<[string, unknown]> = [
      ['qty', '-1'], ['qty', '0'], ['qty', '2.50'], ['qty', '1e1'], ['qty', 2], ['qty', null], ['qty', undefined],
      ['price', 'abc'], ['price', '0100'], ['fee', '-0.1'], ['fee', '0.000'], ['symbol', 'BTC USDT'], ['symbol', ''],
      ['side', 'buy'], ['clientOrderId', ''], ['clientOrderId', 'x'.repeat(201)], ['attempt', 0], ['attempt', 1.5],
      ['reasonCode', 'lower'], ['time', '2024-02-30T00:00:00Z'], ['time', 'yesterday'], ['context', { a: 1 }],
      ['venueOrderId', 7], ['notFoundStreak', -1], ['liquidity', 'maker'], ['interval', 5], ['bars', []],
    ];
    const outcomes = { refused: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 10, maxLength: 60 }), fc.nat(), fc.constantFrom(...edits), async (steps, pick, [field, value]) => {
        await withLog(steps, async (store, file) => {
          const events = await readAll(store);
          const candidates = events.filter((e) => typeof e.data === 'object' && e.data !== null && field in e.data);
          if (candidates.length === 0) return;
          const target = candidates[pick % candidates.length]!;
          const data = { ...(target.data as Record<string, unknown>), [field]: value };
          const db = new Database(file);
          try {
            db.exec('DROP TRIGGER IF EXISTS events_refuse_update');
            db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), target.globalPosition);
          } finally {
            db.close();
          }
          const ref = reference(await readAll(store));
          expect(await rebuilt(store)).toStrictEqual(ref);
          if ('error' in ref && ref.error.startsWith('EventValidationError')) outcomes.refused++;
          else if ('state' in ref) outcomes.accepted++;
        });
      }),
      { numRuns: 40 },
    );
    // Both outcomes were exercised: rows zod refuses, and changed rows it accepts (e.g. "2.50" normalised).
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
  });
});
