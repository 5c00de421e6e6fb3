import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderLookup, OrderRequest, Side, SubmitOutcome, Venue, VenueFill } from '../../../src/engine/ports.js';
import { decideReconciliation } from '../../../src/engine/reconciliation/decide.js';
import type { MarketRules } from '../../../src/engine/venues/market-rules.js';

/**
 * One conformance suite for every Venue (like test/store/contract.ts for stores): the semantics the
 * engine's submitter and reconciler rely on, proven against each venue through its own harness. A case
 * a venue cannot play says so in its name, with the reason, instead of passing silently.
 */

/** Faults a harness may play on the venue; each arms exactly one coming request. */
export interface VenueFaults {
  /** The next submit is carried out, then its answer is lost (timeout). */
  timeoutAfterCommit(): void;
  /** The next submit never reaches the venue and is never answered. */
  timeoutBeforeCommit(): void;
  /** The next submit is refused with 429 (or 418) and Retry-After; nothing is created. */
  rateLimited(retryAfterSec: number, status?: 429 | 418): void;
  /** The next submit is carried out, then answered with a 5xx. */
  serverErrorAfterCommit(): void;
  /** The next submit is carried out, then the connection is reset. */
  resetAfterCommit(): void;
  /** The next submit is carried out, then answered 200 with a body that is not JSON. */
  nonJsonAfterCommit(): void;
  /** The next accepted order is not shown by the venue for a while (`ms`). */
  invisibleFor(ms: number): void;
  /** The next cancel goes through, then a fill that matched before it is reported. */
  fillAfterCancel(): void;
}

export type FaultName = keyof VenueFaults;

export interface ConformanceHarness {
  symbol: string;
  rules: MarketRules;
  /** An adapter over the venue's account; every call gives a new one, as a restarted engine would have. */
  connect(): Promise<Venue>;
  /** The market price now. */
  price(): Decimal;
  /** Lets the market trade once (a bar passes): marketable orders fill. */
  settle(): Promise<void>;
  /** The venue matches `qty` of an open order now. */
  fillSome(clientOrderId: string, qty: Decimal): Promise<void>;
  /** How many orders the venue's own books hold for a client order id. */
  ordersAtVenue(clientOrderId: string): number;
  /** The venue's own free balances. */
  venueBalances(): Record<string, Decimal>;
  faults: Partial<VenueFaults>;
  /** How long the venue may hide an accepted order (the reconciler's window for it). */
  visibilityWindowMs: number;
  /** An order the venue refuses, and words its refusal must contain. */
  refusedOrder(clientOrderId: string): { order: OrderRequest; venueWords: RegExp };
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** Cases that do not apply, with the reason (shown in the test name). */
  skip?: Partial<Record<CaseName, string>>;
}

export type CaseName =
  | 'found-and-open'
  | 'cancel-filled-qty'
  | 'unknown-id'
  | 'invisible-window'
  | 'timeout-after-commit'
  | 'timeout-before-commit'
  | 'rate-limited'
  | 'banned-418'
  | 'server-error-after-commit'
  | 'reset-after-commit'
  | 'non-json-after-commit'
  | 'duplicate'
  | 'fills-restart'
  | 'late-fill'
  | 'balances'
  | 'raw-rejection';

let seq = 0;
/** Engine-shaped client order ids (src/engine/ids.ts): run id, cycle, sequence. */
export function nextClientOrderId(): string {
  seq += 1;
  return `live-0c0ffee0c0de-${seq}-1`;
}

