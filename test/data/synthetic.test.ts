import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarHasher } from '../../src/replay/data/bar-hasher.js';
import { DataError, openBarSource, SYNTHETIC_DEFAULTS } from '../../src/replay/data/index.js';
import { PROJECT_ROOT } from '../support.js';
import { collect } from './helpers.js';

const SPEC = 'synthetic:bars=2000,interval=1m,start=2024-01-01T00:00:00Z,seed=7,symbol=SYN,price=100';

describe('synthetic data is deterministic', () => {
  it('the same spec gives the same bars and hash; the scan hash is the hash of the bars', async () => {
    const [a, b] = [openBarSource(SPEC), openBarSource(SPEC)];
    const [scanA, scanB] = [await a.scan(), await b.scan()];
    expect(scanA).toEqual(scanB);
    const [barsA, barsB] = [await collect(a), await collect(b)];
    expect(barsA.map((x) => `${x.time} ${x.open} ${x.high} ${x.low} ${x.close} ${x.volume}`)).toEqual(
      barsB.map((x) => `${x.time} ${x.open} ${x.high} ${x.low} ${x.close} ${x.volume}`),
    );
    const hasher = new BarHasher();
    barsA.forEach((x) => hasher.add(x));
    expect(scanA.hash).toBe(hasher.digest());
    expect(scanA).toMatchObject({ symbol: 'SYN', interval: '1m', intervalMs: 60_000, barCount: 2000, firstBarTime: Date.UTC(2024, 0, 1) });
    expect(scanA.lastBarTime).toBe(Date.UTC(2024, 0, 1) + 1999 * 60_000);
  });

  it('a different seed (or any other parameter) gives different bars', async () => {
    const base = (await openBarSource(SPEC).scan()).hash;
    for (const change of ['seed=8', 'price=101', 'interval=5m', 'vol=0.6', 'jumps=5000', 'drift=0.5']) {
      const key = change.split('=')[0] ?? '';
      const spec = SPEC.includes(`${key}=`) ? SPEC.replace(new RegExp(`${key}=[^,]*`), change) : `${SPEC},${change}`;
      expect((await openBarSource(spec).scan()).hash, change).not.toBe(base);
    }
  });

  const distIndex = path.join(PROJECT_ROOT, 'dist/src/replay/data/index.js');
  it.skipIf(!existsSync(distIndex))('another process computes the same hash (needs the compiled dist/)', async () => {
    const script = `import { openBarSource } from ${JSON.stringify(distIndex)}; console.log((await openBarSource(${JSON.stringify(SPEC)}).scan()).hash);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    expect(out).toBe((await openBarSource(SPEC).scan()).hash);
  });
});

describe('synthetic bars are well-formed (property)', () => {
  it('OHLC-consistent, positive, on the price grid, contiguous and evenly spaced', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          bars: fc.integer({ min: 1, max: 300 }),
          interval: fc.constantFrom('1s', '1m', '5m', '1h', '4h', '1d', '1w'),
          seed: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
          price: fc.constantFrom('0.01', '0.5', '1', '37.25', '100', '65000', '250000'),
          decimals: fc.integer({ min: 0, max: 8 }),
          vol: fc.double({ min: 0, max: 4, noNaN: true }).map((v) => v.toFixed(3)),
          drift: fc.double({ min: -2, max: 2, noNaN: true }).map((v) => v.toFixed(3)),
          jumps: fc.constantFrom('0', '12', '500', '10000'),
        }),
        async (p) => {
          const spec = `synthetic:${Object.entries(p).map(([k, v]) => `${k}=${v}`).join(',')}`;
          const source = openBarSource(spec);
          const bars = await collect(source);
          expect(bars.length).toBe(p.bars);
          const step = (await source.scan()).intervalMs ?? 0;
          bars.forEach((b, i) => {
            const ok =
              b.low.gt(0) &&
              b.low.lte(b.open) &&
              b.low.lte(b.close) &&
              b.high.gte(b.open) &&
              b.high.gte(b.close) &&
              b.volume.gt(0) &&
              [b.open, b.high, b.low, b.close].every((d) => d.decimalPlaces() <= p.decimals) &&
              (i === 0 || (b.time - (bars[i - 1]?.time ?? 0) === step && b.open.eq(bars[i - 1]?.close ?? 0)));
            if (!ok) throw new Error(`bar ${i} of ${spec} is malformed: ${JSON.stringify(b)}`);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('synthetic spec', () => {
  it('every key but one is optional, with the documented defaults', async () => {
    const scan = await openBarSource('synthetic:seed=1').scan();
    expect(scan).toMatchObject({
      barCount: Number(SYNTHETIC_DEFAULTS.bars),
      interval: SYNTHETIC_DEFAULTS.interval,
      symbol: SYNTHETIC_DEFAULTS.symbol,
      firstBarTime: Date.parse(SYNTHETIC_DEFAULTS.start),
    });
    expect(scan.hash).toBe((await openBarSource(`synthetic:bars=${SYNTHETIC_DEFAULTS.bars}`).scan()).hash);
    expect((await openBarSource('synthetic:bars=3', { symbol: 'XYZ' }).scan()).symbol).toBe('XYZ');
  });

  it.each([
    ['synthetic:bars=10,color=red', 'color', /unknown key \(allowed: bars, interval, start, seed/],
    ['synthetic:bars=ten', 'bars', /whole number/],
    ['synthetic:bars=0', 'bars', /1 to/],
    ['synthetic:interval=fortnight', 'interval', /interval like 1m/],
    ['synthetic:start=yesterday', 'start', /ISO time/],
    ['synthetic:price=-5', 'price', /.+/],
    ['synthetic:decimals=12', 'decimals', /0 to 8/],
    ['synthetic:bars=5,bars=6', 'bars', /given twice/],
    ['synthetic:seed=a b', 'seed', /letters, digits/],
  ])('%s is rejected naming %s', (spec, field, reason) => {
    let error: unknown = null;
    try {
      openBarSource(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).field).toBe(field);
    expect((error as DataError).reason).toMatch(reason);
    expect((error as DataError).message).toBe(`${spec}: field "${field}": ${(error as DataError).reason}`);
  });

  it('rejects a part without "="', () => {
    expect(() => openBarSource('synthetic:bars')).toThrow(/expected key=value, got "bars"/);
  });
});
