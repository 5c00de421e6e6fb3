import { Decimal } from 'decimal.js';
import type { Venue } from '../../../src/engine/ports.js';
import { CcxtVenueAccess } from '../../../src/engine/venues/ccxt/ccxt-venue-access.js';
import { VISIBILITY_WINDOW_MS } from '../../../src/engine/venues/ccxt/venue-defaults.js';
import { type EmulatorDialect, type EmulatorOptions, startEmulator } from '../../support/exchange-emulator/index.js';
import type { ConformanceHarness } from './contract.js';

/** Client timeout in the suite: a held request becomes a timeout this fast. */
export const SUITE_TIMEOUT_MS = 1_000;

/** A ccxt adapter over an emulator speaking the venue's dialect, on 127.0.0.1. */
export async function emulatorHarness(dialect: EmulatorDialect, options: Partial<EmulatorOptions> = {}): Promise<ConformanceHarness> {
  const emu = await startEmulator({ dialect, ...options });
  const symbol = 'BTC/USDT';
  const connect = async (): Promise<Venue> => {
    // A new exchange and adapter each time: nothing carried over but the venue's own books.
    const access = CcxtVenueAccess.create({ venue: dialect, baseUrl: emu.url, credentials: emu.credentials, timeoutMs: SUITE_TIMEOUT_MS });
    return (await access.openVenue(symbol, { clock: { now: () => Date.now() } })).venue;
  };
  const rules = await CcxtVenueAccess.create({ venue: dialect, baseUrl: emu.url, timeoutMs: SUITE_TIMEOUT_MS }).loadMarketRules(symbol);
  const add = emu.server.faults.add.bind(emu.server.faults);
  return {
    symbol,
    rules,
    connect,
    price: () => emu.book.price(),
    // Marketable orders fill on arrival at the emulator.
    settle: async () => undefined,
    fillSome: async (id, qty) => void emu.book.fillNow(id, qty),
    ordersAtVenue: (id) => emu.book.ordersWithClientId(id).length,
    venueBalances: () => Object.fromEntries(Object.entries(emu.book.balances()).map(([a, b]) => [a, b.free])),
    faults: {
      timeoutAfterCommit: () => add({ endpoint: 'createOrder', fault: { kind: 'timeout-after-commit' } }),
      timeoutBeforeCommit: () => add({ endpoint: 'createOrder', fault: { kind: 'timeout-before-commit' } }),
      rateLimited: (retryAfterSec, status) => add({ endpoint: 'createOrder', fault: { kind: 'rate-limited', retryAfterSec, ...(status ? { status } : {}) } }),
      serverErrorAfterCommit: () => add({ endpoint: 'createOrder', fault: { kind: '5xx-after-commit' } }),
      resetAfterCommit: () => add({ endpoint: 'createOrder', fault: { kind: 'reset-after-commit' } }),
      nonJsonAfterCommit: () => add({ endpoint: 'createOrder', fault: { kind: 'non-json-200' } }),
      invisibleFor: (ms) => add({ endpoint: 'createOrder', fault: { kind: 'invisible', ms } }),
      fillAfterCancel: () => add({ endpoint: 'cancelOrder', fault: { kind: 'fill-after-cancel' } }),
    },
    visibilityWindowMs: VISIBILITY_WINDOW_MS[dialect],
    refusedOrder: (clientOrderId) => ({
      // 10 BTC at the market is far beyond the 10,000 USDT of the account.
      order: { clientOrderId, symbol, side: 'BUY', orderType: 'LIMIT', qty: new Decimal('10'), limitPrice: emu.book.price().sub(1) },
      venueWords: dialect === 'binance' ? /"msg":"Account has insufficient balance for requested action\."/ : /"message":"BALANCE_NOT_ENOUGH"/,
    }),
    cleanup: () => emu.close(),
  };
}
