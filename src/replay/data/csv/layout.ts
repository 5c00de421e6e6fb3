import type { FieldProblem } from '../data-error.js';
import { MAX_QUOTED, quote } from '../quote.js';
import type { OhlcvFieldNames } from '../bar-rules.js';

/** Where each needed value sits in a record, and the names to use in error messages. */
export interface CsvLayout {
  kind: 'header' | 'binance-klines' | 'headerless';
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  symbol: number | null;
  timeName: string;
  /** A separate time-of-day column beside a date column (MetaTrader-style `Date,Time,...`). */
  timeOfDay: number | null;
  symbolName: string;
  names: OhlcvFieldNames;
}

/** Header names are compared lower-cased with runs of space, '_', '-', '.', '(' and ')' as one space. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.()/]+/g, ' ').trim();
}

// In priority order: a file with both "date" and "open time" uses "open time".
const TIME_ALIASES = [
  'open time', 'opentime', 'timestamp', 'datetime', 'date time', 'date', 'time', 'unix', 'unix timestamp',
  'timestamp utc', 'date utc', 'time utc', 'ts', 'epoch', 'start', 'start time', 'period start', 'gmt time',
];
const PRICE_ALIASES = {
  open: ['open', 'o', 'open price', 'opening price'],
  high: ['high', 'h', 'high price', 'max'],
  low: ['low', 'l', 'low price', 'min'],
  close: ['close', 'c', 'close price', 'closing price', 'last'],
} as const;
const SYMBOL_ALIASES = ['symbol', 'ticker', 'pair', 'instrument', 'market'];

const PLAIN_VOLUME = ['volume', 'vol', 'v'];
const BASE_VOLUME = ['base volume', 'base asset volume', 'volume base', 'volumefrom', 'volume from'];
const QUOTE_VOLUME = ['quote volume', 'quote asset volume', 'volume quote', 'volumeto', 'volume to', 'turnover', 'amount'];
const CURRENCY_VOLUME = /^(?:volume|vol) ([a-z0-9]{2,10})$|^([a-z0-9]{2,10}) volume$/;
const QUOTE_CURRENCIES = new Set(['usd', 'usdt', 'usdc', 'busd', 'tusd', 'dai', 'eur', 'gbp', 'jpy', 'krw', 'aud', 'cad', 'chf', 'try', 'quote']);

export interface VolumeCandidate {
  index: number;
  name: string;
  role: 'plain' | 'base' | 'quote';
  currency: string | null;
}

/** A header row's meaning before the volume column is chosen (that may need the symbol). */
export interface HeaderInfo {
  layout: Omit<CsvLayout, 'volume' | 'names'> & { names: Omit<OhlcvFieldNames, 'volume'> };
  volumes: VolumeCandidate[];
}

function isKnownName(n: string): boolean {
  return (
    TIME_ALIASES.includes(n) ||
    Object.values(PRICE_ALIASES).some((a) => (a as readonly string[]).includes(n)) ||
    SYMBOL_ALIASES.includes(n) ||
    volumeCandidate(n, 0, n) !== null
  );
}

/** At least two recognised column names: a banner line ("Created on ...,https://...") has none. */
export function looksLikeHeader(record: readonly string[]): boolean {
  return record.filter((f) => isKnownName(normalizeName(f))).length >= 2;
}

function volumeCandidate(n: string, index: number, name: string): VolumeCandidate | null {
  if (PLAIN_VOLUME.includes(n)) return { index, name, role: 'plain', currency: null };
  if (BASE_VOLUME.includes(n)) return { index, name, role: 'base', currency: null };
  if (QUOTE_VOLUME.includes(n)) return { index, name, role: 'quote', currency: null };
  const m = CURRENCY_VOLUME.exec(n);
  if (!m) return null;
  const currency = m[1] ?? m[2] ?? '';
  return { index, name, role: QUOTE_CURRENCIES.has(currency) ? 'quote' : 'base', currency };
}

