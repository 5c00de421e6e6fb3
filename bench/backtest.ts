import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { permissivePolicy } from '../src/engine/risk/permissive-policy.js';
import { createStrategy } from '../src/engine/strategies/index.js';
import { Decimal } from '../src/engine/values.js';
import { applyPragmas, createSchema } from '../src/events/store/sqlite/schema.js';
import { SqliteEventStore } from '../src/events/store/sqlite/sqlite-event-store.js';
import type { EventsMode } from '../src/replay/backtest/backtest-config.js';
import { DEFAULT_BATCH_SIZE, runBacktest } from '../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../src/replay/data/index.js';
import { benchDir, fmtInt, perSecond, type BenchModule } from './support.js';

/**
 * Backtest throughput (issue 3): 525,600 synthetic one-minute bars (a year) with sma-cross.
 * - full mode (3+ events per bar) in bars/s, against raw better-sqlite3 inserting the very rows the
 *   full run wrote (read back from its database outside the timed region) into an identical schema
 *   with the same pragmas and batch size: ratio = raw seconds / full seconds.
 * - decisions mode in bars/s.
 * - peak RSS of each, each mode in its own child process (process.resourceUsage().maxRSS).
 *
 *   node dist/bench/backtest.js [bars]          (or through bench/run.ts: --only backtest)
 */
const DEFAULT_BARS = 525_600;
const BATCH = DEFAULT_BATCH_SIZE;
const SELF = fileURLToPath(import.meta.url);

interface ChildReport {
  seconds: number;
  bars: number;
  events: number;
  peakRssMb: number;
  runId?: string;
  decisionFingerprint?: string;
}

export const backtestBench: BenchModule = {
  name: 'backtest',
  async run({ log }) {
    const bars = Number(process.env.BENCH_BARS ?? DEFAULT_BARS);
    const tmp = benchDir('bench-backtest-');
    try {
      const fullDb = path.join(tmp.dir, 'full.db');
      const full = child(['backtest', 'full', fullDb, String(bars)]);
      log(`full: ${fmtInt(full.bars)} bars, ${fmtInt(full.events)} events in ${full.seconds.toFixed(1)} s, peak RSS ${full.peakRssMb.toFixed(0)} MB`);
      const decisions = child(['backtest', 'decisions', path.join(tmp.dir, 'decisions.db'), String(bars)]);
      log(`decisions: ${fmtInt(decisions.events)} events in ${decisions.seconds.toFixed(1)} s, peak RSS ${decisions.peakRssMb.toFixed(0)} MB`);
      if (full.decisionFingerprint !== decisions.decisionFingerprint) throw new Error('full and decisions modes made different decisions');
      const raw = child(['raw', fullDb, path.join(tmp.dir, 'raw.db')]);
      log(`raw better-sqlite3: ${fmtInt(raw.events)} rows in ${raw.seconds.toFixed(1)} s`);
      return {
        rows: [
          { label: 'full mode (bars)', events: full.bars, seconds: full.seconds },
          { label: 'raw insert of the same rows (as bars)', events: full.bars, seconds: raw.seconds },
          { label: 'decisions mode (bars)', events: decisions.bars, seconds: decisions.seconds },
        ],
        ratios: [{ label: 'full-mode bars/s vs raw insert of its rows', value: raw.seconds / full.seconds, goal: 0.7 }],
        notes: [
          `full: ${fmtInt(perSecond(full.bars, full.seconds))} bars/s, ${fmtInt(full.events)} events, peak RSS ${full.peakRssMb.toFixed(0)} MB`,
          `decisions: ${fmtInt(perSecond(decisions.bars, decisions.seconds))} bars/s, ${fmtInt(decisions.events)} events, peak RSS ${decisions.peakRssMb.toFixed(0)} MB`,
          `raw: ${fmtInt(perSecond(raw.events, raw.seconds))} rows/s (${BATCH} rows per transaction)`,
        ],
      };
    } finally {
      tmp.cleanup();
    }
  },
};

/** BENCH_HEAP_MB caps the children's V8 old space (as `node --max-old-space-size`), to show the RSS bound with a heap cap. */
function child(args: string[]): ChildReport {
  const heap = process.env.BENCH_HEAP_MB ? [`--max-old-space-size=${Number(process.env.BENCH_HEAP_MB)}`] : [];
  const out = execFileSync(process.execPath, [...heap, SELF, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
}

async function childBacktest(mode: EventsMode, db: string, bars: number): Promise<ChildReport> {
  const store = SqliteEventStore.open(db, { create: true });
  const strategy = createStrategy('sma-cross', {});
  const t0 = process.hrtime.bigint();
  const r = await runBacktest(store, {
    settings: {
      symbol: 'SYN',
      quoteAsset: 'USD',
      strategy: strategy.name,
      params: strategy.params,
      seed: '42',
      fill: 'next-open',
      feeBps: new Decimal(10),
      slippageBps: new Decimal(5),
      participationCap: null,
      initialCash: new Decimal(100_000),
      qtyStep: new Decimal('0.0001'),
      minNotional: new Decimal(0),
      priceTick: new Decimal('0.01'),
      tz: 'UTC',
      risk: null,
    },
    source: openBarSource(`synthetic:bars=${bars},interval=1m,seed=7`, { symbol: 'SYN' }),
    strategy,
    policy: permissivePolicy,
    rateLimitWindowMs: null,
    eventsMode: mode,
    packageVersion: 'bench',
    gitCommit: null,
    batchSize: BATCH,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await store.close();
  return { seconds, bars, events: r.events, peakRssMb: process.resourceUsage().maxRSS / 1024, runId: r.runId, decisionFingerprint: r.decisionFingerprint };
}

type Row = [number, string, number, string, string, number, string, string, string, string];

function childRaw(source: string, target: string): ChildReport {
  const src = new Database(source, { readonly: true });
  const dst = new Database(target);
  applyPragmas(dst);
  createSchema(dst);
  const insert = dst.prepare<Row>('INSERT INTO events (position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertBatch = dst.transaction((rows: Row[]) => {
    for (const r of rows) insert.run(...r);
  });
  const page = src.prepare('SELECT position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash FROM events WHERE position > ? ORDER BY position LIMIT ?').raw();
  let after = 0;
  let rows = 0;
  let ns = 0n;
  for (;;) {
    const batch = page.all(after, BATCH) as Row[];
    if (batch.length === 0) break;
    const t0 = process.hrtime.bigint();
    insertBatch.immediate(batch);
    ns += process.hrtime.bigint() - t0;
    rows += batch.length;
    after = batch.at(-1)![0];
  }
  src.close();
  dst.close();
  return { seconds: Number(ns) / 1e9, bars: 0, events: rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function childMain(argv: string[]): Promise<void> {
  const [kind, a, b, c] = argv;
  let report: ChildReport;
  if (kind === 'backtest') report = await childBacktest(a as EventsMode, b!, Number(c));
  else if (kind === 'raw') report = childRaw(a!, b!);
  else throw new Error(`unknown child ${kind}`);
  console.log(JSON.stringify(report));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [first, ...rest] = process.argv.slice(2);
  if (first === 'backtest' || first === 'raw') await childMain([first, ...rest]);
  else {
    if (first) process.env.BENCH_BARS = first;
    const r = await backtestBench.run({ events: 0, log: (l) => console.log(l) });
    console.log(JSON.stringify(r, null, 2));
  }
}
