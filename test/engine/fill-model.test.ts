import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { SeededRandom } from '../../src/engine/clocks.js';
import type { OrderRequest } from '../../src/engine/ports.js';
import { Decimal } from '../../src/engine/values.js';
import { type FillRules, type FillTiming, feeFor, planFill, slipped } from '../../src/engine/venues/simulated/fill-model.js';
import { SimulatedVenue } from '../../src/engine/venues/simulated/simulated-venue.js';

const D = (v: Decimal.Value) => new Decimal(v);
const HOUR = 3_600_000;

function bar(i: number, o: Decimal.Value, h: Decimal.Value, l: Decimal.Value, c: Decimal.Value, v: Decimal.Value = 1000): Bar {
  return { time: i * HOUR, open: D(o), high: D(h), low: D(l), close: D(c), volume: D(v) };
}

function rules(over: Partial<FillRules> = {}): FillRules {
  return { slippageBps: D(0), feeBps: D(0), participationCap: null, qtyStep: D('0.0001'), ...over };
}

function venue(timing: FillTiming, r: FillRules = rules(), cash: Decimal.Value = 1_000_000, base: Decimal.Value = 0): SimulatedVenue {
  return new SimulatedVenue({
    symbol: 'X',
    baseAsset: 'X',
    quoteAsset: 'QUOTE',
    initialBalances: { QUOTE: D(cash), X: D(base) },
    timing,
    rules: r,
    intervalMs: HOUR,
    random: new SeededRandom('t'),
  });
}

function order(id: string, side: 'BUY' | 'SELL', qty: Decimal.Value, limit: Decimal.Value | null = null): OrderRequest {
  return { clientOrderId: id, symbol: 'X', side, orderType: limit === null ? 'MARKET' : 'LIMIT', qty: D(qty), limitPrice: limit === null ? null : D(limit) };
}

