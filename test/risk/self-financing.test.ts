import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemas } from '../../src/events/catalog.js';
import { allocateRealizedPnl } from '../../src/engine/risk/self-financing.js';
import { D } from './helpers.js';

describe('self-financing', () => {
  it('a profit is split: fraction to the reserve, the rest to tradable capital, as ReserveAllocated data', () => {
    const r = allocateRealizedPnl({ tradable: D(1000), reserve: D(0) }, D(200), D('0.25'), { clientOrderId: 'c-1' });
    expect(r.next.reserve.toString()).toBe('50');
    expect(r.next.tradable.toString()).toBe('1150');
    expect(r.event).toEqual({ amount: '50', fraction: '0.25', context: { clientOrderId: 'c-1', realizedPnl: '200', reserveAfter: '50', tradableAfter: '1150' } });
    expect(schemas.ReserveAllocated.safeParse(r.event).success).toBe(true);
  });

  it('a loss reduces tradable capital only; no event', () => {
    const r = allocateRealizedPnl({ tradable: D(1000), reserve: D(40) }, D(-300), D('0.25'));
    expect(r.next).toEqual({ tradable: D(700), reserve: D(40) });
    expect(r.event).toBeNull();
  });

  it('property: total capital is conserved, the reserve never shrinks, tradable absorbs every loss', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50_000, max: 50_000 }), { maxLength: 40 }), fc.integer({ min: 0, max: 100 }), (pnls, pct) => {
        let split = { tradable: D(10_000), reserve: D(0) };
        const fraction = D(pct).div(100);
        for (const p of pnls) {
          const pnl = D(p).div(100);
          const before = split;
          const r = allocateRealizedPnl(split, pnl, fraction);
          split = r.next;
          expect(split.tradable.plus(split.reserve).eq(before.tradable.plus(before.reserve).plus(pnl))).toBe(true);
          expect(split.reserve.gte(before.reserve)).toBe(true);
          expect(r.toReserve.eq(pnl.gt(0) ? pnl.mul(fraction) : 0)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('RiskPolicy.settleRealizedPnl (what the cycle calls after a fill that realized P&L)', () => {
  it('uses the configured profitReserveFraction and yields ReserveAllocated data', async () => {
    const { createRiskPolicy } = await import('../../src/engine/risk/policy.js');
    const { riskConfig } = await import('./helpers.js');
    const p = createRiskPolicy(riskConfig({ profitReserveFraction: '0.3' }));
    const win = p.settleRealizedPnl!(D(500), { clientOrderId: 'c-9' });
    expect(win.toReserve.toString()).toBe('150');
    expect(win.event).toEqual({ amount: '150', fraction: '0.3', context: { clientOrderId: 'c-9', realizedPnl: '500' } });
    expect(schemas.ReserveAllocated.safeParse(win.event).success).toBe(true);
    const loss = p.settleRealizedPnl!(D(-80), {});
    expect(loss.toReserve.isZero()).toBe(true);
    expect(loss.event).toBeNull();
  });
});
