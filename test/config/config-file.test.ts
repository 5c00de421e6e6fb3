import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyOverrides, ConfigError, loadConfigFile, parseConfigText, resolveEngineConfig } from '../../src/cli/config-file.js';
import { defaultEngineConfig, PROFILE_NAMES } from '../../src/engine/config/schema.js';
import { PROJECT_ROOT, tempDir } from '../support.js';

const tmp = tempDir('engine-config-');
afterAll(() => tmp.cleanup());

function writeJson(name: string, value: unknown): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it('the shipped example is valid in every profile, and profiles differ where it says so', () => {
    const file = path.join(PROJECT_ROOT, 'config/engine.example.json');
    const dev = loadConfigFile(file, 'dev');
    const prod = loadConfigFile(file, 'prod');
    for (const p of PROFILE_NAMES) expect(() => loadConfigFile(file, p)).not.toThrow();
    expect(dev.risk.maxOrderNotional).toBeNull();
    expect(prod.risk.maxOrderNotional).toBe('1000');
    expect(prod.risk.modes.reduceFactor).toBe('0.25');
    // from the base, inherited by both
    expect(dev.risk.timeZone).toBe('America/New_York');
    expect(prod.strategy.params).toEqual({ fast: '10', slow: '30' });
  });

  it('a file with several bad fields lists every one of them, headed by the file name', () => {
    const file = writeJson('bad.json', {
      base: { risk: { maxOrderNotional: '-5', timeZone: 'Mars/Olympus', qtyStep: 'tiny' }, symbl: 'X' },
      profiles: { prod: { initialCash: 'abc', simulation: { fill: 'later', feeBps: -1 } }, staging: {} },
    });
    const err = configError(() => loadConfigFile(file, 'dev'));
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(
      [
        'base.risk.maxOrderNotional',
        'base.risk.timeZone',
        'base.risk.qtyStep',
        'base.symbl',
        'profiles.prod.initialCash',
        'profiles.prod.simulation.fill',
        'profiles.prod.simulation.feeBps',
        'profiles.staging',
      ].sort(),
    );
    const lines = err.message.split('\n');
    expect(lines[0]).toBe(`${file}: 8 invalid fields:`);
    expect(lines).toHaveLength(9);
  });

  it('cross-field rules are judged on the merged profile: a profile may rely on the base', () => {
    const ok = writeJson('split.json', { base: { risk: { modes: { observeAtDrawdown: '0.5' } } }, profiles: { prod: { risk: { modes: { reduceAtDrawdown: '0.3' } } } } });
    expect(loadConfigFile(ok, 'prod').risk.modes.reduceAtDrawdown).toBe('0.3');
    const bad = writeJson('cross.json', { profiles: { prod: { risk: { modes: { reduceAtDrawdown: '0.3' } } } } });
    const err = configError(() => loadConfigFile(bad, 'dev'));
    expect(err.issues.map((i) => i.path)).toEqual(['profiles.prod.risk.modes.observeAtDrawdown']);
    expect(err.issues[0]!.message).toContain('reduceAtDrawdown');
  });

  it('invalid JSON names the line and column', () => {
    const err = configError(() => parseConfigText('x.json', '{\n  "base": {\n    "symbol": "A",\n  }\n}', 'dev'));
    expect(err.issues[0]!.path).toMatch(/^line 4, column \d+$/);
  });

  it('a missing file is a ConfigError naming it', () => {
    const err = configError(() => loadConfigFile(path.join(tmp.dir, 'nope.json'), 'dev'));
    expect(err.message).toContain('nope.json');
  });

  it('decimals may be written as numbers or strings and come out normalised', () => {
    const file = writeJson('nums.json', { base: { initialCash: 2500.5, risk: { maxOrderNotional: '1000.000' } } });
    const c = loadConfigFile(file, 'paper');
    expect(c.initialCash).toBe('2500.5');
    expect(c.risk.maxOrderNotional).toBe('1000');
  });

  it('flags override file values; a different strategy drops the file strategy params', () => {
    const file = writeJson('ov.json', { base: { strategy: { name: 'sma-cross', params: { fast: 5 } }, simulation: { feeBps: 20 } } });
    const fromFile = loadConfigFile(file, 'dev');
    const same = applyOverrides(fromFile, { simulation: { feeBps: 1, slippageBps: undefined }, strategy: { params: { slow: '50' } } });
    expect(same.simulation.feeBps).toBe(1);
    expect(same.simulation.slippageBps).toBe(5);
    expect(same.strategy.params).toEqual({ fast: '5', slow: '50' });
    const other = applyOverrides(fromFile, { strategy: { name: 'donchian-breakout', params: { lookback: '20' } } });
    expect(other.strategy).toEqual({ name: 'donchian-breakout', params: { lookback: '20' } });
    const err = configError(() => applyOverrides(fromFile, { simulation: { feeBps: -3 } }));
    expect(err.source).toBe('--flags');
  });

  it('without a file the built-in defaults apply; the default profile depends on the command', () => {
    expect(resolveEngineConfig({ command: 'backtest' })).toMatchObject({ profile: 'dev', config: defaultEngineConfig('dev') });
    expect(resolveEngineConfig({ command: 'stage7-run' }).profile).toBe('paper');
    expect(configError(() => resolveEngineConfig({ command: 'backtest', profile: 'qa' })).source).toBe('--profile');
  });
});

describe('built-in profile defaults: the dev profile recovers from OBSERVE by rule', () => {
  const WEEK = 7 * 86_400_000;
  const coolOff = (c: { risk: { modes: { observeCoolOffMs: number | null } } }) => c.risk.modes.observeCoolOffMs;

  it('without a file: backtests (dev) cool off after 7 days in OBSERVE, live runs (paper) keep the hard breaker', () => {
    expect(coolOff(resolveEngineConfig({ command: 'backtest' }).config)).toBe(WEEK);
    expect(coolOff(resolveEngineConfig({ command: 'stage7-run' }).config)).toBeNull();
    expect(coolOff(resolveEngineConfig({ command: 'backtest', profile: 'prod' }).config)).toBeNull();
    expect(coolOff(defaultEngineConfig())).toBeNull();
  });

  it("a file that says nothing keeps the profile's default; a file's base or profile overrides it, null included", () => {
    const silent = writeJson('silent.json', { base: { symbol: 'BTCUSDT' } });
    expect(coolOff(loadConfigFile(silent, 'dev'))).toBe(WEEK);
    expect(coolOff(loadConfigFile(silent, 'paper'))).toBeNull();
    const hard = writeJson('hard.json', { base: { risk: { modes: { observeCoolOffMs: null } } } });
    expect(coolOff(loadConfigFile(hard, 'dev'))).toBeNull();
    const own = writeJson('own.json', { profiles: { dev: { risk: { modes: { observeCoolOffMs: 3_600_000 } } }, paper: { risk: { modes: { observeCoolOffMs: WEEK } } } } });
    expect(coolOff(loadConfigFile(own, 'dev'))).toBe(3_600_000);
    expect(coolOff(loadConfigFile(own, 'paper'))).toBe(WEEK);
  });
});
