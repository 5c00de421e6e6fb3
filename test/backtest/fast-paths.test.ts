import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { permissivePolicy } from '../../src/engine/risk/permissive-policy.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { Decimal } from '../../src/engine/values.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { generateBars } from '../../src/replay/data/synthetic/gbm-generator.js';
import { parseSyntheticSpec } from '../../src/replay/data/synthetic/synthetic-spec.js';
import { PROJECT_ROOT, tempDir } from '../support.js';
import { engine, storedLines } from './cli-support.js';

/**
 * Issue 15 made backtests faster without changing a byte of what they record. Two kinds of evidence:
 * - runs whose fingerprints were taken with the code before that work (commit cb51940), pinned here: the
 *   same inputs must still give exactly those fingerprints (the log's every event, envelope and data);
 * - generated data read through the fast CSV paths and through the reference path (csv-parse and
 *   recordToBar, `reference: true`) must give byte-identical logs, hashes included, and fingerprints.
 */
const tmp = tempDir('engine-fast-paths-');
afterAll(tmp.cleanup);
let n = 0;
const dbPath = () => path.join(tmp.dir, `run${n++}.db`);

/**
 * RunStarted records the data file's absolute path, so a pinned fingerprint of a file run holds only for one
 * path: the fixtures are copied to a fixed one (the same on every machine and checkout). The values were
 * computed by the code before issue 15 (cb51940) with the fixtures at that path.
 */
const PINNED_DIR = '/tmp/engine-pinned-fixtures';
function pinnedFixture(name: string): string {
  mkdirSync(PINNED_DIR, { recursive: true });
  const to = path.join(PINNED_DIR, name);
  copyFileSync(path.join(PROJECT_ROOT, 'fixtures', name), to);
  return to;
}

