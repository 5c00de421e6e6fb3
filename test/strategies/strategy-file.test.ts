import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { marketOf, StrategyConfigError } from '../../src/engine/strategy.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { RunFailedError } from '../../src/replay/backtest/errors.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { replayRun } from '../../src/replay/parity/replay-run.js';
import { openStrategy } from '../../src/replay/strategy-file/index.js';
import { tempDir } from '../support.js';

const tmp = tempDir('engine-strategy-file-');
afterAll(() => tmp.cleanup());

function file(name: string, text: string): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, text);
  return p;
}

const MOMENTUM = `
import { defineStrategy, param, buy, sell, Decimal } from 'engine/strategy';

interface State { closes: number[] }

export default defineStrategy({
  name: 'momentum',
  params: {
    look: param.int({ default: 5, min: 2, max: 100, description: 'bars of momentum' }),
    size: param.decimal({ default: '10', description: 'units per entry' }),
  },
  warmup: (p) => p.look,
  init: (): State => ({ closes: [] }),
  onBar(state, market, account, p) {
    const bar = market.bar;
    if (!bar) return { state };
    const closes = [...state.closes, bar.close.toNumber()].slice(-(p.look + 1));
    const up = closes.length > p.look && closes[closes.length - 1]! > closes[0]!;
    const intents = [];
    if (up && account.position.isZero()) intents.push(buy(p.size, { rationale: 'rising', context: { first: closes[0]!, last: closes[closes.length - 1]! } }));
    if (!up && account.position.gt(0)) intents.push(sell(account.position, { rationale: 'falling' }));
    return { state: { closes }, intents };
  },
});
`;

async function backtest(strategyPath: string, params: Record<string, string> = {}, store = new MemoryEventStore()) {
  const opened = await openStrategy(strategyPath, params);
  const config = defaultEngineConfig();
  const result = await runBacktest(store, {
    settings: {
      symbol: 'SYN', quoteAsset: 'USD', strategy: opened.strategy.name, params: opened.strategy.params, seed: '1', fill: 'next-open',
      feeBps: new Decimal(10), slippageBps: new Decimal(5), participationCap: null, initialCash: new Decimal(100_000), qtyStep: new Decimal('0.0001'),
      minNotional: new Decimal(10), priceTick: new Decimal('0.01'), tz: 'UTC', risk: config.risk,
    },
    source: openBarSource('synthetic:bars=300,interval=1h,seed=4', { symbol: 'SYN' }),
    strategy: opened.strategy,
    ...(opened.file ? { strategySource: opened.file } : {}),
    policy: createRiskPolicy(config.risk, { executionCostBps: 15 }),
    rateLimitWindowMs: null,
    eventsMode: 'full',
    packageVersion: 'test',
    gitCommit: null,
  });
  return { store, result };
}

describe('strategies written by users, in TypeScript, without a build step', () => {
  it('a TypeScript file backtests, its parameters are validated and recorded, its intents carry their rationale, and it replays to PARITY', async () => {
    const p = file('momentum.ts', MOMENTUM);
    const { store, result } = await backtest(p, { look: '6' });
    expect(result.orders).toBeGreaterThan(2);
    const started = toTypedEvent((await store.readStream(result.stream)[Symbol.asyncIterator]().next()).value);
    expect(started.type === 'RunStarted' && [started.data.strategy, started.data.params, started.data.strategySource?.path]).toEqual(['momentum', { look: '6', size: '10' }, p]);
    const rep = await replayRun(store, result.runId);
    expect([rep.verdict, rep.matched]).toEqual(['PARITY', rep.recordedEvents]);
    // A file that changed since is refused by the replay, with both hashes named.
    writeFileSync(p, MOMENTUM.replace("'rising'", "'going up'"));
    await expect(replayRun(store, result.runId)).rejects.toThrow(/changed since the run/);
  });

  it('refuses, in one line naming the file: missing, not compiling (with its line), no default strategy, an unknown or bad parameter, node I/O', async () => {
    await expect(openStrategy(path.join(tmp.dir, 'nope.ts'), {})).rejects.toThrow(/nope\.ts: cannot read the strategy file \(ENOENT\)/);
    const broken = file('broken.ts', 'import { defineStrategy } from "engine/strategy";\n\nexport default defineStrategy({ name: "x", params: {}, init: () => 0, onBar(s) { return { state: s }; }\n');
    await expect(openStrategy(broken, {})).rejects.toThrow(/broken\.ts:4:\d+: /);
    await expect(openStrategy(file('plain.ts', 'export default { name: "x" };\n'), {})).rejects.toThrow(/default export must be a strategy/);
    const p = file('m.ts', MOMENTUM);
    await expect(openStrategy(p, { lookk: '3' })).rejects.toThrow(/has no param "lookk"/);
    await expect(openStrategy(p, { look: '1' })).rejects.toThrow(/param "look"="1" must be a whole number from 2 to 100/);
    await expect(openStrategy(file('io.ts', 'import { readFileSync } from "node:fs";\nexport default readFileSync;\n'), {})).rejects.toThrow(/imports "node:fs": a strategy has no I\/O/);
    await expect(openStrategy(p, {})).resolves.toBeDefined();
    expect(StrategyConfigError).toBeDefined();
  });

  it('the wall clock and unseeded randomness are not there: a strategy that reads them ends the run ERROR, naming its line, with what it decided before kept', async () => {
    const text = MOMENTUM.replace('const bar = market.bar;', 'const bar = market.bar;\n    if (market.time >= Date.UTC(2024, 0, 3)) Date.now();');
    const clock = file('clock.ts', text);
    const line = text.split('\n').findIndex((l) => l.includes('Date.now()')) + 1;
    const store = new MemoryEventStore();
    const failed = await backtest(clock, {}, store).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(RunFailedError);
    const events = [];
    for await (const e of store.readStream(`run-${(failed as RunFailedError).runId}`)) events.push(toTypedEvent(e));
    const end = events.at(-1)!;
    expect(end.type).toBe('RunEnded');
    expect(end.type === 'RunEnded' && [end.data.reason, end.data.detail]).toEqual(['ERROR', expect.stringMatching(new RegExp(`strategy "momentum" \\(clock\\.ts:${line}\\): onBar threw: Date\\.now\\(\\): a strategy may not read the wall clock`))]);
    // What it decided before the failure is in the log.
    expect(events.some((e) => e.type === 'OrderFilled')).toBe(true);
    const dice = await openStrategy(file('dice.ts', MOMENTUM.replace('init: (): State => ({ closes: [] }),', 'init: (): State => ({ closes: [Math.random()] }),')), {});
    expect(() => dice.strategy.initialState()).toThrow(/Math\.random\(\): a strategy may not read/);
    expect(() => new Date()).not.toThrow(); // the engine's own realm is untouched
  });

  it('a malformed intent is refused with what is wrong', async () => {
    const bad = await openStrategy(file('bad.ts', MOMENTUM.replace("buy(p.size,", "buy('-3',")), {});
    let state = bad.strategy.initialState();
    const bar = (i: number, c: number) => ({ time: i * 3600_000, open: new Decimal(c), high: new Decimal(c + 1), low: new Decimal(c - 1), close: new Decimal(c), volume: new Decimal(1) });
    const account = { position: new Decimal(0), equity: new Decimal(1000), cash: new Decimal(1000) };
    expect(() => {
      for (let i = 0; i < 20; i++) state = bad.strategy.onBar(state, marketOf(bar(i, 100 + i)), account).state;
    }).toThrow(/intent 0: qty must be > 0/);
  });
});
