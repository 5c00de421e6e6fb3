import { describe, expect, it } from 'vitest';
import {
  bollingerInit,
  bollingerUpdate,
  bollingerValue,
  emaInit,
  emaUpdate,
  emaValue,
  macdInit,
  macdUpdate,
  macdValue,
  rsiInit,
  rsiUpdate,
  rsiValue,
  stdevInit,
  stdevUpdate,
  stdevValue,
} from '../../src/engine/indicators/index.js';
import { col, hasVector, readVector, skipMessage } from './vectors.js';

/**
 * EMA, MACD, RSI, Bollinger bands and the rolling standard deviation against the reference vectors of
 * ../shared/data/ta-vectors (the StockCharts worksheets the Python `ta` library tests against). The
 * sheets print 6 decimals (RSI, Bollinger) or 10 significant digits (MACD): tolerances are half a unit
 * of the last printed digit, plus float noise.
 */

const SIX_DECIMALS = 5e-7 + 1e-9;
const TEN_DIGITS = 1e-8;

function skipNote(file: string): void {
  if (!hasVector(file)) console.warn(skipMessage(file));
}

describe('EMA and MACD against cs-macd.csv (12/26/9)', () => {
  const file = 'cs-macd.csv';
  skipNote(file);

  it.skipIf(!hasVector(file))("EMA(12) and EMA(26) seeded with the first close (pandas ewm(adjust=False)) match every row of the sheet's EMAs", () => {
    const rows = readVector(file);
    let fast = emaInit(12, { seed: 'first' });
    let slow = emaInit(26, { seed: 'first' });
    let compared = 0;
    rows.forEach((row, i) => {
      fast = emaUpdate(fast, col(row, 'Close'));
      slow = emaUpdate(slow, col(row, 'Close'));
      // Reported from the period-th close on; the running average before that is the sheet's column too.
      expect(emaValue(fast) === null).toBe(i < 11);
      expect(Math.abs(fast.average! - col(row, 'short_ema'))).toBeLessThanOrEqual(TEN_DIGITS);
      expect(Math.abs(slow.average! - col(row, 'long_ema'))).toBeLessThanOrEqual(TEN_DIGITS);
      compared++;
    });
    expect(compared).toBe(rows.length);
  });

  it.skipIf(!hasVector(file))('the SMA-seeded EMA(26) differs from the sheet by a term that shrinks by exactly (1 - 2/27) per close', () => {
    const rows = readVector(file);
    let slow = emaInit(26);
    let prevGap: number | null = null;
    let checked = 0;
    rows.forEach((row, i) => {
      slow = emaUpdate(slow, col(row, 'Close'));
      if (i < 25) return expect(emaValue(slow)).toBeNull();
      const gap = emaValue(slow)! - col(row, 'long_ema');
      if (i === 25) expect(Math.abs(gap)).toBeGreaterThan(1e-3); // the seeds really differ
      if (prevGap !== null) {
        expect(Math.abs(gap - prevGap * (1 - 2 / 27))).toBeLessThanOrEqual(2 * TEN_DIGITS);
        checked++;
      }
      prevGap = gap;
    });
    expect(checked).toBeGreaterThan(90);
  });

  it.skipIf(!hasVector(file))('MACD line matches every row once defined; signal and histogram converge to the sheet by the signal EMA recurrence', () => {
    const rows = readVector(file);
    let s = macdInit({ fast: 12, slow: 26, signal: 9, seed: 'first' });
    const alpha = 2 / 10;
    let prevGap: number | null = null;
    let lineRows = 0;
    let recurrenceRows = 0;
    rows.forEach((row, i) => {
      s = macdUpdate(s, col(row, 'Close'));
      if (i >= 25) {
        expect(Math.abs(s.line! - col(row, 'MACD_line'))).toBeLessThanOrEqual(TEN_DIGITS);
        lineRows++;
      } else expect(s.line).toBeNull();
      const v = macdValue(s);
      if (i < 33) return expect(v).toBeNull(); // slow + signal - 1 closes
      expect(v!.histogram).toBeCloseTo(v!.macd - v!.signal, 12);
      // The sheet seeds its signal EMA elsewhere (row 3): the gap between the two signals must follow
      // gap' = (1 - alpha) x gap exactly (same recurrence, same inputs), and be gone by the end.
      const gap = v!.signal - col(row, 'MACD_signal');
      expect(Math.abs(v!.histogram - col(row, 'MACD_diff') + gap)).toBeLessThanOrEqual(2 * TEN_DIGITS);
      if (prevGap !== null) {
        expect(Math.abs(gap - prevGap * (1 - alpha))).toBeLessThanOrEqual(2 * TEN_DIGITS);
        recurrenceRows++;
      }
      prevGap = gap;
      if (i >= rows.length - 10) expect(Math.abs(gap)).toBeLessThanOrEqual(TEN_DIGITS);
    });
    expect(lineRows).toBe(rows.length - 25);
    expect(recurrenceRows).toBe(rows.length - 34);
  });
});

