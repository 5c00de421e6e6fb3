import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyStoredEvent } from '../../src/events/event-factory.js';
import { LedgerImbalanceError } from '../../src/projections/errors.js';
import { assetAccount } from '../../src/projections/ledger/accounts.js';
import {
  type LedgerState,
  accountBalance,
  assertBalanced,
  cashBalance,
  evolveLedger,
  freeCash,
  initialLedgerState,
  postingFor,
  reserveBalance,
  trialBalance,
} from '../../src/projections/ledger/ledger-projection.js';
import {
  type PositionsState,
  evolvePositions,
  initialPositionsState,
  positionOf,
  unrealizedPnl,
} from '../../src/projections/positions-projection.js';
import { EventLog, fill, runStarted } from './builders.js';

const S = 'BTCUSDT';

function fold(events: AnyStoredEvent[]): { positions: PositionsState; ledger: LedgerState } {
  let positions = initialPositionsState();
  let ledger = initialLedgerState();
  for (const e of events) {
    positions = evolvePositions(positions, e);
    ledger = evolveLedger(ledger, e);
  }
  return { positions, ledger };
}

describe('positions and ledger on a hand-checked example', () => {
  // buy 2@100, buy 2@110 -> 4 @ avg 105 (cost 420)
  // sell 3@120 -> realized 3 x (120 - 105) = 45; 1 left, cost 105
  // sell 3@90 -> closes 1: (90 - 105) = -15; opens short 2 @ 90 (cost -180)
  // buy 2@80 -> closes the short: 2 x (90 - 80) = 20; flat. Realized 50, fees 1 + 1 + 1.5 = 3.5
  const log = new EventLog();
  log.add('RunStarted', runStarted({ initialCash: '10000' }));
  log.add('OrderFilled', fill('o1', 'f1', { side: 'BUY', qty: '2', price: '100', fee: '1' }));
  log.add('OrderFilled', fill('o2', 'f2', { side: 'BUY', qty: '2', price: '110', fee: '1' }));
  const afterBuys = log.events.length;
  log.add('OrderFilled', fill('o3', 'f3', { side: 'SELL', qty: '3', price: '120', fee: '1.5' }));
  log.add('OrderFilled', fill('o3', 'f3', { side: 'SELL', qty: '3', price: '120', fee: '1.5' })); // resent
  const afterFirstSell = log.events.length;
  log.add('OrderFilled', fill('o4', 'f4', { side: 'SELL', qty: '3', price: '90' }));
  const afterFlip = log.events.length;
  log.add('OrderFilled', fill('o5', 'f5', { side: 'BUY', qty: '2', price: '80' }));
  log.add('ReserveAllocated', { amount: '20', fraction: '0.4', context: {} });

  it('averages entries', () => {
    const p = positionOf(fold(log.events.slice(0, afterBuys)).positions, 'run-1', S)!;
    expect([p.qty, p.costBasis, p.avgCost!, p.realizedPnl, p.fees].map((d) => d.toFixed())).toEqual(['4', '420', '105', '0', '2']);
  });

  it('realizes on a partial close and ignores the resent fill', () => {
    const { positions, ledger } = fold(log.events.slice(0, afterFirstSell));
    const p = positionOf(positions, 'run-1', S)!;
    expect([p.qty, p.avgCost!, p.realizedPnl].map((d) => d.toFixed())).toEqual(['1', '105', '45']);
    expect(cashBalance(ledger, 'run-1').toFixed()).toBe('9936.5'); // 10000 - 200 - 220 + 360 - 3.5
  });

  it('flips through zero into a short at the fill price', () => {
    const p = positionOf(fold(log.events.slice(0, afterFlip)).positions, 'run-1', S)!;
    expect([p.qty, p.costBasis, p.avgCost!, p.realizedPnl].map((d) => d.toFixed())).toEqual(['-2', '-180', '90', '30']);
    expect(unrealizedPnl(p, '85').toFixed()).toBe('10'); // short 2 from 90, mark 85
  });

  it('closes the short, and the books agree', () => {
    const { positions, ledger } = fold(log.events);
    const p = positionOf(positions, 'run-1', S)!;
    expect([p.qty, p.costBasis, p.realizedPnl, p.fees, p.netRealizedPnl].map((d) => d.toFixed())).toEqual(['0', '0', '50', '3.5', '46.5']);
    expect(p.avgCost).toBeNull();
    const tb = trialBalance(ledger, 'run-1');
    expect(Object.fromEntries(tb.rows.map((r) => [r.account, r.balance.toFixed()]))).toEqual({
      [assetAccount(S)]: '0',
      capital: '9980',
      cash: '10046.5',
      fees: '3.5',
      realized_pnl: '50',
      reserve: '20',
    });
    expect(tb.balanced).toBe(true);
    expect(tb.totalDebits.toFixed()).toBe(tb.totalCredits.toFixed());
    expect(reserveBalance(ledger, 'run-1').toFixed()).toBe('20');
    expect(freeCash(ledger, 'run-1').toFixed()).toBe('10026.5');
    expect(ledger.runs.get('run-1')!.duplicateFills).toBe(1);
  });

  it('throws LedgerImbalanceError on a posting that does not balance', () => {
    const posting = { runId: 'r', globalPosition: 7, eventType: 'OrderFilled', lines: [
      { account: 'cash', side: 'DEBIT' as const, amount: new Decimal('10') },
      { account: 'capital', side: 'CREDIT' as const, amount: new Decimal('9.99') },
    ] };
    expect(() => assertBalanced(posting)).toThrow(LedgerImbalanceError);
  });

  it('books a fee in another asset aside instead of guessing its value', () => {
    const l = new EventLog();
    l.add('RunStarted', runStarted({ initialCash: '100', quoteAsset: 'USDT' }));
    l.add('OrderFilled', fill('o', 'f', { qty: '1', price: '10', fee: '0.01', feeAsset: 'BNB' }));
    l.add('OrderFilled', fill('o', 'g', { qty: '1', price: '10', fee: '0.02', feeAsset: 'USDT' }));
    const { positions, ledger } = fold(l.events);
    expect(cashBalance(ledger, 'run-1').toFixed()).toBe('79.98');
    expect(ledger.runs.get('run-1')!.unpostedFees.get('BNB')!.toFixed()).toBe('0.01');
    expect(positionOf(positions, 'run-1', S)!.fees.toFixed()).toBe('0.02');
  });
});

