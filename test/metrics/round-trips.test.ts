import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTrips, roundTripToJson, type TradeFill } from '../../src/replay/metrics/index.js';

const D = (x: Decimal.Value) => new Decimal(x);
const fill = (side: 'BUY' | 'SELL', qty: Decimal.Value, price: Decimal.Value, fee: Decimal.Value, time: number): TradeFill => ({ side, qty: D(qty), price: D(price), fee: D(fee), time });

describe('round-trip trades', () => {
  it('averages scale-ins into a VWAP entry and nets fees from the pnl', () => {
    const [t, ...rest] = roundTrips([fill('BUY', 2, 100, '0.2', 1), fill('BUY', 1, 103, '0.1', 2), fill('SELL', 3, 110, '0.33', 3)]);
    expect(rest).toEqual([]);
    expect(t!.side).toBe('LONG');
    expect(t!.qty.toString()).toBe('3');
    expect(t!.entryPrice.toString()).toBe('101'); // (200 + 103) / 3
    expect(t!.exitPrice.toString()).toBe('110');
    expect(t!.fees.toString()).toBe('0.63');
    expect(t!.pnl.toString()).toBe('26.37'); // 330 - 303 - 0.63
    expect([t!.entryTime, t!.exitTime, t!.openAtEnd]).toEqual([1, 3, false]);
  });

  it('splits a fill that crosses zero into a close and an opposite open, fee pro rata', () => {
    const trades = roundTrips([fill('BUY', 1, 100, '0.1', 1), fill('SELL', 3, 90, '0.3', 2), fill('BUY', 2, 80, 0, 3)]);
    expect(trades.map((t) => [t.side, t.qty.toString(), t.pnl.toString(), t.fees.toString()])).toEqual([
      ['LONG', '1', '-10.2', '0.2'], // -10 gross, fees 0.1 + 0.1
      ['SHORT', '2', '19.8', '0.2'], // 180 - 160 - 0.2
    ]);
  });

  it('closes a position left open at the last close and marks it', () => {
    const trades = roundTrips([fill('SELL', '0.5', 200, 0, 10)], { price: D(190), time: 20 });
    expect(trades).toHaveLength(1);
    expect(roundTripToJson(trades[0]!)).toEqual({
      side: 'SHORT', qty: '0.5', entryTime: new Date(10).toISOString(), exitTime: new Date(20).toISOString(),
      entryPrice: '200', exitPrice: '190', pnl: '5', fees: '0', openAtEnd: true,
    });
  });

  it('partial exits keep the trade open until flat', () => {
    const trades = roundTrips([fill('BUY', 4, 10, 0, 1), fill('SELL', 1, 12, 0, 2), fill('SELL', 3, 8, 0, 3)]);
    expect(trades).toHaveLength(1);
    expect(trades[0]!.exitPrice.toString()).toBe('9'); // (12 + 24) / 4
    expect(trades[0]!.pnl.toString()).toBe('-4');
  });

  it('the pnl of all trades equals the cash flow of all fills minus fees (closing at the end)', () => {
    const arbFill = fc.record({
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      qty: fc.integer({ min: 1, max: 1000 }).map((q) => D(q).div(100)),
      price: fc.integer({ min: 1, max: 100_000 }).map((p) => D(p).div(100)),
      fee: fc.integer({ min: 0, max: 500 }).map((f) => D(f).div(1000)),
      time: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 40 }), fc.integer({ min: 1, max: 100_000 }), (fills, endPrice) => {
        const end = D(endPrice).div(100);
        const trades = roundTrips(fills, { price: end, time: 1 });
        let cash = D(0);
        let position = D(0);
        for (const f of fills) {
          const notional = f.qty.mul(f.price);
          cash = f.side === 'BUY' ? cash.minus(notional) : cash.plus(notional);
          position = f.side === 'BUY' ? position.plus(f.qty) : position.minus(f.qty);
          cash = cash.minus(f.fee);
        }
        const expected = cash.plus(position.mul(end));
        const total = trades.reduce((s, t) => s.plus(t.pnl), D(0));
        expect(total.minus(expected).abs().lt('1e-25')).toBe(true);
        expect(trades.filter((t) => t.openAtEnd).length).toBe(position.isZero() ? 0 : 1);
      }),
    );
  });
});
