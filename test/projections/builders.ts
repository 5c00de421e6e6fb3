import type { EventDataInput, EventType } from '../../src/events/catalog.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import { type AnyNewEvent, type AnyStoredEvent, createEvent, toTypedEvent } from '../../src/events/event-factory.js';

/**
 * Builds validated events (through createEvent, as the engine does) and places them like a store would,
 * for folding without a store. Times advance one second per event so metadata is realistic.
 */
export class EventLog {
  readonly events: AnyStoredEvent[] = [];
  private position = 0;
  private seq = 0;
  private readonly versions = new Map<string, number>();

  constructor(private readonly startMs = Date.UTC(2024, 0, 1)) {}

  newEvent<T extends EventType>(type: T, data: EventDataInput<T>, runId = 'run-1', meta: Partial<EventMetadata> = {}): AnyNewEvent {
    this.seq++;
    const metadata: EventMetadata = {
      runId,
      mode: 'backtest',
      cycleId: null,
      causationId: null,
      at: new Date(this.startMs + this.seq * 1000).toISOString(),
      ...meta,
    };
    return createEvent(type, `evt-${this.seq}`, data, metadata) as AnyNewEvent;
  }

  /** Create, place and keep an event; returns the stored, typed event. */
  add<T extends EventType>(type: T, data: EventDataInput<T>, runId = 'run-1'): AnyStoredEvent {
    const e = this.newEvent(type, data, runId);
    const stream = `run-${runId}`;
    const v = (this.versions.get(stream) ?? -1) + 1;
    this.versions.set(stream, v);
    this.position++;
    const stored = toTypedEvent({ ...e, globalPosition: this.position, stream, streamVersion: v, prevHash: '', hash: '' });
    this.events.push(stored);
    return stored;
  }
}

export const submit = (clientOrderId: string, o: { qty?: string; side?: 'BUY' | 'SELL'; attempt?: number; symbol?: string; intentId?: string } = {}) =>
  ({
    clientOrderId,
    intentId: o.intentId ?? `intent-${clientOrderId}`,
    symbol: o.symbol ?? 'BTCUSDT',
    side: o.side ?? 'BUY',
    orderType: 'MARKET',
    qty: o.qty ?? '10',
    limitPrice: null,
    attempt: o.attempt ?? 1,
  }) as const;

export const fill = (
  clientOrderId: string,
  fillId: string,
  o: { qty?: string; price?: string; fee?: string; side?: 'BUY' | 'SELL'; symbol?: string; feeAsset?: string } = {},
) =>
  ({
    clientOrderId,
    venueOrderId: `v-${clientOrderId}`,
    fillId,
    symbol: o.symbol ?? 'BTCUSDT',
    side: o.side ?? 'BUY',
    qty: o.qty ?? '10',
    price: o.price ?? '100',
    fee: o.fee ?? '0',
    feeAsset: o.feeAsset ?? 'QUOTE',
    liquidity: 'TAKER',
    time: null,
  }) as const;

export const runStarted = (o: { initialCash?: string; symbol?: string; quoteAsset?: string; strategy?: string } = {}) =>
  ({
    mode: 'backtest',
    strategy: o.strategy ?? 'sma-cross',
    params: {},
    symbol: o.symbol ?? 'BTCUSDT',
    venue: 'sim',
    seed: '42',
    config: {},
    configHash: 'a'.repeat(64),
    data: null,
    eventsMode: 'full',
    initialCash: o.initialCash ?? '10000',
    quoteAsset: o.quoteAsset ?? 'USDT',
    packageVersion: '0.1.0',
    gitCommit: null,
    armed: false,
  }) as const;
