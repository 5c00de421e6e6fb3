import { Decimal } from 'decimal.js';
import type { OrderRequest } from '../../../src/engine/ports.js';
import { CcxtVenueAccess } from '../../../src/engine/venues/ccxt/ccxt-venue-access.js';
import type { Emulator } from '../../support/exchange-emulator/index.js';

export const SYMBOL = 'BTC/USDT';

export function accessTo(emu: Emulator, options: { credentials?: { apiKey: string; secret: string } | null; timeoutMs?: number } = {}): CcxtVenueAccess {
  const credentials = options.credentials === undefined ? emu.credentials : options.credentials;
  return CcxtVenueAccess.create({
    venue: emu.dialect,
    baseUrl: emu.url,
    ...(credentials ? { credentials } : {}),
    timeoutMs: options.timeoutMs ?? 1_000,
  });
}

export async function adapterFor(emu: Emulator, fillsSinceMs?: number) {
  return (await accessTo(emu).openVenue(SYMBOL, { clock: { now: () => Date.now() }, ...(fillsSinceMs === undefined ? {} : { fillsSinceMs }) })).venue;
}

let n = 0;
export function limitOrder(side: 'BUY' | 'SELL', qty: string, price: Decimal.Value, id?: string): OrderRequest {
  n += 1;
  return { clientOrderId: id ?? `live-00aa11bb22cc-${n}-1`, symbol: SYMBOL, side, orderType: 'LIMIT', qty: new Decimal(qty), limitPrice: new Decimal(price) };
}

export function onTick(price: Decimal, tick = '0.01'): Decimal {
  return price.div(tick).floor().mul(tick);
}
