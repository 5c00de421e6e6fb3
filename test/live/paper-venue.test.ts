import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/engine/clocks.js';
import { PaperVenue, type PaperVenueConfig, type VenueStateFile } from '../../src/engine/venues/simulated/paper-venue.js';
import { atomicStateFile } from '../../src/cli/live-ports.js';
import { tempDir } from '../support.js';
import { memoryStateFile } from './harness.js';

const CONFIG: PaperVenueConfig = {
  symbol: 'SYN',
  baseAsset: 'SYN',
  quoteAsset: 'USD',
  initialBalances: { USD: new Decimal(10_000) },
  startPrice: new Decimal(100),
  walk: { seed: 'pv', volatility: 0.01, barVolume: new Decimal(50), priceDecimals: 2 },
  rules: { slippageBps: new Decimal(5), feeBps: new Decimal(10), participationCap: new Decimal('0.1'), qtyStep: new Decimal('0.01') },
  barIntervalMs: 1000,
  random: new SeededRandom('pv'),
};

type Step = { kind: 'tick' } | { kind: 'buy'; qty: number } | { kind: 'sell'; qty: number } | { kind: 'cancel'; n: number };

async function play(venue: PaperVenue, steps: Step[], t0: number, ids: { n: number }) {
  const out: unknown[] = [];
  let t = t0;
  for (const s of steps) {
    if (s.kind === 'tick') {
      const snap = venue.tick((t += 1000));
      out.push(['bar', snap.bars[0]!.bar.time, snap.bars[0]!.bar.close.toFixed()]);
    } else if (s.kind === 'cancel') {
      out.push(['cancel', (await venue.cancel(`o-${s.n % Math.max(1, ids.n)}`)).kind]);
    } else {
      const r = await venue.submit({ clientOrderId: `o-${ids.n++}`, symbol: 'SYN', side: s.kind === 'buy' ? 'BUY' : 'SELL', orderType: 'MARKET', qty: new Decimal(s.qty), limitPrice: null });
      out.push(['submit', r.kind]);
    }
  }
  const balances = Object.fromEntries(Object.entries(await venue.balances()).map(([k, v]) => [k, v.toFixed()]));
  const book = venue.book().map((o) => [o.clientOrderId, o.status, o.filledQty.toFixed()]);
  return { out, balances, book, fills: venue.fills().map((f) => f.fillId) };
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'tick' }),
  fc.integer({ min: 1, max: 20 }).map((q): Step => ({ kind: 'buy', qty: q })),
  fc.integer({ min: 1, max: 20 }).map((q): Step => ({ kind: 'sell', qty: q })),
  fc.nat(10).map((n): Step => ({ kind: 'cancel', n })),
);

describe('paper venue', () => {
  it('a venue reopened from its state file at any point goes on exactly as the one that never stopped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), fc.array(step, { maxLength: 25 }), async (before, after) => {
        const straight = memoryStateFile();
        const ids1 = { n: 0 };
        const a = new PaperVenue(CONFIG, straight);
        await play(a, before, 0, ids1);
        const expected = await play(a, after, 1_000_000, ids1);

        const file = memoryStateFile();
        const ids2 = { n: 0 };
        await play(new PaperVenue(CONFIG, file), before, 0, ids2);
        const reopened = new PaperVenue(CONFIG, { ...file, read: () => file.text } as VenueStateFile);
        // A reopened venue reports every fill it ever made once more (at least once delivery).
        expect((await reopened.pollFills()).map((f) => f.fillId)).toEqual(reopened.fills().map((f) => f.fillId));
        const got = await play(reopened, after, 1_000_000, ids2);
        expect(got).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('engine-state-file-');
});
afterEach(() => tmp.cleanup());

describe('atomic state file', () => {
  it('replaces the file whole and leaves no temporary file behind', () => {
    const file = path.join(tmp.dir, 'venue.json');
    const f = atomicStateFile(file);
    expect(f.read()).toBeNull();
    f.write('{"a":1}');
    f.write('{"a":2}');
    expect(f.read()).toBe('{"a":2}');
    expect(readdirSync(tmp.dir)).toEqual(['venue.json']);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
  });
});
