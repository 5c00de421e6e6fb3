import { describe, expect, it } from 'vitest';
import { atrInit, atrUpdate, atrValue, donchianInit, donchianUpdate, donchianValue, smaInit, smaUpdate, smaValue } from '../../src/engine/indicators/index.js';
import { col, hasVector, readVector, skipMessage } from './vectors.js';

// The worksheets print ATR to 10 significant digits and the channel/SMA to 2-6 decimals: compare within
// half a unit of the last printed digit (plus float noise).
const ATR_TOLERANCE = 1e-9 + 5e-10;
const DC_TOLERANCE = 1e-9;
const SMA_TOLERANCE = 5e-6 + 1e-9;

function checkAtr(file: string, period: number): void {
  const rows = readVector(file);
  let s = atrInit(period);
  let compared = 0;
  rows.forEach((row, i) => {
    s = atrUpdate(s, col(row, 'High'), col(row, 'Low'), col(row, 'Close'));
    expect(s.lastTrueRange).toBeCloseTo(col(row, 'TR'), 9);
    const expected = col(row, 'ATR');
    if (i < period - 1) {
      expect(atrValue(s)).toBeNull(); // the sheet prints 0 during warm-up
      expect(expected).toBe(0);
    } else {
      expect(Math.abs((atrValue(s) ?? Number.NaN) - expected)).toBeLessThanOrEqual(ATR_TOLERANCE * Math.max(1, expected));
      compared++;
    }
  });
  expect(compared).toBeGreaterThan(10);
}

describe('indicators against StockCharts reference vectors', () => {
  it.skipIf(!hasVector('cs-atr.csv'))('ATR(14), Wilder smoothing, matches cs-atr.csv', () => {
    checkAtr('cs-atr.csv', 14);
  });
  if (!hasVector('cs-atr.csv')) console.warn(skipMessage('cs-atr.csv'));

  it.skipIf(!hasVector('cs-atr2.csv'))('ATR(10) matches cs-atr2.csv', () => {
    checkAtr('cs-atr2.csv', 10);
  });
  if (!hasVector('cs-atr2.csv')) console.warn(skipMessage('cs-atr2.csv'));

  it.skipIf(!hasVector('cs-dc.csv'))('Donchian(20) including the current bar, and SMA(20) of close, match cs-dc.csv', () => {
    const rows = readVector('cs-dc.csv');
    let dc = donchianInit(20);
    let sma = smaInit(20);
    let compared = 0;
    for (const row of rows) {
      dc = donchianUpdate(dc, col(row, 'high'), col(row, 'low'));
      sma = smaUpdate(sma, col(row, 'close'));
      const upper = col(row, 'upper_band');
      if (Number.isNaN(upper)) {
        expect(donchianValue(dc)).toBeNull();
        expect(smaValue(sma)).toBeNull();
        continue;
      }
      const v = donchianValue(dc);
      expect(v).not.toBeNull();
      expect(Math.abs(v!.upper - upper)).toBeLessThanOrEqual(DC_TOLERANCE);
      expect(Math.abs(v!.lower - col(row, 'lower_band'))).toBeLessThanOrEqual(DC_TOLERANCE);
      expect(Math.abs(v!.middle - col(row, 'middle_band'))).toBeLessThanOrEqual(0.005 + 1e-9); // printed to 2 decimals
      expect(Math.abs(smaValue(sma)! - col(row, 'average'))).toBeLessThanOrEqual(SMA_TOLERANCE);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });
  if (!hasVector('cs-dc.csv')) console.warn(skipMessage('cs-dc.csv'));

  it.skipIf(!hasVector('cs-dc2.csv'))('Donchian(20) of the PRIOR 20 bars (read before the update) matches cs-dc2.csv', () => {
    const rows = readVector('cs-dc2.csv');
    let dc = donchianInit(20);
    let compared = 0;
    for (const row of rows) {
      const prior = donchianValue(dc);
      const upper = col(row, 'upper_band');
      if (Number.isNaN(upper)) expect(prior).toBeNull();
      else {
        expect(Math.abs(prior!.upper - upper)).toBeLessThanOrEqual(DC_TOLERANCE);
        expect(Math.abs(prior!.lower - col(row, 'lower_band'))).toBeLessThanOrEqual(DC_TOLERANCE);
        compared++;
      }
      dc = donchianUpdate(dc, col(row, 'high'), col(row, 'low'));
    }
    expect(compared).toBeGreaterThan(5);
  });
  if (!hasVector('cs-dc2.csv')) console.warn(skipMessage('cs-dc2.csv'));

  it.skipIf(!hasVector('cs-bbands.csv'))('SMA(20) matches the Bollinger middle band of cs-bbands.csv', () => {
    const rows = readVector('cs-bbands.csv');
    let sma = smaInit(20);
    let compared = 0;
    for (const row of rows) {
      sma = smaUpdate(sma, col(row, 'Close'));
      const expected = col(row, 'MiddleBand');
      if (Number.isNaN(expected)) expect(smaValue(sma)).toBeNull();
      else {
        expect(Math.abs(smaValue(sma)! - expected)).toBeLessThanOrEqual(5e-7 + 1e-9);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
  if (!hasVector('cs-bbands.csv')) console.warn(skipMessage('cs-bbands.csv'));
});
