import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import { metadataJsonIfValid, metadataProblem } from '../../src/events/metadata.js';

const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('r1', 'r2', 'backtest', 'live', 'replay', 'c1', '2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00Z', 'x"y', '') },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.anything() },
);
const key = fc.constantFrom('runId', 'mode', 'cycleId', 'causationId', 'at');
const BASE = { runId: 'r1', mode: 'backtest', cycleId: 'c1', causationId: null, at: '2024-01-01T00:00:00.000Z' };
const metadata = fc.oneof(
  fc.constant(BASE),
  fc.tuple(key, value).map(([k, v]) => ({ ...BASE, [k]: v })),
  fc.tuple(key, value).map(([k, v]) => ({ ...BASE, [k]: v, extra: 1 })),
  fc.record({ runId: value, mode: value, cycleId: value, causationId: value, at: value }),
  fc.record({ runId: value, mode: value, cycleId: value, causationId: value, at: value, extra: value }),
  fc.dictionary(key, value),
);

describe('metadataJsonIfValid (memo of the last valid metadata)', () => {
  it('equals the long way (metadataProblem, then canonicalJson) over any sequence of metadata', () => {
    fc.assert(
      fc.property(fc.array(metadata, { minLength: 1, maxLength: 30 }), (ms) => {
        for (const m of ms) {
          const expected = metadataProblem(m) === null ? canonicalJson(m) : null;
          expect(metadataJsonIfValid(m as never)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('follows a cycle: only causationId changes', () => {
    const base = { runId: 'r', mode: 'backtest' as const, cycleId: 'r:c1', at: '2024-01-01T00:00:00.000Z' };
    for (const causationId of [null, 'e1', 'e"2', null]) {
      expect(metadataJsonIfValid({ ...base, causationId })).toBe(canonicalJson({ ...base, causationId }));
    }
    expect(metadataJsonIfValid({ ...base, causationId: 5 as never })).toBeNull();
  });

  it('checks in full the first metadata it sees: an invalid field is never taken for the (unset) last one', async () => {
    for (const bad of [{ runId: '' }, { mode: '' }, { at: '' }, { cycleId: 5 }, { causationId: 5 }, { runId: null }, { mode: null }, { at: null }]) {
      vi.resetModules();
      const fresh = await import('../../src/events/metadata.js');
      expect(fresh.metadataJsonIfValid({ ...BASE, ...bad } as never)).toBeNull();
      expect(fresh.metadataJsonIfValid(BASE as never)).toBe(canonicalJson(BASE));
      expect(fresh.metadataJsonIfValid({ ...BASE, ...bad } as never)).toBeNull();
    }
  });
});
