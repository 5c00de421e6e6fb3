import { marketOf } from '../../src/engine/strategy.js';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../src/engine/strategy.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { arbBars, plain } from './bars.js';

const configs: Array<[string, Record<string, string>]> = [
  ['sma-cross', { fast: '2', slow: '5', atr: '3' }],
  ['sma-cross', { fast: '3', slow: '4', atr: '2', short: 'true' }],
  ['donchian-breakout', { entry: '4', exit: '2', atr: '3' }],
];

const arbAccounts = (n: number) =>
  fc.array(
    fc.record({ position: fc.constantFrom('0', '0', '1.5', '-2'), equity: fc.integer({ min: 1, max: 1_000_000 }) }).map(
      (a): AccountView => ({ position: new Decimal(a.position), equity: new Decimal(a.equity), cash: new Decimal(a.equity) }),
    ),
    { minLength: n, maxLength: n },
  );

describe('strategies are pure folds', () => {
  for (const [name, params] of configs) {
    it(`${name} ${JSON.stringify(params)}: same inputs give the same outputs, and input states are never mutated`, () => {
      fc.assert(
        fc.property(
          arbBars(60).chain((bars) => fc.tuple(fc.constant(bars), arbAccounts(bars.length))),
          ([bars, accounts]) => {
            const s = createStrategy(name, params);
            const run = () => {
              let state = s.initialState();
              const log: unknown[] = [];
              bars.forEach((b, i) => {
                const before = JSON.stringify(state);
                const out = s.onBar(state, marketOf(b), accounts[i]!);
                const again = s.onBar(state, marketOf(b), accounts[i]!); // calling twice on the same state
                expect(plain(again.intents)).toEqual(plain(out.intents));
                expect(JSON.stringify(again.state)).toBe(JSON.stringify(out.state));
                expect(JSON.stringify(state)).toBe(before); // the input state is untouched
                log.push(plain(out.intents));
                state = out.state;
              });
              return log;
            };
            expect(run()).toEqual(run());
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
