import { Decimal } from 'decimal.js';
import type { EventDataInput, EventType } from '../../src/events/catalog.js';
import { type AnyNewEvent, createEvent } from '../../src/events/event-factory.js';
import { isoTime } from '../../src/events/time.js';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { createRunDecider, type DeciderConfig, type DeciderInput, type FoldableEvent, type RunDecider, type RunState, recordingFor } from '../../src/engine/decider/index.js';
import { cycleIdFor } from '../../src/engine/ids.js';
import type { MarketSnapshot } from '../../src/engine/ports.js';
import { DEFAULT_RECONCILE_POLICY } from '../../src/engine/reconciliation/decide.js';
import { createRiskPolicy, type RiskPolicy } from '../../src/engine/risk/index.js';
import type { IntentDraft, Strategy } from '../../src/engine/strategy.js';

/**
 * Given / when / then for the decider: given the events a run recorded, when an input arrives, then these
 * events (and venue commands). No venue, no store, no clock: the decider is a pure function.
 */

export const RUN = 'bt-spec';
export const SYMBOL = 'SYN';
export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);
export const D = (v: Decimal.Value) => new Decimal(v);

/** A strategy that plays a script: bar n (1-based) proposes script[n]. */
export function scripted(script: Record<number, IntentDraft[]>): Strategy<number> {
  return { name: 'script', params: {}, initialState: () => 0, onBar: (n) => ({ state: n + 1, intents: script[n + 1] ?? [] }) };
}

export const buy = (qty: Decimal.Value, limit?: Decimal.Value): IntentDraft => ({
  side: 'BUY',
  qty: D(qty),
  orderType: limit === undefined ? 'MARKET' : 'LIMIT',
  limitPrice: limit === undefined ? null : D(limit),
  rationale: 'scripted buy',
  context: { why: 'test' },
});
export const sell = (qty: Decimal.Value): IntentDraft => ({ side: 'SELL', qty: D(qty), orderType: 'MARKET', limitPrice: null, rationale: 'scripted sell', context: {} });

/** A risk policy of the default configuration with these risk overrides. */
export function policy(risk: Record<string, unknown> = {}): RiskPolicy {
  const base = defaultEngineConfig().risk;
  return createRiskPolicy({ ...base, maxOrderNotional: null, maxCycleNotional: null, cashReserveFraction: '0', rateLimit: null, ...risk } as never);
}

export function decider(o: { strategy?: Strategy; policy?: RiskPolicy; mode?: 'backtest' | 'live'; events?: 'full' | 'decisions'; over?: Partial<DeciderConfig> } = {}): RunDecider {
  const mode = o.mode ?? 'live';
  return createRunDecider({
    runId: RUN,
    mode,
    recording: recordingFor(mode, o.events ?? 'full'),
    instruments: {
      [SYMBOL]: {
        rules: { symbol: SYMBOL, baseAsset: SYMBOL, quoteAsset: 'USD', qtyStep: D('0.01'), minQty: D(0), minNotional: D(5), priceTick: D('0.01') },
        assets: { base: SYMBOL, quote: 'USD' },
      },
    },
    primarySymbol: SYMBOL,
    strategy: o.strategy ?? scripted({}),
    policy: o.policy ?? policy(),
    reconcile: { ...DEFAULT_RECONCILE_POLICY, visibilityWindowMs: 2 * HOUR, notFoundConfirmations: 2, maxAttempts: 4, maxAgeMs: 100 * HOUR },
    maxSubmitAttempts: 3,
    rateLimitWindowMs: null,
    ...o.over,
  });
}

export function started(armed = true, initialCash = '10000'): EventDataInput<'RunStarted'> {
  return {
    mode: 'live', strategy: 'script', params: {}, symbol: SYMBOL, venue: 'sim', seed: '1', config: {}, configHash: '0'.repeat(64), data: null,
    eventsMode: 'full', initialCash, quoteAsset: 'USD', packageVersion: 'test', gitCommit: null, armed,
  };
}

export function snapshot(hour: number, close: Decimal.Value): MarketSnapshot {
  const c = D(close);
  return { interval: '1h', bars: [{ symbol: SYMBOL, bar: { time: T0 + hour * HOUR, open: c, high: c.plus(1), low: c.minus(1), close: c, volume: D(1000) } }] };
}

/** An event as the log would hold it (for "given"). */
export function event<T extends EventType>(type: T, data: EventDataInput<T>, o: { seq?: number | null; n?: number; at?: number; cause?: string | null; id?: string } = {}): FoldableEvent {
  const seq = o.seq === undefined ? 1 : o.seq;
  const id = o.id ?? (seq === null ? `${RUN}:${type}` : `${RUN}:${seq}:${o.n ?? 1}`);
  return createEvent(type, id, data, { runId: RUN, mode: 'live', cycleId: seq === null ? null : cycleIdFor(RUN, seq), causationId: o.cause ?? null, at: isoTime(o.at ?? T0) }) as unknown as FoldableEvent;
}

/** A scenario: inputs decided one after another; every event and command kept, and the state they fold to. */
export class Scenario {
  readonly events: AnyNewEvent[] = [];
  state: RunState;

  constructor(readonly d: RunDecider, given: readonly FoldableEvent[] = []) {
    this.state = d.fold(given);
  }

  /** Decides one input; returns what it produced. */
  when(input: DeciderInput) {
    const r = this.d.decide(this.state, input);
    this.events.push(...r.events);
    this.state = r.state;
    return r;
  }
}

/** The type and data of events, for "then" assertions. */
export function shapes(events: readonly AnyNewEvent[]): Array<{ type: string; data: unknown }> {
  return events.map((e) => ({ type: e.type, data: e.data }));
}

export const types = (events: readonly AnyNewEvent[]) => events.map((e) => e.type);
