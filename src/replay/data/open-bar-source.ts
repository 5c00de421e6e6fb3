import type { BarSource, BarSourceOptions } from './bar-source.js';
import { CsvBarSource } from './csv/csv-bar-source.js';
import { DataError } from './data-error.js';
import { SyntheticBarSource } from './synthetic/synthetic-bar-source.js';
import { isSyntheticSpec, parseSyntheticSpec } from './synthetic/synthetic-spec.js';
import { isValidTimeZone, makeTimestampParser } from './timestamp-text.js';

/**
 * The data behind `--data`: `synthetic:key=value,...` (see synthetic-spec.ts) or a CSV file path,
 * whose flavour (OHLCV with a header, optional banner line, or a headerless Binance kline export) is
 * detected from its content. Spec problems throw a DataError at once; file problems surface in scan().
 */
export function openBarSource(spec: string, options: BarSourceOptions = {}): BarSource {
  const tz = options.tz ?? 'UTC';
  if (!isValidTimeZone(tz)) {
    throw new DataError(spec, null, null, `unknown time zone "${tz}" (expected an IANA name such as America/New_York)`);
  }
  if (isSyntheticSpec(spec)) {
    const params = parseSyntheticSpec(spec, options.symbol === undefined ? { tz } : { tz, symbol: options.symbol });
    return new SyntheticBarSource(spec, params);
  }
  if (spec.trim() === '') throw new DataError('--data', null, null, 'empty data spec: give a CSV path or synthetic:...');
  return new CsvBarSource(spec, spec, makeTimestampParser(tz), {
    strictOrder: options.strictOrder ?? false,
    symbolHint: options.symbol ?? null,
    reference: options.reference ?? false,
  });
}
