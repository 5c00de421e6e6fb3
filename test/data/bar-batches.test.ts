import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { AlignedBars } from '../../src/replay/backtest/aligned-bars.js';
import { type BarSource, batchesOf, openBarSource } from '../../src/replay/data/index.js';
import { WindowedBarSource } from '../../src/replay/sweep/windowed-source.js';
import { collect, csvWriter } from './helpers.js';

const write = csvWriter();
const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

async function flatBatches(source: BarSource): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const batch of batchesOf(source)) {
    expect(batch.length).toBeGreaterThan(0);
    out.push(...batch);
  }
  return out;
}

const text = (bars: Bar[]) => bars.map((b) => `${b.time} ${b.open} ${b.high} ${b.low} ${b.close} ${b.volume}`);

/** An OHLCV file of n minute bars, oldest first or newest first (the latter is read through the row index). */
function csvOf(n: number, newestFirst: boolean, seed: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = 100 + ((i * 7 + seed) % 13) / 4;
    rows.push(`${new Date(T0 + i * MINUTE).toISOString()},${p},${p + 1},${p - 1},${p + 0.5},${(i % 5) + 1}`);
  }
  if (newestFirst) rows.reverse();
  return `time,open,high,low,close,volume\n${rows.join('\n')}\n`;
}

describe('bars a batch at a time', () => {
  it('a CSV source gives the same bars in batches as one by one (plain and indexed reads, any length)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1500 }), fc.boolean(), fc.nat(100), async (n, newestFirst, seed) => {
        const file = write(`b-${n}-${newestFirst}-${seed}.csv`, csvOf(n, newestFirst, seed));
        const source = openBarSource(file);
        await source.scan();
        const batched = await flatBatches(source);
        expect(batched).toHaveLength(n);
        expect(text(batched)).toEqual(text(await collect(source)));
      }),
      { numRuns: 25 },
    );
  });

  it('synthetic data and walk-forward windows give the same bars in batches as one by one', async () => {
    const synthetic = openBarSource('synthetic:bars=1000,interval=1m,start=2024-01-01T00:00:00Z,seed=3,symbol=SYN,price=100');
    expect(text(await flatBatches(synthetic))).toEqual(text(await collect(synthetic)));
    const file = write('w.csv', csvOf(2000, false, 1));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -10, max: 2010 }), fc.integer({ min: 0, max: 2020 }), async (a, len) => {
        const window = new WindowedBarSource(openBarSource(file), T0 + a * MINUTE, T0 + (a + len) * MINUTE);
        expect(text(await flatBatches(window))).toEqual(text(await collect(window)));
      }),
      { numRuns: 30 },
    );
  });

  it('aligning batches gives the same times and bars as aligning bars one by one', async () => {
    const a = write('a.csv', csvOf(700, false, 2));
    const b = write('b.csv', csvOf(300, true, 5));
    const run = async (batched: boolean) => {
      const sources = [openBarSource(a), openBarSource(b)];
      for (const s of sources) await s.scan();
      const aligned = new AlignedBars(sources.map((s, i) => (batched ? { symbol: `S${i}`, batches: batchesOf(s) } : { symbol: `S${i}`, bars: s.bars() })));
      const out: string[] = [];
      for (let step = await aligned.next(); step !== null; step = await aligned.next()) {
        out.push(`${step.time}: ${step.bars.map((x) => `${x.symbol}=${x.bar.close}`).join(' ')}`);
      }
      return out;
    };
    const batched = await run(true);
    expect(batched).toHaveLength(700);
    expect(batched).toEqual(await run(false));
  });
});
