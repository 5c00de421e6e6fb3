import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventDataInput, EventType } from '../../src/events/catalog.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import { createEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { END_OF_DATA_REASON, runTrades, type RunEventLike } from '../../src/replay/metrics/run-trades.js';

/**
 * The trades of a run as a pure function of its events (src/replay/metrics/run-trades.ts), shared by the
 * backtest summary and `engine export trades`.
 */
const RUN = 'bt-test';
const T0 = Date.UTC(2024, 0, 1);
const meta = (minute: number, cycle = 1): EventMetadata => ({ runId: RUN, mode: 'backtest', cycleId: `${RUN}:c${cycle}`, causationId: null, at: new Date(T0 + minute * 60_000).toISOString() });
const ev = <T extends EventType>(type: T, id: string, data: EventDataInput<T>, m: EventMetadata) => createEvent(type, id, data, m) as unknown as RunEventLike;

const started = ev('RunStarted', 'start', {
  mode: 'backtest', strategy: 's', params: {}, symbol: 'SYN', venue: 'sim', seed: '1', config: {}, configHash: '0'.repeat(64),
  data: null, eventsMode: 'full', initialCash: '100000', quoteAsset: 'USD', packageVersion: '0', gitCommit: null, armed: true,
}, meta(0));

interface Fill {
  side: 'BUY' | 'SELL';
  qty: string;
  price: string;
  fee: string;
}

function fillEvent(f: Fill, i: number, order = `o${i}`): RunEventLike {
  return ev('OrderFilled', `f${i}`, {
    clientOrderId: order, venueOrderId: null, fillId: `fill-${i}`, symbol: 'SYN', side: f.side, qty: f.qty, price: f.price, fee: f.fee,
    feeAsset: 'USD', liquidity: 'TAKER', time: new Date(T0 + i * 60_000).toISOString(),
  }, meta(i + 1));
}

/** Fills of one instrument that end flat: random trades, then one that closes what is left. */
const flatFills = fc
  .array(
    fc.record({
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      qty: fc.integer({ min: 1, max: 5000 }).map((n) => new Decimal(n).div(100).toFixed()),
      price: fc.integer({ min: 100, max: 50000 }).map((n) => new Decimal(n).div(100).toFixed()),
      fee: fc.integer({ min: 0, max: 500 }).map((n) => new Decimal(n).div(1000).toFixed()),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .map((fills) => {
    const position = fills.reduce((q, f) => (f.side === 'BUY' ? q.plus(f.qty) : q.minus(f.qty)), new Decimal(0));
    if (!position.isZero()) fills.push({ side: position.gt(0) ? 'SELL' : 'BUY', qty: position.abs().toFixed(), price: '10', fee: '0.01' });
    return fills;
  });

describe('runTrades', () => {
  it('over fills that end flat, the trips\' pnl is every sell minus every buy minus every fee, exactly', () => {
    fc.assert(
      fc.property(flatFills, (fills) => {
        const trades = runTrades([started, ...fills.map((f, i) => fillEvent(f, i))]);
        const cash = fills.reduce((c, f) => (f.side === 'SELL' ? c.plus(new Decimal(f.qty).times(f.price)) : c.minus(new Decimal(f.qty).times(f.price))), new Decimal(0));
        const fees = fills.reduce((s, f) => s.plus(f.fee), new Decimal(0));
        expect(trades.reduce((s, t) => s.plus(t.fees), new Decimal(0)).toDecimalPlaces(12).eq(fees)).toBe(true);
        expect(trades.reduce((s, t) => s.plus(t.pnl), new Decimal(0)).toDecimalPlaces(12).eq(cash.minus(fees))).toBe(true);
        // Trips follow each other: one ends no later than the next begins.
        for (let i = 1; i < trades.length; i++) expect(trades[i]!.entryTime).toBeGreaterThanOrEqual(trades[i - 1]!.exitTime);
      }),
      { numRuns: 200 },
    );
  });

  it('a fill the venue sent again (the same fill id) changes nothing', () => {
    fc.assert(
      fc.property(flatFills, (fills) => {
        const once = fills.map((f, i) => fillEvent(f, i));
        expect(runTrades([started, ...once.flatMap((e) => [e, e])])).toEqual(runTrades([started, ...once]));
      }),
      { numRuns: 50 },
    );
  });

  it('a fill recorded before v3 (no venue time) takes the engine time of its event', () => {
    const v2 = (i: number, side: 'BUY' | 'SELL', minute: number) =>
      toTypedEvent({
        globalPosition: i + 2, stream: `run-${RUN}`, streamVersion: i + 1, eventId: `v2-${i}`, type: 'OrderFilled', schemaVersion: 2,
        data: { clientOrderId: `o${i}`, venueOrderId: null, fillId: `v2-fill-${i}`, symbol: 'SYN', side, qty: '2', price: '100', fee: '0', feeAsset: 'USD', liquidity: 'UNKNOWN' },
        metadata: meta(minute), prevHash: '', hash: '',
      }) as unknown as RunEventLike;
    const [trade] = runTrades([started, v2(0, 'BUY', 7), v2(1, 'SELL', 19)]);
    expect(trade).toMatchObject({ side: 'LONG', entryTime: T0 + 7 * 60_000, exitTime: T0 + 19 * 60_000, symbol: 'SYN' });
  });

  it('the trip the end-of-data close-out ends is marked openAtEnd, and only that one', () => {
    const fills: Fill[] = [
      { side: 'BUY', qty: '1', price: '10', fee: '0' },
      { side: 'SELL', qty: '1', price: '11', fee: '0' },
      { side: 'BUY', qty: '3', price: '12', fee: '0' },
      { side: 'SELL', qty: '3', price: '13', fee: '0' },
    ];
    const closeOut = [
      ev('IntentProposed', 'i', { intentId: 'intent-end', strategy: 's', symbol: 'SYN', side: 'SELL', orderType: 'MARKET', qty: '3', limitPrice: null, rationale: 'end of data', context: { reason: END_OF_DATA_REASON } }, meta(3)),
      ev('OrderSubmitRequested', 'r', { clientOrderId: 'o-end', intentId: 'intent-end', symbol: 'SYN', side: 'SELL', orderType: 'MARKET', qty: '3', limitPrice: null, attempt: 1 }, meta(3)),
    ];
    const marked = runTrades([started, ...fills.slice(0, 3).map((f, i) => fillEvent(f, i)), ...closeOut, fillEvent(fills[3]!, 3, 'o-end')]);
    expect(marked.map((t) => t.openAtEnd)).toEqual([false, true]);
    const plain = runTrades([started, ...fills.map((f, i) => fillEvent(f, i))]);
    expect(plain.map((t) => t.openAtEnd)).toEqual([false, false]);
    expect(plain.map((t) => t.pnl.toFixed())).toEqual(marked.map((t) => t.pnl.toFixed()));
  });
});