describe('simulated venue fill model', () => {
  it('next-open fills a market order at the NEXT bar open, close fills at the signal bar close', async () => {
    const signal = bar(0, 100, 110, 95, 105);
    const next = bar(1, 107, 112, 104, 108);

    const nextOpen = venue('next-open');
    nextOpen.onBar(signal);
    expect((await nextOpen.submit(order('a', 'BUY', 2))).kind).toBe('accepted');
    expect(await nextOpen.pollFills()).toEqual([]); // nothing before the next bar
    nextOpen.onBar(next);
    const [f1] = await nextOpen.pollFills();
    expect(f1!.price.toFixed()).toBe('107');
    expect(f1!.time).toBe(next.time);

    const atClose = venue('close');
    atClose.onBar(signal);
    await atClose.submit(order('b', 'BUY', 2));
    const [f2] = await atClose.pollFills();
    expect(f2!.price.toFixed()).toBe('105');
    expect(f2!.time).toBe(signal.time + HOUR);
  });

  it('slippage is always adverse and fees are bps of notional in the quote asset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 100 }), (cents, slip, fee) => {
        const p = D(cents).div(100);
        const buy = slipped(p, 'BUY', D(slip));
        const sell = slipped(p, 'SELL', D(slip));
        expect(buy.gte(p)).toBe(true);
        expect(sell.lte(p)).toBe(true);
        expect(buy.sub(p).eq(p.sub(sell))).toBe(true);
        expect(feeFor(D(3), p, D(fee)).eq(p.mul(3).mul(fee).div(10_000))).toBe(true);
      }),
    );
  });

  it('charges fee and slippage on the venue fill and moves balances by exactly that', async () => {
    const v = venue('next-open', rules({ slippageBps: D(10), feeBps: D(25) }), 10_000);
    v.onBar(bar(0, 100, 100, 100, 100));
    await v.submit(order('a', 'BUY', 10));
    v.onBar(bar(1, 200, 210, 190, 205));
    const [f] = await v.pollFills();
    expect(f!.price.toFixed()).toBe('200.2'); // 200 * (1 + 10bps)
    expect(f!.fee.toFixed()).toBe('5.005'); // 10 * 200.2 * 25bps
    expect(f!.liquidity).toBe('TAKER');
    const b = await v.balances();
    expect(b.X!.toFixed()).toBe('10');
    expect(b.QUOTE!.toFixed()).toBe(D(10_000).sub('2002').sub('5.005').toFixed());

    await v.submit(order('b', 'SELL', 10));
    v.onBar(bar(2, 300, 300, 300, 300));
    const [s] = await v.pollFills();
    expect(s!.price.toFixed()).toBe('299.7'); // seller receives less
  });

  it('a volume participation cap splits a market order into partial fills across bars', async () => {
    const v = venue('next-open', rules({ participationCap: D('0.1') }));
    v.onBar(bar(0, 100, 100, 100, 100, 50));
    await v.submit(order('a', 'BUY', 25));
    v.onBar(bar(1, 101, 101, 101, 101, 100)); // 10 of 25
    v.onBar(bar(2, 102, 102, 102, 102, 80)); // 8 more
    v.onBar(bar(3, 103, 103, 103, 103, 0)); // no volume: nothing
    v.onBar(bar(4, 104, 104, 104, 104, 1000)); // the last 7
    const fills = await v.pollFills();
    expect(fills.map((f) => [f.qty.toFixed(), f.price.toFixed()])).toEqual([
      ['10', '101'],
      ['8', '102'],
      ['7', '104'],
    ]);
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(3);
    const q = await v.queryOrder('a');
    expect(q.kind === 'found' && q.order.status).toBe('FILLED');
  });

  it('limit orders fill when the bar touches the price: at the limit, or at the open on a gap', async () => {
    const v = venue('next-open');
    v.onBar(bar(0, 100, 101, 99, 100));
    await v.submit(order('touch', 'BUY', 1, 95));
    await v.submit(order('gap', 'BUY', 1, 90));
    v.onBar(bar(1, 98, 99, 96, 97)); // low 96 > 95: no touch
    expect(await v.pollFills()).toEqual([]);
    v.onBar(bar(2, 97, 98, 94, 96)); // touches 95
    const [touch] = await v.pollFills();
    expect([touch!.clientOrderId, touch!.price.toFixed(), touch!.liquidity]).toEqual(['touch', '95', 'MAKER']);
    v.onBar(bar(3, 85, 88, 84, 87)); // gaps through 90: filled at the open
    const [gap] = await v.pollFills();
    expect([gap!.clientOrderId, gap!.price.toFixed(), gap!.liquidity]).toEqual(['gap', '85', 'TAKER']);
  });

  it('limit prices: a buy never pays above its limit, a sell never receives below it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 150 }),
        fc.integer({ min: 50, max: 150 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 50, max: 150 }),
        fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
        (o, c, up, down, limit, side) => {
          const b = bar(1, o, Math.max(o, c) + up, Math.min(o, c) - down, c);
          const plan = planFill({ side, orderType: 'LIMIT', limitPrice: D(limit), remaining: D(1) }, b, 'open', rules());
          const touched = side === 'BUY' ? b.low.lte(limit) : b.high.gte(limit);
          expect(plan !== null).toBe(touched);
          if (plan) {
            if (side === 'BUY') expect(plan.price.lte(limit)).toBe(true);
            else expect(plan.price.gte(limit)).toBe(true);
            expect(plan.price.gte(b.low) && plan.price.lte(b.high)).toBe(true);
          }
        },
      ),
    );
  });

  it('never lets a buyer spend more than its cash: the fill is cut and the rest canceled', async () => {
    const v = venue('next-open', rules({ feeBps: D(10) }), 1000);
    v.onBar(bar(0, 100, 100, 100, 100));
    await v.submit(order('a', 'BUY', 10));
    v.onBar(bar(1, 120, 120, 120, 120)); // gapped up: 10 would cost 1201.2
    const [f] = await v.pollFills();
    expect(f!.qty.toFixed()).toBe('8.325'); // floor(1000 / (120 * 1.001), 0.0001)
    const b = await v.balances();
    expect(b.QUOTE!.gte(0)).toBe(true);
    const q = await v.queryOrder('a');
    expect(q.kind === 'found' && q.order.status).toBe('CANCELED');
  });

  it('refuses a duplicate client order id and unknown symbols', async () => {
    const v = venue('close');
    v.onBar(bar(0, 100, 100, 100, 100));
    expect((await v.submit(order('a', 'BUY', 1))).kind).toBe('accepted');
    const dup = await v.submit(order('a', 'BUY', 1));
    expect(dup.kind === 'rejected' && dup.reasonCode).toBe('VENUE_DUPLICATE_ORDER');
    const bad = await v.submit({ ...order('b', 'BUY', 1), symbol: 'Y' });
    expect(bad.kind === 'rejected' && bad.reasonCode).toBe('VENUE_INVALID_ORDER');
  });
});