const PINNED: Array<{ args: string[]; fingerprint: string; decisionFingerprint: string; events: number }> = [
  {
    args: ['--data', 'synthetic:bars=5000,interval=1m,seed=3', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--seed', '1', '--events', 'full'],
    fingerprint: 'd6d6a223826168a4568940b459438c0e2be8c3f0d36e0d9c77f0186e8ea0937f',
    decisionFingerprint: '78310200bdcb3ff59ba549e792ed6d42065249ee9dfc5dfd1d51267cdd4f1650',
    events: 6235,
  },
  {
    args: ['--data', 'synthetic:bars=5000,interval=1m,seed=3', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--seed', '1', '--events', 'decisions'],
    fingerprint: 'fc4f9459dfe04fac0236bee1406b4797b5cccd08aaf0b9f00e22e92e6beb5192',
    decisionFingerprint: '78310200bdcb3ff59ba549e792ed6d42065249ee9dfc5dfd1d51267cdd4f1650',
    events: 1235,
  },
  {
    args: ['--data', pinnedFixture('syn-1h-500.csv'), '--symbol', 'SYN', '--strategy', 'donchian-breakout', '--param', 'entry=10', '--param', 'exit=5', '--seed', '2', '--fill', 'close', '--fee-bps', '5', '--slippage-bps', '2', '--events', 'full'],
    fingerprint: 'a5808e39f0779316eaa5e191e24907dd9fee8ddfe1eabd6932fc374518979052',
    decisionFingerprint: '049faddceefbaa17d1dc4cfa6e5bf9edcc2dd5f371d27852f531b0e605edf03f',
    events: 625,
  },
  {
    args: ['--data', pinnedFixture('syn-1m-binance-klines.csv'), '--symbol', 'BTCUSDT', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--seed', '4', '--events', 'full'],
    fingerprint: 'd1a854503fdcd438aa3dd26eacc8e8ec946d1b69edb8f6232edcfe6c85beda50',
    decisionFingerprint: '38bff762a4f98953180e16e6d40fb5f50d6f19438fc03219162fbe9af4e8b7fe',
    events: 423,
  },
  {
    // The quick start: 738 fills, 106 reserve allocations, 14 risk-mode changes (drawdown breaches and cool-offs).
    args: ['--data', 'synthetic:bars=20000,interval=1h,seed=7', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '42', '--events', 'full'],
    fingerprint: 'b3f287edb86754ab78fc4a3113b048e8441eaa701ad632f5a84739a2ba7ebd6f',
    decisionFingerprint: 'a15a5617c760650babf604e54febb8856997d3ac9ee9a30972b759df03044d10',
    events: 23834,
  },
];

describe('the fast paths record exactly what the engine recorded before them', () => {
  it.each(PINNED.map((p, i) => [i, p] as const))('pinned run %i: same fingerprints as before issue 15', async (_i, p) => {
    const r = await engine(['backtest', ...p.args, '--db', dbPath(), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { fingerprint: string; decisionFingerprint: string; events: number };
    expect({ fingerprint: out.fingerprint, decisionFingerprint: out.decisionFingerprint, events: out.events }).toEqual({
      fingerprint: p.fingerprint,
      decisionFingerprint: p.decisionFingerprint,
      events: p.events,
    });
  }, 120_000);
});

/** A CSV of generated bars in one of the shapes the fast paths take (and some they hand to the reference). */
function writeCsv(file: string, spec: string, shape: { time: 'iso' | 'epoch' | 'naive'; zeros: boolean; crlf: boolean; reversed: boolean }): void {
  const bars = [...generateBars(parseSyntheticSpec(spec, { tz: 'UTC' }))];
  if (shape.reversed) bars.reverse();
  const num = (d: Decimal) => (shape.zeros && d.decimalPlaces() < 6 ? d.toFixed(6) : d.toFixed());
  const time = (ms: number) => (shape.time === 'iso' ? new Date(ms).toISOString() : shape.time === 'epoch' ? String(ms) : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));
  const lines = ['date,open,high,low,close,volume', ...bars.map((b) => [time(b.time), num(b.open), num(b.high), num(b.low), num(b.close), num(b.volume)].join(','))];
  const eol = shape.crlf ? '\r\n' : '\n';
  writeFileSync(file, lines.join(eol) + eol);
}

async function backtestLog(csv: string, reference: boolean, fill: 'next-open' | 'close', fast: number, slow: number, events: 'full' | 'decisions') {
  const db = dbPath();
  const store = SqliteEventStore.open(db, { create: true });
  const strategy = createStrategy('sma-cross', { fast: String(fast), slow: String(slow) });
  try {
    const r = await runBacktest(store, {
      settings: {
        symbol: 'SYN',
        quoteAsset: 'USD',
        strategy: strategy.name,
        params: strategy.params,
        seed: '7',
        fill,
        feeBps: new Decimal(10),
        slippageBps: new Decimal(5),
        participationCap: null,
        initialCash: new Decimal(10_000),
        qtyStep: new Decimal('0.0001'),
        minNotional: new Decimal(0),
        priceTick: new Decimal('0.01'),
        tz: 'UTC',
        risk: null,
      },
      source: openBarSource(csv, { symbol: 'SYN', reference }),
      dataSource: 'data.csv',
      strategy,
      policy: permissivePolicy,
      rateLimitWindowMs: null,
      eventsMode: events,
      packageVersion: 'test',
      gitCommit: null,
      batchSize: 97,
    });
    return { fingerprint: r.fingerprint, decisionFingerprint: r.decisionFingerprint, lines: await storedLines(db), intents: r.intents };
  } finally {
    await store.close();
  }
}

describe('generated data: the fast CSV paths and the reference path give byte-identical logs', () => {
  it('every stored event, hash and fingerprint', async () => {
    let traded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60, max: 1500 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.record({ time: fc.constantFrom('iso' as const, 'epoch' as const, 'naive' as const), zeros: fc.boolean(), crlf: fc.boolean(), reversed: fc.boolean() }),
        fc.constantFrom('next-open' as const, 'close' as const),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom('full' as const, 'decisions' as const),
        async (bars, seed, shape, fill, fast, events) => {
          const csv = path.join(tmp.dir, `data${n++}.csv`);
          writeCsv(csv, `synthetic:bars=${bars},interval=1m,seed=${seed},symbol=SYN`, shape);
          const a = await backtestLog(csv, false, fill, fast, fast * 3, events);
          const b = await backtestLog(csv, true, fill, fast, fast * 3, events);
          expect(a.lines.length).toBeGreaterThan(1);
          expect(a.lines).toEqual(b.lines);
          expect(a.fingerprint).toBe(b.fingerprint);
          expect(a.decisionFingerprint).toBe(b.decisionFingerprint);
          if (a.intents > 0) traded++;
        },
      ),
      { numRuns: Number(process.env.ENGINE_FAST_PATH_RUNS ?? 12), seed: 1515 },
    );
    expect(traded).toBeGreaterThan(0);
  }, 300_000);
});
