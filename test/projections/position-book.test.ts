import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookFill, FLAT_BOOK, foldFill, unrealizedPnl, valueFill } from '../../src/projections/index.js';

/**
 * The one fill fold (src/projections/position-book.ts), which the decider, the positions and ledger
 * projections and the trade list all use: its identities hold exactly, in decimal arithmetic, on any
 * sequence of fills (longs, shorts, partial closes, flips through zero).
 */
const D = (v: Decimal.Value) => new Decimal(v);

const fillArb: fc.Arbitrary<BookFill> = fc.record({
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  qty: fc.integer({ min: 1, max: 5000 }).map((n) => D(n).div(100)),
  price: fc.integer({ min: 1, max: 200_000 }).map((n) => D(n).div(100)),
  fee: fc.integer({ min: 0, max: 500 }).map((n) => D(n).div(1000)),
  time: fc.integer({ min: 0, max: 1e9 }),
});

describe('the one fill fold', () => {
  it('realized + unrealized = sum of cash flows + quantity x mark, to the last digit', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 30 }), fc.integer({ min: 1, max: 200_000 }), (fills, m) => {
        const mark = D(m).div(100);
        let book = FLAT_BOOK;
        let flows = D(0);
        for (const f of fills) {
          const step = foldFill(book, f);
          book = step.book;
          flows = flows.plus(step.effect.cashFlow);
        }
        expect(book.realizedPnl.plus(unrealizedPnl(book, mark)).toFixed()).toBe(flows.plus(book.qty.times(mark)).toFixed());
      }),
      { numRuns: 300 },
    );
  });

  it('the round trips it closes account for every realized gain and every fee of the closed quantity', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 30 }), (fills) => {
        let book = FLAT_BOOK;
        let trips = D(0);
        let closedFlat = true;
        for (const f of fills) {
          const step = foldFill(book, f);
          book = step.book;
          if (step.effect.closedTrip) trips = trips.plus(step.effect.closedTrip.pnl);
          closedFlat = book.qty.isZero();
        }
        // Flat at the end: the trips' net PnL is all realized PnL minus all fees (flip fees split to 20 places).
        if (closedFlat) expect(trips.minus(book.realizedPnl.minus(book.fees)).abs().lte(D('1e-18'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a trip is net of its entry fee too (what self-financing settles)', () => {
    let book = FLAT_BOOK;
    book = foldFill(book, { side: 'BUY', qty: D(10), price: D(100), fee: D(5), time: 1 }).book;
    const exit = foldFill(book, { side: 'SELL', qty: D(10), price: D('100.8'), fee: D(5), time: 2 });
    // gross +8, fees 10: a losing round trip, although the exit alone realized more than its own fee.
    expect(exit.effect.realized.toFixed()).toBe('8');
    expect(exit.effect.closedTrip?.pnl.toFixed()).toBe('-2');
    expect(exit.effect.closedTrip).toMatchObject({ side: 'LONG', entryTime: 1, exitTime: 2 });
  });

  it('values a fee in the base asset as quantity delivered, and keeps a third-asset fee apart', () => {
    const assets = { base: 'BTC', quote: 'USDT' };
    const buy = valueFill({ side: 'BUY', qty: D(1), price: D(100), fee: D('0.001'), feeAsset: 'BTC', time: 0 }, assets);
    expect([buy.fill.qty.toFixed(), buy.fill.fee.toFixed(), buy.otherFee]).toEqual(['0.999', '0.1', null]);
    const step = foldFill(FLAT_BOOK, buy.fill);
    // Cash moves exactly as the venue moved it: -100, the fee included.
    expect(step.effect.cashFlow.minus(buy.fill.fee).toFixed()).toBe('-100');
    const sell = valueFill({ side: 'SELL', qty: D('0.998'), price: D(100), fee: D('0.001'), feeAsset: 'BTC', time: 0 }, assets);
    expect([sell.fill.qty.toFixed(), sell.fill.fee.toFixed()]).toEqual(['0.999', '0.1']);
    const bnb = valueFill({ side: 'BUY', qty: D(1), price: D(100), fee: D('0.002'), feeAsset: 'BNB', time: 0 }, assets);
    expect([bnb.fill.fee.toFixed(), bnb.otherFee]).toEqual(['0', { asset: 'BNB', amount: D('0.002') }]);
  });
});
