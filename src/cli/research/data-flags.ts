import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** One instrument of a run as `--data` named it. */
export interface DataFlag {
  symbol: string;
  /** A file path or a synthetic:... spec. */
  spec: string;
  /** Named on --data (SYMBOL=spec) rather than by --symbol. */
  named?: boolean;
}

/** The most instruments one run takes (each is a source read bar by bar, aligned by time). */
export const MAX_INSTRUMENTS = 64;

const NAMED = /^([A-Za-z0-9][A-Za-z0-9._/:-]{0,31})=(.+)$/s;

/**
 * `--data` values: `file.csv` or `synthetic:...` (the instrument is `--symbol`), or `SYMBOL=file.csv` /
 * `SYMBOL=synthetic:...` (several instruments). The unnamed one, if any, comes first: it is the run's first
 * instrument. A path that exists is a path even when it holds an `=`.
 */
export function parseDataFlags(values: readonly string[], symbol: string | undefined): DataFlag[] {
  if (values.length === 0) throw new UsageError('--data is required: a CSV file, synthetic:..., or SYMBOL=<file> (repeatable)');
  if (values.length > MAX_INSTRUMENTS) throw new UsageError(`--data given ${values.length} times: at most ${MAX_INSTRUMENTS} instruments per run`);
  const unnamed: string[] = [];
  const named: DataFlag[] = [];
  for (const value of values) {
    const m = NAMED.exec(value);
    if (m && !value.startsWith('synthetic:') && !existsSync(value)) named.push({ symbol: m[1]!, spec: m[2]!, named: true });
    else unnamed.push(value);
  }
  if (unnamed.length > 1) {
    throw new UsageError(`--data ${unnamed[1]}: only one --data may go without a symbol (the --symbol one); name the others, e.g. --data ETH/USDT=${unnamed[1]}`);
  }
  const out: DataFlag[] = [];
  if (unnamed.length === 1) {
    if (symbol === undefined) throw new UsageError(`--data ${unnamed[0]} needs --symbol (or name it: --data SYMBOL=${unnamed[0]})`);
    out.push({ symbol, spec: unnamed[0]! });
  } else if (symbol !== undefined && symbolKey(symbol) !== symbolKey(named[0]!.symbol)) {
    throw new UsageError(`--symbol ${symbol}: the first --data names ${named[0]!.symbol}; give --symbol only for a --data without a name`);
  }
  out.push(...named);
  const seen = new Map<string, string>();
  for (const d of out) {
    const key = symbolKey(d.symbol);
    const before = seen.get(key);
    if (before !== undefined) throw new UsageError(`--data: instrument ${d.symbol} given twice (${before} and ${d.spec}): one dataset per instrument`);
    seen.set(key, d.spec);
  }
  return out;
}

/** "BTC/USD", "btc-usd" and "BTCUSD" name one instrument. */
export function symbolKey(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