export function readHeader(record: readonly string[]): { ok: true; header: HeaderInfo } | { ok: false; problem: FieldProblem } {
  const normalized = record.map(normalizeName);
  const find = (aliases: readonly string[]): number => {
    for (const alias of aliases) {
      const i = normalized.indexOf(alias);
      if (i >= 0) return i;
    }
    return -1;
  };
  const shown = record.map((f) => f.trim());
  const names = shown.map((f) => (f === '' ? '(unnamed)' : f)).join(', ');
  const listing = `header has: ${names.length > MAX_QUOTED ? quote(names) : names}`;
  const missing = (field: string): { ok: false; problem: FieldProblem } => ({
    ok: false,
    problem: { field, reason: `missing required column (${listing})` },
  });

  const time = find(TIME_ALIASES);
  if (time < 0) return missing('date');
  const idx = { open: -1, high: -1, low: -1, close: -1 };
  for (const key of ['open', 'high', 'low', 'close'] as const) {
    idx[key] = find(PRICE_ALIASES[key]);
    if (idx[key] < 0) return missing(key);
  }
  const volumes: VolumeCandidate[] = [];
  normalized.forEach((n, i) => {
    const c = volumeCandidate(n, i, shown[i] ?? n);
    if (c) volumes.push(c);
  });
  if (volumes.length === 0) return missing('volume');
  const symbol = find(SYMBOL_ALIASES);
  const name = (i: number): string => shown[i] || normalized[i] || String(i);
  return {
    ok: true,
    header: {
      volumes,
      layout: {
        kind: 'header',
        time,
        ...idx,
        symbol: symbol < 0 ? null : symbol,
        timeName: name(time),
        timeOfDay: normalized[time] === 'date' && normalized.includes('time') ? normalized.indexOf('time') : null,
        symbolName: symbol < 0 ? 'symbol' : name(symbol),
        names: { open: name(idx.open), high: name(idx.high), low: name(idx.low), close: name(idx.close) },
      },
    },
  };
}

/**
 * Which volume column is the base-asset volume ("Volume BTC" in a BTCUSD file, not "Volume USD"):
 * the only one; else the one whose currency starts the symbol; else the only one not named after a
 * quote currency (USD, USDT, EUR, ...) or marked base; a plain "volume" beside a currency-named base
 * column (CryptoDataDownload's "volume_btc,volume") is the quote volume.
 */
export function chooseVolume(candidates: readonly VolumeCandidate[], symbol: string | null): VolumeCandidate | FieldProblem {
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  const sym = symbol === null ? '' : symbol.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (sym !== '') {
    const bySymbol = candidates.filter((c) => c.currency !== null && sym.startsWith(c.currency) && sym !== c.currency);
    if (bySymbol.length === 1 && bySymbol[0]) return bySymbol[0];
  }
  const base = candidates.filter((c) => c.role === 'base');
  if (base.length === 1 && base[0]) return base[0];
  const plain = candidates.filter((c) => c.role === 'plain');
  if (base.length === 0 && plain.length === 1 && plain[0]) return plain[0];
  return {
    field: candidates[0]?.name ?? 'volume',
    reason: `cannot tell which volume column is the base-asset volume (${candidates.map((c) => c.name).join(', ')}); pass the symbol`,
  };
}

/** Binance kline export: open time, open, high, low, close, volume (base asset), close time, ... */
export function binanceLayout(fieldCount: number): CsvLayout {
  return {
    kind: fieldCount === 12 ? 'binance-klines' : 'headerless',
    time: 0,
    open: 1,
    high: 2,
    low: 3,
    close: 4,
    volume: 5,
    symbol: null,
    timeName: 'open time',
    timeOfDay: null,
    symbolName: 'symbol',
    names: { open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' },
  };
}

const CLOCK = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * The layout once the first data row is known: the volume column, and whether a `time` column beside
 * `date` holds the time of day (it is used only when its first value looks like HH:MM[:SS]).
 */
export function withVolume(header: HeaderInfo, volume: VolumeCandidate, firstRow: readonly string[]): CsvLayout {
  const clock = header.layout.timeOfDay;
  const timeOfDay = clock !== null && CLOCK.test(firstRow[clock] ?? '') ? clock : null;
  return { ...header.layout, timeOfDay, volume: volume.index, names: { ...header.layout.names, volume: volume.name } };
}
