import path from 'node:path';
import { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../../src/events/event-factory.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import type { EventStore } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../src/engine/clocks.js';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { runStream } from '../../src/engine/ids.js';
import { type LiveRunOptions, type LiveRunResult, runLive } from '../../src/engine/live/live-run.js';
import type { MarketSnapshot } from '../../src/engine/ports.js';
import { DEFAULT_RECONCILE_POLICY, type ReconcilePolicy } from '../../src/engine/reconciliation/decide.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import type { IntentDraft, Strategy } from '../../src/engine/strategy.js';
import { FaultInjectingVenue } from '../../src/engine/venues/fault-injection/fault-injecting-venue.js';
import { type FaultPlan, NO_FAULTS } from '../../src/engine/venues/fault-injection/fault-plan.js';
import { PaperVenue, type VenueStateFile } from '../../src/engine/venues/simulated/paper-venue.js';
import { foldEvents } from '../../src/projections/projection-state.js';
import type { OrderRecord } from '../../src/projections/orders/orders-projection.js';
import { positionOf } from '../../src/projections/positions-projection.js';

export const SYMBOL = 'SYN';
export const QUOTE = 'USD';
export const START = Date.UTC(2026, 0, 5, 12, 0, 0);

/** A strategy that plays a script: the intents of bar n (0-based) are script[n]. */
export function scripted(script: Record<number, IntentDraft[]>): Strategy<number> {
  return {
    name: 'script',
    params: {},
    initialState: () => 0,
    onBar: (n) => ({ state: n + 1, intents: script[n] ?? [] }),
  };
}

export function buy(qty: string, limitPrice: string | null = null): IntentDraft {
  return { side: 'BUY', qty: new Decimal(qty), orderType: limitPrice ? 'LIMIT' : 'MARKET', limitPrice: limitPrice ? new Decimal(limitPrice) : null, rationale: 'scripted', context: {} };
}

export function sell(qty: string): IntentDraft {
  return { side: 'SELL', qty: new Decimal(qty), orderType: 'MARKET', limitPrice: null, rationale: 'scripted', context: {} };
}

export function memoryStateFile(): VenueStateFile & { text: string | null } {
  const f = {
    path: '(memory)',
    text: null as string | null,
    read: () => f.text,
    write: (t: string) => {
      f.text = t;
    },
  };
  return f;
}

export interface WorldOptions {
  dir: string;
  faults?: FaultPlan;
  participationCap?: string | null;
  barVolume?: string;
  stateFile?: VenueStateFile & { text: string | null };
  store?: EventStore;
}

/** The paper venue, the fault injector in front of it, a manual clock moved only by the sleeper. */
export function world(o: WorldOptions) {
  const stateFile = o.stateFile ?? memoryStateFile();
  const store = o.store ?? SqliteEventStore.open(path.join(o.dir, 'engine.db'), { create: true });
  const clock = new ManualClock(START);
  const paper = new PaperVenue(
    {
      symbol: SYMBOL,
      baseAsset: SYMBOL,
      quoteAsset: QUOTE,
      initialBalances: { [QUOTE]: new Decimal(100_000) },
      startPrice: new Decimal(100),
      walk: { seed: 'w', volatility: 0.001, barVolume: new Decimal(o.barVolume ?? '1000'), priceDecimals: 2 },
      rules: {
        slippageBps: new Decimal(0),
        feeBps: new Decimal(10),
        participationCap: o.participationCap ? new Decimal(o.participationCap) : null,
        qtyStep: new Decimal('0.0001'),
      },
      barIntervalMs: 1000,
      random: new SeededRandom('venue'),
    },
    stateFile,
  );
  const venue = new FaultInjectingVenue(paper, o.faults ?? NO_FAULTS);
  return { store, clock, paper, venue, stateFile };
}

export type World = ReturnType<typeof world>;

export interface RunOptions {
  runId?: string;
  resume?: boolean;
  cycles: number;
  strategy: Strategy<any>;
  reconcile?: Partial<ReconcilePolicy>;
  /** Called before the market moves on for the n-th time in this run (0-based). */
  beforeTick?: (n: number) => void;
  armed?: boolean;
  signal?: AbortSignal;
}

export async function run(w: World, o: RunOptions): Promise<LiveRunResult> {
  return runLive(liveOptions(w, o));
}

/** The options the harness runs the live loop with. */
export function liveOptions(w: World, o: RunOptions): LiveRunOptions {
  const config = defaultEngineConfig();
  const runId = o.runId ?? 'live-test';
  let ticks = 0;
  const market = {
    async next(): Promise<MarketSnapshot> {
      o.beforeTick?.(ticks++);
      return w.paper.tick(w.clock.now());
    },
  };
  return {
    store: w.store,
    runId,
    resume: o.resume ?? false,
    runStarted: {
      mode: 'live',
      strategy: o.strategy.name,
      params: {},
      symbol: SYMBOL,
      venue: 'sim',
      seed: '7',
      config: {},
      configHash: '0'.repeat(64),
      data: null,
      eventsMode: 'full',
      initialCash: '100000',
      quoteAsset: QUOTE,
      packageVersion: '0.0.0-test',
      gitCommit: null,
      armed: o.armed ?? true,
    },
    seed: '7',
    rules: { symbol: SYMBOL, baseAsset: SYMBOL, quoteAsset: QUOTE, qtyStep: new Decimal('0.0001'), minQty: new Decimal(0), minNotional: new Decimal(10), priceTick: new Decimal('0.01') },
    quoteAsset: QUOTE,
    venue: w.venue,
    market,
    clock: w.clock,
    stopwatch: zeroStopwatch,
    sleeper: { sleep: async (ms) => w.clock.set(w.clock.now() + ms) },
    policy: createRiskPolicy(config.risk, { executionCostBps: 10 }),
    strategy: o.strategy,
    armed: o.armed ?? true,
    intervalMs: 1000,
    cycles: o.cycles,
    rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
    reconcilePolicy: { ...DEFAULT_RECONCILE_POLICY, visibilityWindowMs: 2_500, notFoundConfirmations: 3, maxAttempts: 6, maxAgeMs: 60_000, ...o.reconcile },
    backoff: { baseMs: 100, capMs: 2_000, maxAttempts: 4 },
    signal: o.signal ?? new AbortController().signal,
  };
}

export async function runEvents(store: EventStore, runId = 'live-test'): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for await (const e of store.readStream(runStream(runId))) out.push(toTypedEvent(e));
  return out;
}

