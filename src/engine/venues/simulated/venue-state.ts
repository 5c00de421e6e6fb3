import type { Bar } from '../../bar.js';
import type { VenueFill } from '../../ports.js';
import { Decimal } from '../../values.js';
import type { SimBookState, SimOrder } from './book.js';
import type { WalkPosition } from './price-walk.js';
import type { SimVenueState } from './simulated-venue.js';

/**
 * The paper venue's state file: plain JSON, decimals as strings. It is the venue's own memory (book,
 * balances, every fill it made, every client order id it received, the walk position), kept apart from
 * the engine's log so that a restarted engine meets the venue as it really is, not as the log believes.
 */
export interface PaperVenueState {
  sim: SimVenueState;
  walk: WalkPosition;
  /** Every fill the venue ever made, in order: redelivered to a restarted engine (it dedupes by fill id). */
  fills: VenueFill[];
  /** Client order ids of every submit that reached the venue, duplicates included. */
  received: string[];
}

export const STATE_FORMAT = 'engine-paper-venue/1';

export function encodeVenueState(s: PaperVenueState): string {
  const { book, lastBar } = s.sim;
  return JSON.stringify({
    format: STATE_FORMAT,
    walk: { step: s.walk.step, lastClose: s.walk.lastClose.toFixed(), lastTime: s.walk.lastTime },
    lastBar: lastBar && barJson(lastBar),
    book: {
      orders: [...book.orders.values()].map((o) => ({
        ...o,
        qty: o.qty.toFixed(),
        limitPrice: o.limitPrice?.toFixed() ?? null,
        filled: o.filled.toFixed(),
      })),
      open: book.open,
      balances: Object.fromEntries([...book.balances].map(([k, v]) => [k, v.toFixed()])),
      outbox: book.outbox.map(fillJson),
      nextVenueOrderSeq: book.nextVenueOrderSeq,
    },
    fills: s.fills.map(fillJson),
    received: s.received,
  });
}

export class VenueStateError extends Error {
  override readonly name = 'VenueStateError';
}

/** Throws VenueStateError naming the file and what is wrong. */
export function decodeVenueState(text: string, file: string): PaperVenueState {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VenueStateError(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (raw?.format !== STATE_FORMAT) throw new VenueStateError(`${file}: format is ${JSON.stringify(raw?.format)}, expected ${STATE_FORMAT}`);
  try {
    const orders = new Map<string, SimOrder>();
    for (const o of raw.book.orders) {
      orders.set(o.clientOrderId, { ...o, qty: new Decimal(o.qty), limitPrice: o.limitPrice === null ? null : new Decimal(o.limitPrice), filled: new Decimal(o.filled) });
    }
    const book: SimBookState = {
      orders,
      open: [...raw.book.open],
      balances: new Map(Object.entries(raw.book.balances as Record<string, string>).map(([k, v]) => [k, new Decimal(v)])),
      outbox: raw.book.outbox.map(fillFrom),
      nextVenueOrderSeq: raw.book.nextVenueOrderSeq,
    };
    return {
      sim: { book, lastBar: raw.lastBar === null ? null : barFrom(raw.lastBar) },
      walk: { step: raw.walk.step, lastClose: new Decimal(raw.walk.lastClose), lastTime: raw.walk.lastTime },
      fills: raw.fills.map(fillFrom),
      received: [...raw.received],
    };
  } catch (err) {
    throw new VenueStateError(`${file}: damaged venue state (${err instanceof Error ? err.message : String(err)})`);
  }
}

function barJson(b: Bar) {
  return { time: b.time, open: b.open.toFixed(), high: b.high.toFixed(), low: b.low.toFixed(), close: b.close.toFixed(), volume: b.volume.toFixed() };
}

function barFrom(b: any): Bar {
  return { time: b.time, open: new Decimal(b.open), high: new Decimal(b.high), low: new Decimal(b.low), close: new Decimal(b.close), volume: new Decimal(b.volume) };
}

function fillJson(f: VenueFill) {
  return { ...f, qty: f.qty.toFixed(), price: f.price.toFixed(), fee: f.fee.toFixed() };
}

function fillFrom(f: any): VenueFill {
  return { ...f, qty: new Decimal(f.qty), price: new Decimal(f.price), fee: new Decimal(f.fee) };
}