// ---- properties over generated fill sequences ----

/** Exact rationals (BigInt) for an independent average-cost reference model. */
class Q {
  constructor(readonly n: bigint, readonly d: bigint = 1n) {}
  static of(s: string): Q {
    const [i, f = ''] = s.replace('-', '').split('.');
    const neg = s.startsWith('-');
    const n = BigInt(i! + f) * (neg ? -1n : 1n);
    return new Q(n, 10n ** BigInt(f.length));
  }
  add(o: Q) { return new Q(this.n * o.d + o.n * this.d, this.d * o.d).norm(); }
  sub(o: Q) { return this.add(new Q(-o.n, o.d)); }
  mul(o: Q) { return new Q(this.n * o.n, this.d * o.d).norm(); }
  div(o: Q) { return new Q(this.n * o.d * (o.n < 0n ? -1n : 1n), this.d * (o.n < 0n ? -o.n : o.n)).norm(); }
  norm(): Q {
    const g = gcd(this.n < 0n ? -this.n : this.n, this.d);
    return g > 1n ? new Q(this.n / g, this.d / g) : this;
  }
  toDecimal(): Decimal { return new Decimal(this.n.toString()).div(this.d.toString()); }
}
function gcd(a: bigint, b: bigint): bigint { while (b) [a, b] = [b, a % b]; return a || 1n; }

/** Textbook average cost: realized = (exit - avgEntry) x closed qty x direction. */
function referenceRealized(fills: Array<{ side: 'BUY' | 'SELL'; qty: string; price: string }>): { qty: Q; realized: Q } {
  let qty = new Q(0n);
  let avg = new Q(0n);
  let realized = new Q(0n);
  for (const f of fills) {
    const q = Q.of(f.qty);
    const p = Q.of(f.price);
    const dir = f.side === 'BUY' ? 1n : -1n;
    const held = qty.n === 0n ? 0n : qty.n > 0n ? 1n : -1n;
    if (held === 0n || held === dir) {
      const absQ = new Q(qty.n < 0n ? -qty.n : qty.n, qty.d);
      avg = absQ.mul(avg).add(q.mul(p)).div(absQ.add(q));
      qty = qty.add(new Q(dir * q.n, q.d));
      continue;
    }
    const absQ = new Q(qty.n < 0n ? -qty.n : qty.n, qty.d);
    const closed = q.sub(absQ).n < 0n ? q : absQ;
    realized = realized.add(p.sub(avg).mul(closed).mul(new Q(held)));
    qty = qty.add(new Q(dir * q.n, q.d));
    if (q.sub(absQ).n > 0n) avg = p; // flipped: the rest opens at the fill price
  }
  return { qty, realized };
}