export function describeVenueConformance(name: string, makeHarness: () => Promise<ConformanceHarness>, options: ConformanceOptions = {}): void {
  describe(`venue conformance: ${name}`, () => {
    let h: ConformanceHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const restingLimit = (side: Side, qty = '0.01'): OrderRequest => {
      const away = h.price().mul(side === 'BUY' ? '0.9' : '1.1');
      const tick = h.rules.priceTick;
      const limit = away.div(tick).floor().mul(tick);
      return { clientOrderId: nextClientOrderId(), symbol: h.symbol, side, orderType: 'LIMIT', qty: new Decimal(qty), limitPrice: limit };
    };
    const marketableBuy = (qty = '0.01'): OrderRequest => {
      const tick = h.rules.priceTick;
      const limit = h.price().mul('1.01').div(tick).ceil().mul(tick);
      return { clientOrderId: nextClientOrderId(), symbol: h.symbol, side: 'BUY', orderType: 'LIMIT', qty: new Decimal(qty), limitPrice: limit };
    };

    const caseIt = (key: CaseName, title: string, needs: FaultName[], body: () => Promise<void>) => {
      const reason = options.skip?.[key];
      if (reason !== undefined) {
        it.skip(`${title} [skipped: ${reason}]`, body);
        return;
      }
      it(title, async () => {
        for (const f of needs) if (!h.faults[f]) throw new Error(`harness for ${name} cannot play ${f}: skip the case with a reason instead`);
        await body();
      });
    };

    caseIt('found-and-open', 'an accepted order is found by client order id and listed among open orders', [], async () => {
      const v = await h.connect();
      const o = restingLimit('BUY');
      const out = await v.submit(o);
      expect(out.kind).toBe('accepted');
      const found = await v.queryOrder(o.clientOrderId);
      expect(found.kind).toBe('found');
      if (found.kind !== 'found') return;
      expect(found.order).toMatchObject({ clientOrderId: o.clientOrderId, side: 'BUY', status: 'OPEN', symbol: h.symbol });
      expect(found.order.qty.eq(o.qty)).toBe(true);
      expect(found.order.filledQty.eq(0)).toBe(true);
      if (out.kind === 'accepted') expect(found.order.venueOrderId).toBe(out.venueOrderId);
      const open = await v.openOrders(h.symbol);
      expect(open.map((x) => x.clientOrderId)).toContain(o.clientOrderId);
    });

    caseIt('cancel-filled-qty', 'cancel answers CANCELED with the quantity filled before it', [], async () => {
      const v = await h.connect();
      const o = restingLimit('BUY', '0.02');
      expect((await v.submit(o)).kind).toBe('accepted');
      await h.fillSome(o.clientOrderId, new Decimal('0.005'));
      const c = await v.cancel(o.clientOrderId);
      expect(c.kind).toBe('found');
      if (c.kind !== 'found') return;
      expect(c.order.status).toBe('CANCELED');
      expect(c.order.filledQty.toFixed()).toBe('0.005');
      expect((await v.openOrders(h.symbol)).map((x) => x.clientOrderId)).not.toContain(o.clientOrderId);
    });

    caseIt('unknown-id', 'a client order id never sent is not_found', [], async () => {
      const v = await h.connect();
      expect(await v.queryOrder(nextClientOrderId())).toEqual({ kind: 'not_found' });
    });

    caseIt('invisible-window', 'an order the venue hides is not_found at first, found later; not_found is not believed inside the window', ['invisibleFor'], async () => {
      const v = await h.connect();
      const hiddenMs = 700;
      h.faults.invisibleFor!(hiddenMs);
      const o = restingLimit('BUY');
      const out = await v.submit(o);
      const first = await v.queryOrder(o.clientOrderId);
      expect(first.kind).toBe('not_found');
      // Three clean not-founds inside the venue's window: the reconciler must not conclude FAILED.
      const unknownSince = 1_000_000;
      const verdict = decideReconciliation(
        { clientOrderId: o.clientOrderId, unknownSince, attempts: 5, notFoundStreak: 5, escalated: false },
        { byClientOrderId: first, openOrders: [], fills: [] },
        unknownSince + h.visibilityWindowMs - 1,
        { visibilityWindowMs: h.visibilityWindowMs, notFoundConfirmations: 3, maxAttempts: 100, maxAgeMs: 10 * h.visibilityWindowMs },
      );
      expect(verdict.outcome).toBe('STILL_UNKNOWN');
      await waitUntil(async () => (await v.queryOrder(o.clientOrderId)).kind === 'found', hiddenMs * 5);
      const later = await v.queryOrder(o.clientOrderId);
      expect(later.kind).toBe('found');
      if (out.kind === 'accepted' && later.kind === 'found') expect(later.order.venueOrderId).toBe(out.venueOrderId);
    });

    caseIt('timeout-after-commit', 'a timeout after the venue took the order is unknown (TIMEOUT), and the order is then found by client order id', ['timeoutAfterCommit'], async () => {
      const v = await h.connect();
      h.faults.timeoutAfterCommit!();
      const o = restingLimit('BUY');
      const out = await v.submit(o);
      expect(out).toMatchObject({ kind: 'unknown', cause: 'TIMEOUT' });
      expect(h.ordersAtVenue(o.clientOrderId)).toBe(1);
      const found = await v.queryOrder(o.clientOrderId);
      expect(found.kind).toBe('found');
    });

    caseIt('timeout-before-commit', 'a timeout before the venue saw the order is unknown, and the order is not found', ['timeoutBeforeCommit'], async () => {
      const v = await h.connect();
      h.faults.timeoutBeforeCommit!();
      const o = restingLimit('BUY');
      const out = await v.submit(o);
      expect(out.kind).toBe('unknown');
      expect(h.ordersAtVenue(o.clientOrderId)).toBe(0);
      expect(await v.queryOrder(o.clientOrderId)).toEqual({ kind: 'not_found' });
      expect((await v.openOrders(h.symbol)).map((x) => x.clientOrderId)).not.toContain(o.clientOrderId);
    });

    caseIt('rate-limited', '429 is rate_limited with Retry-After and creates nothing; the retry with the same id leaves exactly one order', ['rateLimited'], async () => {
      const v = await h.connect();
      h.faults.rateLimited!(2);
      const o = restingLimit('BUY');
      const first = await v.submit(o);
      expect(first).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
      expect(h.ordersAtVenue(o.clientOrderId)).toBe(0);
      const second = await v.submit(o);
      expect(second.kind).toBe('accepted');
      expect(h.ordersAtVenue(o.clientOrderId)).toBe(1);
    });

    caseIt('banned-418', "418 (the venue's IP ban) is rate_limited with its Retry-After and creates nothing", ['rateLimited'], async () => {
      const v = await h.connect();
      h.faults.rateLimited!(3, 418);
      const o = restingLimit('BUY');
      expect(await v.submit(o)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
      expect(h.ordersAtVenue(o.clientOrderId)).toBe(0);
    });

    caseIt('server-error-after-commit', 'a 5xx after the venue took the order is unknown (HTTP_5XX), never a rejection; the order is found', ['serverErrorAfterCommit'], async () => {
      const v = await h.connect();
      h.faults.serverErrorAfterCommit!();
      const o = restingLimit('BUY');
      const out = await v.submit(o);
      expect(out).toMatchObject({ kind: 'unknown', cause: 'HTTP_5XX' });
      expect((await v.queryOrder(o.clientOrderId)).kind).toBe('found');
    });

    caseIt('reset-after-commit', 'a connection reset after the venue took the order is unknown (NETWORK); the order is found', ['resetAfterCommit'], async () => {
      const v = await h.connect();
      h.faults.resetAfterCommit!();
      const o = restingLimit('BUY');
      expect(await v.submit(o)).toMatchObject({ kind: 'unknown', cause: 'NETWORK' });
      expect((await v.queryOrder(o.clientOrderId)).kind).toBe('found');
    });

    caseIt('non-json-after-commit', 'a 200 that is not the venue\'s JSON is unknown, not accepted and not rejected; the order is found', ['nonJsonAfterCommit'], async () => {
      const v = await h.connect();
      h.faults.nonJsonAfterCommit!();
      const o = restingLimit('BUY');
      expect((await v.submit(o)).kind).toBe('unknown');
      expect((await v.queryOrder(o.clientOrderId)).kind).toBe('found');
    });

    caseIt('duplicate', "the venue's duplicate-id refusal is unknown (DUPLICATE), never a rejection, and the venue still holds one order", [], async () => {
      const v = await h.connect();
      const o = restingLimit('BUY');
      expect((await v.submit(o)).kind).toBe('accepted');
      const again = await v.submit(o);
      expect(again).toMatchObject({ kind: 'unknown', cause: 'DUPLICATE' });
      expect(h.ordersAtVenue(o.clientOrderId)).toBe(1);
    });

    caseIt('fills-restart', 'fills are reported at least once, each with its client order id, and again by a restarted adapter', [], async () => {
      const v = await h.connect();
      const a = marketableBuy('0.01');
      const b = restingLimit('BUY', '0.02');
      expect((await v.submit(a)).kind).toBe('accepted');
      await h.settle();
      expect((await v.submit(b)).kind).toBe('accepted');
      await h.fillSome(b.clientOrderId, new Decimal('0.005'));
      const fills = await collectFills(v, (fs) => fs.some((f) => f.clientOrderId === a.clientOrderId) && fs.some((f) => f.clientOrderId === b.clientOrderId));
      expectFillsOf(fills, a.clientOrderId, a.qty, h.symbol);
      expectFillsOf(fills, b.clientOrderId, new Decimal('0.005'), h.symbol);
      const ids = new Set(fills.map((f) => f.fillId));
      const restarted = await h.connect();
      const again = await collectFills(restarted, (fs) => [...ids].every((id) => fs.some((f) => f.fillId === id)));
      for (const f of fills) {
        const twin = again.find((x) => x.fillId === f.fillId);
        expect(twin?.clientOrderId).toBe(f.clientOrderId);
        expect(twin?.qty.eq(f.qty)).toBe(true);
        expect(twin?.price.eq(f.price)).toBe(true);
        expect(twin?.fee.eq(f.fee)).toBe(true);
      }
      // The restarted adapter finds the orders by client order id too.
      expect((await restarted.queryOrder(a.clientOrderId)).kind).toBe('found');
    });

    caseIt('late-fill', 'a fill that arrives after the cancel is reported', ['fillAfterCancel'], async () => {
      const v = await h.connect();
      const o = restingLimit('BUY', '0.02');
      expect((await v.submit(o)).kind).toBe('accepted');
      await v.pollFills();
      h.faults.fillAfterCancel!();
      const c = await v.cancel(o.clientOrderId);
      expect(c.kind).toBe('found');
      const fills = await collectFills(v, (fs) => fs.some((f) => f.clientOrderId === o.clientOrderId));
      const late = fills.filter((f) => f.clientOrderId === o.clientOrderId);
      expect(late.length).toBeGreaterThan(0);
      const after = await v.queryOrder(o.clientOrderId);
      expect(after.kind === 'found' && after.order.status).toBe('CANCELED');
      if (after.kind === 'found') expect(after.order.filledQty.eq(late.reduce((s, f) => s.add(f.qty), new Decimal(0)))).toBe(true);
    });

    caseIt('balances', 'balances are exact Decimals equal to the venue\'s books, and move by exactly the fill', [], async () => {
      const v = await h.connect();
      const before = await v.balances();
      expectSameBalances(before, h.venueBalances());
      const o = marketableBuy('0.01');
      expect((await v.submit(o)).kind).toBe('accepted');
      await h.settle();
      const fills = await collectFills(v, (fs) => fs.some((f) => f.clientOrderId === o.clientOrderId));
      const after = await v.balances();
      expectSameBalances(after, h.venueBalances());
      const mine = fills.filter((f) => f.clientOrderId === o.clientOrderId);
      const { baseAsset: base, quoteAsset: quote } = h.rules;
      let baseDelta = new Decimal(0);
      let quoteDelta = new Decimal(0);
      for (const f of mine) {
        baseDelta = baseDelta.add(f.qty);
        quoteDelta = quoteDelta.sub(f.qty.mul(f.price));
        const feeAsset = f.feeAsset === 'QUOTE' ? quote : f.feeAsset;
        if (feeAsset === quote) quoteDelta = quoteDelta.sub(f.fee);
        if (feeAsset === base) baseDelta = baseDelta.sub(f.fee);
      }
      expect(after[base]!.sub(before[base] ?? 0).toFixed()).toBe(baseDelta.toFixed());
      expect(after[quote]!.sub(before[quote] ?? 0).toFixed()).toBe(quoteDelta.toFixed());
    });

    caseIt('raw-rejection', "a refusal keeps the venue's own text beside the mapped reason code", [], async () => {
      const v = await h.connect();
      const { order, venueWords } = h.refusedOrder(nextClientOrderId());
      const out: SubmitOutcome = await v.submit(order);
      expect(out.kind).toBe('rejected');
      if (out.kind !== 'rejected') return;
      expect(out.rawReason).toMatch(venueWords);
      expect(out.reasonCode.startsWith('VENUE_')).toBe(true);
      expect(h.ordersAtVenue(order.clientOrderId)).toBe(0);
    });
  });
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls fills until `done` holds for everything collected (a few polls at most). */
async function collectFills(v: Venue, done: (fs: VenueFill[]) => boolean): Promise<VenueFill[]> {
  const all: VenueFill[] = [];
  for (let i = 0; i < 20; i++) {
    all.push(...(await v.pollFills()));
    if (done(all)) return all;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fills incomplete after 20 polls: ${all.map((f) => `${f.clientOrderId}:${f.qty.toFixed()}`).join(', ')}`);
}

function expectFillsOf(fills: VenueFill[], clientOrderId: string, qty: Decimal, symbol: string): void {
  const mine = fills.filter((f) => f.clientOrderId === clientOrderId);
  const distinct = new Map(mine.map((f) => [f.fillId, f]));
  const total = [...distinct.values()].reduce((s, f) => s.add(f.qty), new Decimal(0));
  expect(total.toFixed()).toBe(qty.toFixed());
  for (const f of distinct.values()) {
    expect(f.symbol).toBe(symbol);
    expect(f.price.gt(0)).toBe(true);
    expect(f.fee.gte(0)).toBe(true);
    expect(f.venueOrderId).not.toBe('');
  }
}

function expectSameBalances(adapter: Record<string, Decimal>, venue: Record<string, Decimal>): void {
  for (const [asset, amount] of Object.entries(venue)) {
    expect(adapter[asset], asset).toBeInstanceOf(Decimal);
    expect(adapter[asset]!.toFixed(), asset).toBe(amount.toFixed());
  }
}

export type { OrderLookup };
