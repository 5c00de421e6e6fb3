import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialRunState } from '../../src/engine/decider/evolve.js';
import { changeRunState, type RunState } from '../../src/engine/decider/run-state.js';
import { scripted } from './decider-support.js';

describe('changeRunState', () => {
  const base = initialRunState({ runId: 'r', strategy: scripted({}) });

  it('copies every field of the state, and no more', () => {
    const copy = changeRunState(base, {});
    expect(copy).not.toBe(base);
    expect(Object.keys(copy)).toEqual(Object.keys(base));
    for (const k of Object.keys(base) as Array<keyof RunState>) expect(copy[k]).toBe(base[k]);
  });

  it('is the spread it replaces: { ...s, ...change }, with s untouched', () => {
    const keys = Object.keys(base) as Array<keyof RunState>;
    fc.assert(
      fc.property(fc.subarray(keys), fc.anything(), (changed, value) => {
        const change = Object.fromEntries(changed.map((k) => [k, value])) as Partial<RunState>;
        const before = { ...base };
        expect(changeRunState(base, change)).toStrictEqual({ ...base, ...change });
        expect(base).toStrictEqual(before);
      }),
    );
  });
});
