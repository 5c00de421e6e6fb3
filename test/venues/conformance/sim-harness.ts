import { Decimal } from 'decimal.js';
import seedrandom from 'seedrandom';
import type { Bar } from '../../../src/engine/bar.js';
import type { Venue } from '../../../src/engine/ports.js';
import { FaultInjectingVenue } from '../../../src/engine/venues/fault-injection/fault-injecting-venue.js';
import type { Fault, FaultPlan } from '../../../src/engine/venues/fault-injection/fault-plan.js';
import { PaperVenue, type PaperVenueConfig, type VenueStateFile } from '../../../src/engine/venues/simulated/paper-venue.js';
import type { ConformanceHarness } from './contract.js';

/** A plan that plays one armed fault on the next submission, then none. */
class ArmedFaults implements FaultPlan {
  next: Fault | null = null;
  faultFor(): Fault | null {
    const f = this.next;
    this.next = null;
    return f;
  }
}

const BAR_MS = 60_000;

/**
 * The paper venue of `stage7-run --venue sim` (its state kept in memory, as its state file would keep
 * it), seen through the fault-injecting decorator. Its market is bars the harness pushes: a fill of
 * exactly `qty` is one bar that touches the limit with volume `qty` (participation cap 1).
 */
export async function simHarness(): Promise<ConformanceHarness> {
  let text: string | null = null;
  const file: VenueStateFile = { path: 'memory://paper-venue', read: () => text, write: (t) => void (text = t) };
  const recorded: Bar[] = [];
  let last = new Decimal(65000);
  let now = 1_709_251_200_000;
  const config: PaperVenueConfig = {
    symbol: 'BTC/USDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    initialBalances: { USDT: new Decimal(10_000), BTC: new Decimal('0.5') },
    startPrice: last,
    walk: { seed: 'conformance', volatility: 0.001, barVolume: new Decimal(10), priceDecimals: 2 },
    rules: { slippageBps: new Decimal(0), feeBps: new Decimal(10), participationCap: new Decimal(1), qtyStep: new Decimal('0.00001') },
    barIntervalMs: BAR_MS,
    random: { next: seedrandom.alea('conformance') },
    recorded,
  };
  const plan = new ArmedFaults();
  let paper = new PaperVenue(config, file);
  const tick = (bar: Omit<Bar, 'time'>) => {
    recorded.push({ ...bar, time: now });
    now += BAR_MS;
    paper.tick(now);
    last = bar.close;
  };
  tick({ open: last, high: last, low: last, close: last, volume: new Decimal(0) });
  return {
    symbol: 'BTC/USDT',
    rules: { symbol: 'BTC/USDT', baseAsset: 'BTC', quoteAsset: 'USDT', qtyStep: new Decimal('0.00001'), minQty: new Decimal(0), minNotional: new Decimal(0), priceTick: new Decimal('0.01') },
    async connect(): Promise<Venue> {
      // A restarted engine opens the venue again from its state file.
      paper = new PaperVenue(config, file);
      return new FaultInjectingVenue(paper, plan);
    },
    price: () => last,
    settle: async () => tick({ open: last, high: last, low: last, close: last, volume: new Decimal(100) }),
    async fillSome(clientOrderId, qty) {
      const o = paper.book().find((x) => x.clientOrderId === clientOrderId);
      if (!o) throw new Error(`no order ${clientOrderId}`);
      tick({ open: last, high: last, low: last.mul('0.5'), close: last, volume: qty });
    },
    ordersAtVenue: (id) => paper.book().filter((o) => o.clientOrderId === id).length,
    venueBalances: () => {
      // The paper venue's own books are its state: read them without an adapter in between.
      const state = JSON.parse(text!) as { book: { balances: Record<string, string> } };
      return Object.fromEntries(Object.entries(state.book.balances).map(([a, v]) => [a, new Decimal(v)]));
    },
    faults: {
      timeoutAfterCommit: () => void (plan.next = { kind: 'timeout-after-accept' }),
      timeoutBeforeCommit: () => void (plan.next = { kind: 'never-visible' }),
      rateLimited: (retryAfterSec) => void (plan.next = { kind: 'rate-limited', times: 1, retryAfterMs: retryAfterSec * 1000 }),
      invisibleFor: () => void (plan.next = { kind: 'lost-ack', hiddenQueries: 1 }),
    },
    visibilityWindowMs: 5_000,
    refusedOrder: (clientOrderId) => ({
      order: { clientOrderId, symbol: 'ETH/USDT', side: 'BUY', orderType: 'LIMIT', qty: new Decimal('0.01'), limitPrice: last },
      venueWords: /unknown symbol ETH\/USDT/,
    }),
    cleanup: async () => undefined,
  };
}