const decimalString = (maxInt: number, scale: number) =>
  fc.integer({ min: 1, max: maxInt * 10 ** scale }).map((n) => new Decimal(n).div(10 ** scale).toFixed());
const fillArb = fc.record({
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  qty: decimalString(50, 3),
  price: decimalString(5000, 2),
  fee: fc.oneof(fc.constant('0'), decimalString(5, 4)),
  resend: fc.boolean(),
});

type GenFill = { side: 'BUY' | 'SELL'; qty: string; price: string; fee: string; resend: boolean };

function buildLog(fills: GenFill[], reserves: number[]): EventLog {
  const log = new EventLog();
  log.add('RunStarted', runStarted({ initialCash: '100000' }));
  fills.forEach((f, i) => {
    log.add('OrderFilled', fill(`o${i}`, `f${i}`, f));
    if (f.resend) log.add('OrderFilled', fill(`o${i}`, `f${i}`, f));
    if (reserves.includes(i)) log.add('ReserveAllocated', { amount: String(i + 1), fraction: '0.5', context: {} });
  });
  return log;
}

describe('position and ledger properties', () => {
  const arb = fc.tuple(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 4 }), decimalString(6000, 2));

  it('realized + unrealized at any mark equals the cash flow identity, and quantity is the sum of signed fills', () => {
    fc.assert(
      fc.property(arb, ([fills, reserves, mark]) => {
        const { positions } = fold(buildLog(fills, reserves).events);
        const p = positionOf(positions, 'run-1', S)!;
        let cashFlow = new Decimal(0);
        let qty = new Decimal(0);
        for (const f of fills) {
          const n = new Decimal(f.qty).times(f.price);
          cashFlow = f.side === 'SELL' ? cashFlow.plus(n) : cashFlow.minus(n);
          qty = f.side === 'BUY' ? qty.plus(f.qty) : qty.minus(f.qty);
        }
        expect(p.qty.toFixed()).toBe(qty.toFixed());
        expect(p.realizedPnl.plus(unrealizedPnl(p, mark)).toFixed()).toBe(cashFlow.plus(qty.times(mark)).toFixed());
      }),
      { numRuns: 200 },
    );
  });

  it('realized PnL matches an exact textbook average-cost model', () => {
    fc.assert(
      fc.property(arb, ([fills, reserves]) => {
        const { positions } = fold(buildLog(fills, reserves).events);
        const p = positionOf(positions, 'run-1', S)!;
        const ref = referenceRealized(fills);
        expect(p.qty.eq(ref.qty.toDecimal())).toBe(true);
        expect(p.realizedPnl.minus(ref.realized.toDecimal()).abs().lte('1e-12')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('every posting balances, the trial balance balances, and the books agree with the positions', () => {
    fc.assert(
      fc.property(arb, ([fills, reserves]) => {
        const log = buildLog(fills, reserves);
        let ledger = initialLedgerState();
        let positions = initialPositionsState();
        for (const e of log.events) {
          const posting = postingFor(ledger, e);
          if (posting) {
            const sum = (side: string) => posting.lines.filter((l) => l.side === side).reduce((a, l) => a.plus(l.amount), new Decimal(0));
            expect(sum('DEBIT').toFixed()).toBe(sum('CREDIT').toFixed());
          }
          ledger = evolveLedger(ledger, e);
          positions = evolvePositions(positions, e);
          expect(trialBalance(ledger, 'run-1').balanced).toBe(true);
        }
        const p = positionOf(positions, 'run-1', S)!;
        expect(accountBalance(ledger, 'run-1', assetAccount(S)).toFixed()).toBe(p.costBasis.toFixed());
        expect(accountBalance(ledger, 'run-1', 'realized_pnl').toFixed()).toBe(p.realizedPnl.toFixed());
        expect(accountBalance(ledger, 'run-1', 'fees').toFixed()).toBe(p.fees.toFixed());
        let cash = new Decimal(100000);
        for (const f of fills) {
          const n = new Decimal(f.qty).times(f.price);
          cash = (f.side === 'SELL' ? cash.plus(n) : cash.minus(n)).minus(f.fee);
        }
        expect(cashBalance(ledger, 'run-1').toFixed()).toBe(cash.toFixed());
        const reservedAt = [...new Set(reserves)].filter((i) => i < fills.length);
        expect(reserveBalance(ledger, 'run-1').toFixed()).toBe(String(reservedAt.reduce((a, i) => a + i + 1, 0)));
      }),
      { numRuns: 200 },
    );
  });
});
