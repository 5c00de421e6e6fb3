import { parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import type { Bar } from '../../bar.js';
import type { Clock } from '../../ports.js';
import { Decimal } from '../../values.js';
import { BinanceKline } from './binance/binance-answers.js';
import { BtcturkKlines } from './btcturk/btcturk-answers.js';
import { schemaProblem } from './venue-decimal.js';
import { VenueAccessError } from './venue-errors.js';
import type { VenueSession } from './venue-session.js';

/**
 * Closed OHLCV bars of one market and interval, read from the venue. A bar still forming (its end not
 * yet past the clock) is never returned. Values come from the venue's text, never through a JS number:
 * Binance writes them as strings; BTCTurk's chart API writes JSON numbers, which are read losslessly.
 */
export interface ClosedBarReader {
  readonly interval: string;
  readonly intervalMs: number;
  /** Closed bars, oldest first: the last `limit` of them, or from `sinceOpenTime` on (inclusive). */
  closedBars(options?: { sinceOpenTime?: number; limit?: number }): Promise<Bar[]>;
}

const BINANCE_INTERVALS: Record<string, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

/** BTCTurk's chart resolutions, as ccxt sends them. */
const BTCTURK_RESOLUTIONS: Record<string, { resolution: string; ms: number }> = {
  '1m': { resolution: '1', ms: 60_000 },
  '15m': { resolution: '15', ms: 900_000 },
  '30m': { resolution: '30', ms: 1_800_000 },
  '1h': { resolution: '60', ms: 3_600_000 },
  '4h': { resolution: '240', ms: 14_400_000 },
  '1d': { resolution: '1 d', ms: 86_400_000 },
};

export const DEFAULT_BAR_LIMIT = 100;

export class UnsupportedIntervalError extends Error {
  override readonly name = 'UnsupportedIntervalError';
}

export class BinanceClosedBars implements ClosedBarReader {
  readonly intervalMs: number;
  constructor(
    private readonly session: VenueSession,
    private readonly marketId: string,
    readonly interval: string,
    private readonly clock: Clock,
  ) {
    const ms = BINANCE_INTERVALS[interval];
    if (ms === undefined) throw new UnsupportedIntervalError(`binance has no ${interval} bars (it has ${Object.keys(BINANCE_INTERVALS).join(', ')})`);
    this.intervalMs = ms;
  }

  async closedBars(options: { sinceOpenTime?: number; limit?: number } = {}): Promise<Bar[]> {
    const limit = options.limit ?? DEFAULT_BAR_LIMIT;
    const params: Record<string, string | number> = { symbol: this.marketId, interval: this.interval, limit: limit + 1 };
    if (options.sinceOpenTime !== undefined) params['startTime'] = options.sinceOpenTime;
    const a = await this.session.ask((ex) => ex.publicGetKlines(params), (r) => r, z.array(BinanceKline));
    if (!a.ok) throw this.session.accessError('klines', a.failure);
    const now = this.clock.now();
    const bars = a.value
      .filter((k) => k[6] < now)
      .map((k): Bar => ({ time: k[0], open: k[1], high: k[2], low: k[3], close: k[4], volume: k[5] }));
    return lastOrFrom(bars, options, limit);
  }
}

export class BtcturkClosedBars implements ClosedBarReader {
  readonly intervalMs: number;
  private readonly resolution: string;
  constructor(
    private readonly session: VenueSession,
    private readonly pairSymbol: string,
    readonly interval: string,
    private readonly clock: Clock,
  ) {
    const r = BTCTURK_RESOLUTIONS[interval];
    if (r === undefined) throw new UnsupportedIntervalError(`btcturk has no ${interval} bars (it has ${Object.keys(BTCTURK_RESOLUTIONS).join(', ')})`);
    this.intervalMs = r.ms;
    this.resolution = r.resolution;
  }

  async closedBars(options: { sinceOpenTime?: number; limit?: number } = {}): Promise<Bar[]> {
    const limit = options.limit ?? DEFAULT_BAR_LIMIT;
    const now = this.clock.now();
    const from = options.sinceOpenTime ?? now - (limit + 1) * this.intervalMs;
    const params = { symbol: this.pairSymbol, resolution: this.resolution, from: Math.floor(from / 1000), to: Math.floor(now / 1000) };
    const a = await this.session.askRaw((ex) => ex.graphGetKlinesHistory(params));
    if (!a.ok) throw this.session.accessError('klines', a.failure);
    let raw: unknown;
    try {
      // Every number as its own text: no digit passes through a double.
      raw = parseLossless(a.value, null, (text: string) => text);
    } catch {
      throw new VenueAccessError('btcturk', 'GARBAGE', 'klines', `answer is not JSON: ${a.value.slice(0, 120)}`);
    }
    const k = BtcturkKlines.safeParse(raw);
    if (!k.success) throw new VenueAccessError('btcturk', 'GARBAGE', 'klines', `unexpected answer (${schemaProblem(k.error)})`);
    const { t, o, h, l, c, v } = k.data;
    const bars: Bar[] = [];
    for (let i = 0; i < t.length; i++) {
      const fields = [t[i], o[i], h[i], l[i], c[i], v[i]];
      if (fields.some((x) => x === undefined || !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(x))) {
        throw new VenueAccessError('btcturk', 'GARBAGE', 'klines', `bar ${i} is incomplete or not numeric`);
      }
      const time = Number(t[i]) * 1000;
      if (time + this.intervalMs > now) continue;
      bars.push({ time, open: new Decimal(o[i]!), high: new Decimal(h[i]!), low: new Decimal(l[i]!), close: new Decimal(c[i]!), volume: new Decimal(v[i]!) });
    }
    bars.sort((x, y) => x.time - y.time);
    return lastOrFrom(bars, options, limit);
  }
}

function lastOrFrom(bars: Bar[], options: { sinceOpenTime?: number }, limit: number): Bar[] {
  if (options.sinceOpenTime !== undefined) return bars.filter((b) => b.time >= options.sinceOpenTime!).slice(0, limit);
  return bars.slice(-limit);
}
