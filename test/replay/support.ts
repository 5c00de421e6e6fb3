import path from 'node:path';
import type { EventStore } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { defaultEngineConfig, type EngineConfig } from '../../src/engine/config/schema.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { Decimal } from '../../src/engine/values.js';
import type { EventsMode } from '../../src/replay/backtest/backtest-config.js';
import { type BacktestResult, runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../../src/replay/data/index.js';

export interface InProcessBacktest {
  db: string;
  data: string;
  strategy: string;
  params?: Record<string, string>;
  seed: string;
  eventsMode: EventsMode;
  config?: EngineConfig;
  fill?: 'next-open' | 'close';
  participationCap?: string | null;
  /** Write into this store instead of a SQLite file at `db`. */
  store?: EventStore;
}

/** A backtest run in this process (the runner the CLI uses), into a SQLite file. */
export async function backtestInto(o: InProcessBacktest): Promise<BacktestResult> {
  const config = o.config ?? defaultEngineConfig();
  const strategy = createStrategy(o.strategy, o.params ?? {});
  const source = openBarSource(o.data, { tz: 'UTC', symbol: 'SYN' });
  const store = o.store ?? SqliteEventStore.open(o.db, { create: true });
  try {
    return await runBacktest(store, {
      settings: {
        symbol: 'SYN',
        quoteAsset: config.quoteAsset,
        strategy: strategy.name,
        params: strategy.params,
        seed: o.seed,
        fill: o.fill ?? config.simulation.fill,
        feeBps: new Decimal(config.simulation.feeBps),
        slippageBps: new Decimal(config.simulation.slippageBps),
        participationCap: o.participationCap != null ? new Decimal(o.participationCap) : config.simulation.participationCap === null ? null : new Decimal(config.simulation.participationCap),
        initialCash: new Decimal(config.initialCash),
        qtyStep: new Decimal(config.risk.qtyStep),
        minNotional: new Decimal(config.risk.minNotional),
        priceTick: new Decimal(config.risk.priceTick),
        tz: 'UTC',
        risk: config.risk,
      },
      source,
      strategy,
      policy: createRiskPolicy(config.risk, { executionCostBps: new Decimal(config.simulation.feeBps).plus(config.simulation.slippageBps) }),
      rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
      eventsMode: o.eventsMode,
      packageVersion: '0.0.0-test',
      gitCommit: null,
    });
  } finally {
    if (!o.store) await store.close();
  }
}

export function dbIn(dir: string, name: string): string {
  return path.join(dir, name);
}
