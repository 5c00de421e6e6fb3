import { describe, expect, it } from 'vitest';
import { StrategyConfigError } from '../../src/engine/strategy.js';
import { createStrategy, listStrategies } from '../../src/engine/strategies/index.js';

function configError(fn: () => unknown): StrategyConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StrategyConfigError) return e;
    throw e;
  }
  throw new Error('expected a StrategyConfigError');
}

describe('strategy registry', () => {
  it('lists both strategies with descriptions and defaults', () => {
    const list = listStrategies();
    expect(list.map((s) => s.name)).toEqual(['sma-cross', 'donchian-breakout']);
    const sma = list[0]!;
    expect(sma.description.length).toBeGreaterThan(20);
    expect(Object.fromEntries(sma.params.map((p) => [p.name, p.default]))).toMatchObject({ fast: '10', slow: '30', risk: '0.01', atr: '14', atrMult: '2', qtyStep: '0.0001', maxLeverage: '1' });
    expect(Object.fromEntries(list[1]!.params.map((p) => [p.name, p.default]))).toMatchObject({ entry: '20', exit: '10' });
  });

  it('fills defaults and normalises the effective params', () => {
    expect(createStrategy('sma-cross', { fast: '5', risk: '0.020' }).params).toEqual({ fast: '5', slow: '30', short: 'false', risk: '0.02', atr: '14', atrMult: '2', qtyStep: '0.0001', maxLeverage: '1' });
    expect(createStrategy('donchian-breakout', {}).params).toMatchObject({ entry: '20', exit: '10' });
  });

  it.each([
    ['sma-cross', { fast: 'abc' }, /param "fast"="abc" must be a whole number/],
    ['sma-cross', { fast: '0' }, /param "fast"/],
    ['sma-cross', { fast: '30', slow: '10' }, /param "fast"=30 must be less than slow \(10\)/],
    ['sma-cross', { risk: '1.5' }, /param "risk"="1.5" must be a decimal number > 0 and at most 1/],
    ['sma-cross', { short: 'maybe' }, /param "short"="maybe" must be true or false/],
    ['donchian-breakout', { atrMult: '-2' }, /param "atrMult"/],
    ['donchian-breakout', { qtyStep: '0' }, /param "qtyStep"/],
    ['donchian-breakout', { fast: '3' }, /has no param "fast" \(known: entry, exit/],
  ])('%s %j is refused with one line naming the param', (name, params, message) => {
    const e = configError(() => createStrategy(name, params));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('refuses an unknown strategy, naming the available ones', () => {
    expect(configError(() => createStrategy('mean-reversion', {})).message).toBe('unknown strategy "mean-reversion" (available: sma-cross, donchian-breakout)');
  });
});