describe('RSI against cs-rsi.csv (14)', () => {
  const file = 'cs-rsi.csv';
  skipNote(file);

  it.skipIf(!hasVector(file))("the 'zero' seed (the `ta` library's) matches every RSI row and the sheet's average gain and loss", () => {
    const rows = readVector(file);
    let s = rsiInit(14, { seed: 'zero' });
    let compared = 0;
    rows.forEach((row, i) => {
      s = rsiUpdate(s, col(row, 'Close'));
      expect(Math.abs(s.gain.average! - col(row, 'Avg Gain'))).toBeLessThanOrEqual(SIX_DECIMALS);
      expect(Math.abs(s.loss.average! - col(row, 'Avg Loss'))).toBeLessThanOrEqual(SIX_DECIMALS);
      const expected = col(row, 'RSI');
      if (Number.isNaN(expected)) return expect(rsiValue(s)).toBeNull();
      expect(Math.abs(rsiValue(s)! - expected)).toBeLessThanOrEqual(SIX_DECIMALS);
      compared++;
    });
    expect(compared).toBe(rows.length - 14);
  });

  it.skipIf(!hasVector(file))("Wilder's SMA seed: first value after 14 changes; its average gain differs from the sheet's by a term shrinking by 13/14 per close", () => {
    const rows = readVector(file);
    let s = rsiInit(14);
    let prevGap: number | null = null;
    let checked = 0;
    rows.forEach((row, i) => {
      s = rsiUpdate(s, col(row, 'Close'));
      const v = rsiValue(s);
      if (i < 14) return expect(v).toBeNull();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
      const gap = s.gain.average! - col(row, 'Avg Gain');
      if (prevGap !== null) {
        expect(Math.abs(gap - (prevGap * 13) / 14)).toBeLessThanOrEqual(2 * SIX_DECIMALS);
        checked++;
      }
      prevGap = gap;
    });
    expect(checked).toBe(rows.length - 15);
  });
});

describe('Bollinger bands and the rolling standard deviation against cs-bbands.csv (20, 2)', () => {
  const file = 'cs-bbands.csv';
  skipNote(file);

  it.skipIf(!hasVector(file))('middle, population deviation, bands, width and %B match every row', () => {
    const rows = readVector(file);
    let s = bollingerInit(20, 2);
    let pop = stdevInit(20, { ddof: 0 });
    let sample = stdevInit(20);
    let compared = 0;
    for (const row of rows) {
      s = bollingerUpdate(s, col(row, 'Close'));
      pop = stdevUpdate(pop, col(row, 'Close'));
      sample = stdevUpdate(sample, col(row, 'Close'));
      const middle = col(row, 'MiddleBand');
      const b = bollingerValue(s);
      if (Number.isNaN(middle)) {
        expect(b).toBeNull();
        expect(stdevValue(pop)).toBeNull();
        continue;
      }
      const sd = col(row, '20-day Standard Deviation');
      expect(Math.abs(b!.middle - middle)).toBeLessThanOrEqual(SIX_DECIMALS);
      expect(Math.abs(b!.stdev - sd)).toBeLessThanOrEqual(SIX_DECIMALS);
      expect(Math.abs(stdevValue(pop)! - sd)).toBeLessThanOrEqual(SIX_DECIMALS);
      // The sample deviation of the same window is the population one x sqrt(n / (n - 1)), and not the sheet's.
      expect(stdevValue(sample)!).toBeCloseTo(stdevValue(pop)! * Math.sqrt(20 / 19), 10);
      expect(Math.abs(stdevValue(sample)! - sd)).toBeGreaterThan(1e-3);
      expect(Math.abs(b!.upper - col(row, 'HighBand'))).toBeLessThanOrEqual(SIX_DECIMALS);
      expect(Math.abs(b!.lower - col(row, 'LowBand'))).toBeLessThanOrEqual(SIX_DECIMALS);
      expect(Math.abs(b!.bandwidth * 100 - col(row, 'WidthBand'))).toBeLessThanOrEqual(SIX_DECIMALS); // the sheet prints a percentage
      expect(Math.abs(b!.percentB! - col(row, 'PercentageBand'))).toBeLessThanOrEqual(SIX_DECIMALS);
      compared++;
    }
    expect(compared).toBe(rows.length - 19);
  });
});
