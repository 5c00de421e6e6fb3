import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import type { Bar } from '../../../src/engine/bar.js';
import { openBarSource } from '../../../src/replay/data/index.js';
import { BinanceDialect } from './binance-dialect.js';
import { BtcturkDialect } from './btcturk-dialect.js';
import type { Dialect } from './http-types.js';
import { type ClientIdUniqueness, type EmulatedMarket, type FeeSchedule, MatchingBook } from './matching-book.js';
import { EmulatorServer } from './server.js';

export type { Fault, FaultRule, Endpoint } from './faults.js';
export type { EmuOrder, EmuTrade, FeeSchedule, ClientIdUniqueness } from './matching-book.js';
export { MatchingBook } from './matching-book.js';

export type EmulatorDialect = 'binance' | 'btcturk';

export interface EmulatorOptions {
  dialect: EmulatorDialect;
  /** The price path, a CSV the project's loader reads (default: fixtures/syn-1m-binance-klines.csv, 1m bars from 65000). */
  csv?: string;
  /** Interval of the CSV's bars as the venue names it (default '1m'). */
  interval?: '1m' | '15m' | '30m' | '1h' | '4h' | '1d';
  market?: Partial<EmulatedMarket>;
  balances?: Record<string, Decimal.Value>;
  fees?: FeeSchedule;
  /** Default per venue: Binance 'open-orders' (its documented rule), BTCTurk 'none' (it documents none). */
  uniqueness?: ClientIdUniqueness;
  credentials?: { apiKey: string; secret: string };
  /** Bar of the CSV the market starts in (default 30). */
  startIndex?: number;
  /** The venue's clock runs this far ahead of ours (ms). */
  skewMs?: number;
  /**
   * Live mode, for a run against the emulator: bars re-timed so the start bar opens now (aligned to the
   * interval) and the market moving on by itself with the clock. Default: CSV times, moved by tests.
   */
  followClock?: boolean;
  /**
   * Paced mode: the market moves on one bar every this many ms of the clock; the bars are re-timed to
   * end at the last closed interval (keep the bars after startIndex fewer than the engine's bar window).
   */
  barEveryMs?: number;
}

export interface Emulator {
  readonly url: string;
  readonly dialect: EmulatorDialect;
  readonly book: MatchingBook;
  readonly server: EmulatorServer;
  readonly credentials: { apiKey: string; secret: string };
  /** Create requests that reached the emulator for a client order id. */
  createCalls(clientOrderId: string): number;
  /** Moves the venue's clock relative to ours. */
  setSkew(ms: number): void;
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: Record<EmulatorDialect, { apiKey: string; secret: string }> = {
  binance: { apiKey: 'emuBinanceKey0123456789', secret: 'emuBinanceSecret0123456789' },
  btcturk: { apiKey: 'emu-btcturk-public-key', secret: Buffer.from('emu-btcturk-private-key-0123456789').toString('base64') },
};

const INTERVAL_MS = { '1m': 60_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 } as const;

const barCache = new Map<string, Bar[]>();

async function loadBars(csv: string): Promise<Bar[]> {
  const cached = barCache.get(csv);
  if (cached) return cached;
  const source = openBarSource(csv);
  await source.scan();
  const bars: Bar[] = [];
  for await (const b of source.bars()) bars.push(b);
  barCache.set(csv, bars);
  return bars;
}

/** Starts an emulator on 127.0.0.1 with an ephemeral port; the test closes it. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const csv = options.csv ?? path.join(projectRoot(), 'fixtures/syn-1m-binance-klines.csv');
  const bars = await loadBars(csv);
  const interval = options.interval ?? '1m';
  const btcturk = options.dialect === 'btcturk';
  const market: EmulatedMarket = {
    id: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    tickSize: new Decimal('0.01'),
    stepSize: new Decimal(btcturk ? '0.00000001' : '0.00001'),
    minQty: new Decimal(btcturk ? '0' : '0.00001'),
    minNotional: new Decimal(btcturk ? '10' : '5'),
    ...options.market,
  };
  let skew = options.skewMs ?? 0;
  const book = new MatchingBook({
    market,
    bars,
    startIndex: options.startIndex ?? 30,
    balances: options.balances ?? { USDT: '10000', BTC: '0.5', BNB: '1' },
    fees: options.fees ?? { makerBps: new Decimal(10), takerBps: new Decimal(10), asset: { kind: 'quote' } },
    uniqueness: options.uniqueness ?? (btcturk ? 'none' : 'open-orders'),
    now: () => Date.now() + skew,
    ...(options.followClock
      ? { followClock: { startOpenTime: Math.floor(Date.now() / INTERVAL_MS[interval]) * INTERVAL_MS[interval], intervalMs: INTERVAL_MS[interval] } }
      : {}),
    ...(options.barEveryMs !== undefined
      ? {
          paced: {
            since: Date.now() + skew,
            everyMs: options.barEveryMs,
            lastOpenTime: Math.floor((Date.now() + skew) / INTERVAL_MS[interval]) * INTERVAL_MS[interval] - INTERVAL_MS[interval],
            intervalMs: INTERVAL_MS[interval],
          },
        }
      : {}),
  });
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS[options.dialect];
  const dialect: Dialect = btcturk
    ? new BtcturkDialect(credentials, INTERVAL_MS[interval], { numerator: decimalsOf(market.stepSize), denominator: decimalsOf(market.tickSize) })
    : new BinanceDialect(credentials, interval, INTERVAL_MS[interval]);
  const server = new EmulatorServer(dialect, book);
  const url = await server.listen();
  return {
    url,
    dialect: options.dialect,
    book,
    server,
    credentials,
    createCalls: (id) => server.createCalls(id),
    setSkew: (ms) => {
      skew = ms;
    },
    close: () => server.close(),
  };
}

/** The project's root from here, in the sources or compiled under dist/. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'fixtures'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('exchange emulator: project root (package.json + fixtures/) not found');
    dir = up;
  }
  return dir;
}

function decimalsOf(step: Decimal): number {
  return Math.max(0, step.decimalPlaces());
}