export async function allEvents(store: EventStore): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for await (const e of store.readAll()) out.push(toTypedEvent(e));
  return out;
}

/** The orders projection, folded from the whole log. */
export async function projected(store: EventStore, runId = 'live-test') {
  const state = foldEvents(await allEvents(store));
  const orders: OrderRecord[] = [...(state.orders.runs.get(runId)?.orders.values() ?? [])];
  return { state, orders, position: positionOf(state.positions, runId, SYMBOL)?.qty ?? new Decimal(0) };
}

/**
 * The log and the venue agree: the same orders (every order the venue holds is in the log, every order
 * the log says exists is at the venue), the same filled quantities, no client order id received twice,
 * and the position equals the venue's base-asset balance.
 */
export async function expectAgreement(w: World, runId = 'live-test'): Promise<string[]> {
  const problems: string[] = [];
  const { orders, position } = await projected(w.store, runId);
  const book = new Map(w.paper.book().map((o) => [o.clientOrderId, o]));
  const received = w.paper.received();
  if (new Set(received).size !== received.length) problems.push(`client order id received twice: ${received.join(',')}`);
  for (const v of book.values()) {
    const o = orders.find((x) => x.clientOrderId === v.clientOrderId);
    if (!o) problems.push(`venue holds ${v.clientOrderId}, the log does not`);
    else if (!o.filledQty.eq(v.filledQty)) problems.push(`${v.clientOrderId}: log filled ${o.filledQty}, venue ${v.filledQty}`);
    else if (['FAILED', 'REJECTED'].includes(o.status)) problems.push(`${v.clientOrderId}: venue holds it, log says ${o.status}`);
  }
  for (const o of orders) {
    const exists = !['FAILED', 'REJECTED', 'THROTTLED'].includes(o.status);
    if (exists && !book.has(o.clientOrderId)) problems.push(`log says ${o.clientOrderId} is ${o.status}, the venue never had it`);
  }
  const base = (await w.paper.balances())[SYMBOL] ?? new Decimal(0);
  if (!base.eq(position)) problems.push(`position ${position} != venue balance ${base}`);
  return problems;
}
