import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EventDataInput, EventType } from '../src/events/catalog.js';
import type { NewEvent } from '../src/events/envelope.js';
import { createEvent } from '../src/events/event-factory.js';
import { SqliteEventStore } from '../src/events/store/sqlite/sqlite-event-store.js';
import type { DecodeMode } from '../src/projections/decode.js';
import { ProjectionRunner } from '../src/projections/runner.js';
import { benchDir, fmtInt, perSecond, type BenchModule, type BenchResult } from './support.js';

/**
 * Projection rebuild throughput: a full rebuild (SqliteEventStore.readAll -> decode -> every projection:
 * orders, positions, ledger, risk state, run index) against a raw better-sqlite3 read of the same rows
 * with JSON.parse of data and metadata, on one SQLite file filled through SqliteEventStore.append with a
 * backtest-like mix (run start, cycles, snapshots, intents, risk decisions, orders, acks, fills, denials,
 * unknown outcomes and their reconciliation, run end).
 *
 * Both decoders are measured: 'validate' (upcast + full validation of every event's data against its
 * schema, exactly as toTypedEvent/zod decides: accept-only fast validators first, zod for anything they
 * decline; see src/projections/decode.ts and src/events/fast-validate.ts) and 'trusted' (events at the
 * current schema version are not re-validated). Each side runs ROUNDS times, alternating, and the best
 * time of each counts. The bench checks that both decoders fold to the same state fingerprint.
 *
 * Ratios are taken on process CPU time (user + system), with wall-clock figures beside them: both sides
 * are single-threaded, synchronous SQLite reads on the main thread, so CPU time is their cost, while
 * wall time on a shared machine mostly measures the other tenants (we saw wall/CPU of 3-4x under load).
 *
 *   node dist/bench/run.js --only rebuild --events 1000000
 */

const ROUNDS = 2;
const APPEND_BATCH = 1000;
const RUNS = 4;
const GOAL = 0.5;

export interface RebuildFigures {
  name: string;
  /** Per side: the best CPU seconds and the best wall seconds over the rounds. */
  seconds: Record<'raw' | 'trusted' | 'validate', { cpu: number; wall: number }>;
  /** Events per second of the full rebuild with the trusted decoder (what `engine projections rebuild` uses). */
  ours: number;
  /** Events per second of the raw read + JSON.parse. */
  raw: number;
  /** ours / raw. */
  ratio: number;
  unit: string;
  /** Events per second with full validation, and its ratio. */
  validated: number;
  validatedRatio: number;
  fingerprint: string;
  fileMb: number;
}

/**
 * Fill `dir`/rebuild.db (or, with reuse, keep a file already holding exactly `events` events from an
 * earlier call) and measure.
 */
export async function benchRebuild(opts: { events: number; dir: string; log?: (line: string) => void; reuse?: boolean }): Promise<RebuildFigures> {
  const log = opts.log ?? (() => {});
  const file = path.join(opts.dir, 'rebuild.db');
  const store = SqliteEventStore.open(file);
  try {
    const head = await store.head();
    if (opts.reuse && head.position === opts.events) {
      log(`reusing ${file} (${fmtInt(head.position)} events)`);
    } else {
      if (head.position !== 0) throw new Error(`${file} already holds ${head.position} events`);
      const t0 = process.hrtime.bigint();
      const written = await fillLog(store, opts.events, log);
      log(`filled ${fmtInt(written)} events in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
    }
  } finally {
    await store.close();
  }

  const best = {
    raw: { cpu: Infinity, wall: Infinity },
    trusted: { cpu: Infinity, wall: Infinity },
    validate: { cpu: Infinity, wall: Infinity },
  };
  const keep = (side: keyof typeof best, t: Timing) => {
    best[side] = { cpu: Math.min(best[side].cpu, t.cpu), wall: Math.min(best[side].wall, t.wall) };
  };
  const fingerprints = new Set<string>();
  for (let round = 0; round < ROUNDS; round++) {
    const raw = timeRaw(file, opts.events);
    keep('raw', raw);
    const line = [`round ${round + 1}: raw ${fmt(raw)}`];
    for (const mode of ['trusted', 'validate'] as const) {
      const { timing, fingerprint } = await timeRebuild(file, opts.events, mode);
      keep(mode, timing);
      fingerprints.add(fingerprint);
      line.push(`${mode} ${fmt(timing)}`);
    }
    log(line.join('; '));
  }
  if (fingerprints.size !== 1) throw new Error(`rebuild bench: decoders disagree on the state (${[...fingerprints].join(', ')})`);
  const rawRate = perSecond(opts.events, best.raw.cpu);
  const trustedRate = perSecond(opts.events, best.trusted.cpu);
  const validatedRate = perSecond(opts.events, best.validate.cpu);
  return {
    name: 'rebuild',
    seconds: best,
    ours: trustedRate,
    raw: rawRate,
    ratio: trustedRate / rawRate,
    unit: 'events/s',
    validated: validatedRate,
    validatedRatio: validatedRate / rawRate,
    fingerprint: [...fingerprints][0]!,
    fileMb: statSync(file).size / 2 ** 20,
  };
}

export const rebuildBench: BenchModule = {
  name: 'rebuild',
  async run({ events, log }): Promise<BenchResult> {
    const tmp = benchDir('bench-rebuild-');
    try {
      const f = await benchRebuild({ events, dir: tmp.dir, log });
      const s = f.seconds;
      return {
        rows: [
          { label: 'rebuild, trusted decode (cpu s)', events, seconds: s.trusted.cpu },
          { label: 'rebuild, fully validated decode (cpu s)', events, seconds: s.validate.cpu },
          { label: 'raw read + JSON.parse (cpu s)', events, seconds: s.raw.cpu },
        ],
        ratios: [
          { label: 'rebuild ours/raw (trusted, cpu)', value: f.ratio, goal: GOAL },
          { label: 'rebuild ours/raw (validated, cpu)', value: f.validatedRatio, goal: GOAL },
        ],
        notes: [
          `wall clock s: trusted ${s.trusted.wall.toFixed(2)}, validated ${s.validate.wall.toFixed(2)}, raw ${s.raw.wall.toFixed(2)} ` +
            `(wall ratios ${(s.raw.wall / s.trusted.wall).toFixed(3)} / ${(s.raw.wall / s.validate.wall).toFixed(3)})`,
          `db file ${f.fileMb.toFixed(0)} MB, ${RUNS} runs, best of ${ROUNDS} alternating rounds, state fingerprint ${f.fingerprint.slice(0, 16)}`,
        ],
      };
    } finally {
      tmp.cleanup();
    }
  },
};

interface Timing {
  cpu: number;
  wall: number;
}

function startTimer(): () => Timing {
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    return { cpu: (cpu.user + cpu.system) / 1e6, wall: Number(process.hrtime.bigint() - wall0) / 1e9 };
  };
}

const fmt = (t: Timing) => `${t.cpu.toFixed(2)} s cpu / ${t.wall.toFixed(2)} s wall`;

export function timeRaw(file: string, expected: number): Timing {
  const db = new Database(file, { readonly: true });
  try {
    const stmt = db.prepare('SELECT position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash FROM events ORDER BY position');
    const stop = startTimer();
    let n = 0;
    let sink = 0;
    for (const row of stmt.iterate() as IterableIterator<{ data: string; metadata: string; position: number }>) {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const metadata = JSON.parse(row.metadata) as { runId: string };
      sink += metadata.runId.length + (data === null ? 0 : 1) + row.position;
      n++;
    }
    const timing = stop();
    if (n !== expected || sink === 0) throw new Error(`raw read saw ${n} events, expected ${expected}`);
    return timing;
  } finally {
    db.close();
  }
}

export async function timeRebuild(file: string, expected: number, decode: DecodeMode): Promise<{ timing: Timing; fingerprint: string }> {
  const store = SqliteEventStore.open(file, { readonly: true });
  try {
    const runner = new ProjectionRunner({ store, decode });
    const stop = startTimer();
    const r = await runner.rebuild();
    const timing = stop();
    if (r.eventsApplied !== expected) throw new Error(`rebuild folded ${r.eventsApplied} events, expected ${expected}`);
    return { timing, fingerprint: runner.fingerprint() };
  } finally {
    await store.close();
  }
}

/**
 * A deterministic backtest-shaped log of exactly `total` events over RUNS runs. Per cycle: CycleStarted,
 * MarketSnapshotRecorded, CycleCompleted; one cycle in four trades: IntentProposed, RiskDecisionMade,
 * then mostly OrderSubmitRequested, OrderAccepted and one or two OrderFilled, sometimes a denial or an
 * unknown outcome that is reconciled.
 */
async function fillLog(store: SqliteEventStore, total: number, log: (line: string) => void): Promise<number> {
  let written = 0;
  const perRun = Math.ceil(total / RUNS);
  for (let r = 0; r < RUNS && written < total; r++) {
    const runId = `bench-${r + 1}`;
    const budget = Math.min(perRun, total - written);
    const gen = new BacktestGenerator(runId, r + 1);
    let batch: NewEvent[] = [];
    let version: number | 'no_stream' = 'no_stream';
    const flush = async () => {
      if (batch.length === 0) return;
      version = (await store.append(`run-${runId}`, batch, version)).nextExpectedVersion;
      written += batch.length;
      batch = [];
    };
    for (let produced = 0; produced < budget; ) {
      const events = produced + 1 >= budget ? [gen.end()] : gen.cycle(budget - produced - 1);
      for (const e of events) batch.push(e);
      produced += events.length;
      if (batch.length >= APPEND_BATCH) await flush();
    }
    await flush();
    log(`run ${runId}: ${fmtInt(budget)} events`);
  }
  return written;
}

class BacktestGenerator {
  private seq = 0;
  private cycleSeq = 0;
  private orderSeq = 0;
  private fillSeq = 0;
  private price = 43_000;
  private state: number;
  private held = 0;
  private started = false;

  constructor(
    private readonly runId: string,
    seed: number,
  ) {
    this.state = 0x9e3779b9 ^ seed;
  }

  private rnd(): number {
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }

  private at(): string {
    return new Date(Date.UTC(2023, 0, 1) + this.cycleSeq * 60_000).toISOString();
  }

  private make<T extends EventType>(type: T, data: EventDataInput<T>): NewEvent {
    const n = this.seq++;
    const cycleId = this.started ? `${this.runId}:c${this.cycleSeq}` : null;
    return createEvent(type, `${this.runId}:${n}`, data, { runId: this.runId, mode: 'backtest', cycleId, causationId: null, at: this.at() });
  }

  /** The events of the next cycle, at most `room` of them (RunStarted first). */
  cycle(room: number): NewEvent[] {
    const out: NewEvent[] = [];
    if (!this.started) {
      out.push(this.make('RunStarted', {
        mode: 'backtest', strategy: 'sma-cross', params: { fast: '10', slow: '30' }, symbol: 'BTCUSDT', venue: 'sim', seed: '42',
        config: { fees: { bps: 10 } }, configHash: 'c'.repeat(64), data: null, eventsMode: 'full', initialCash: '1000000',
        quoteAsset: 'USDT', packageVersion: '0.1.0', gitCommit: null, armed: false,
      }));
      this.started = true;
      return out;
    }
    const c = this.cycleSeq;
    const open = this.price;
    const close = open * (1 + (this.rnd() - 0.5) * 0.004);
    this.price = close;
    const bar = {
      openTime: this.at(), open: open.toFixed(2), close: close.toFixed(2),
      high: (Math.max(open, close) * 1.0005).toFixed(2), low: (Math.min(open, close) * 0.9995).toFixed(2), volume: (this.rnd() * 50).toFixed(5),
    };
    out.push(this.make('CycleStarted', { cycleSeq: c, killSwitch: false }));
    out.push(this.make('MarketSnapshotRecorded', { interval: '1m', bars: [{ symbol: 'BTCUSDT', ...bar }] }));
    let orders = 0;
    if (c % 4 === 3 && room >= 12) {
      const side = this.held > 0 && this.rnd() < 0.5 ? 'SELL' : 'BUY';
      const qty = side === 'SELL' ? this.held : 0.01 + Math.floor(this.rnd() * 10) / 100;
      const q = qty.toFixed(2);
      const intentId = `${this.runId}:i${c}`;
      out.push(this.make('IntentProposed', { intentId, strategy: 'sma-cross', symbol: 'BTCUSDT', side, orderType: 'MARKET', qty: q, limitPrice: null, rationale: 'fast SMA crossed slow SMA', context: { fast: bar.close, slow: open.toFixed(2) } }));
      const deny = side === 'BUY' && this.rnd() < 0.1;
      out.push(this.make('RiskDecisionMade', { intentId, verdict: deny ? 'DENIED' : 'APPROVED', reasonCode: deny ? 'POSITION_CAP' : null, layer: deny ? 'RISK' : null, requestedQty: q, approvedQty: deny ? '0' : q, riskMode: 'NORMAL', context: { requested: q, limit: '1' } }));
      if (deny) {
        out.push(this.make('OrderDenied', { intentId, clientOrderId: null, reasonCode: 'POSITION_CAP', layer: 'RISK', context: { requested: q, limit: '1' } }));
      } else {
        orders = 1;
        const clientOrderId = `${this.runId}:o${++this.orderSeq}`;
        out.push(this.make('OrderSubmitRequested', { clientOrderId, intentId, symbol: 'BTCUSDT', side, orderType: 'MARKET', qty: q, limitPrice: null, attempt: 1 }));
        if (this.rnd() < 0.05) {
          out.push(this.make('OrderOutcomeUnknown', { clientOrderId, attempt: 1, cause: 'TIMEOUT', detail: 'no answer within 5000 ms' }));
          out.push(this.make('OrderReconciled', { clientOrderId, outcome: 'COMMITTED', reasonCode: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: `v${this.orderSeq}`, attempt: 1, notFoundStreak: 0 }));
        } else {
          out.push(this.make('OrderAccepted', { clientOrderId, venueOrderId: `v${this.orderSeq}` }));
        }
        const parts = this.rnd() < 0.3 ? 2 : 1;
        const qtyCents = Math.round(qty * 100);
        const first = parts === 2 ? Math.max(1, Math.floor(qtyCents / 2)) : qtyCents;
        for (const cents of parts === 2 && qtyCents > 1 ? [first, qtyCents - first] : [qtyCents]) {
          const fq = (cents / 100).toFixed(2);
          const notional = (cents / 100) * close;
          out.push(this.make('OrderFilled', {
            clientOrderId, venueOrderId: `v${this.orderSeq}`, fillId: `${this.runId}:f${++this.fillSeq}`, symbol: 'BTCUSDT', side,
            qty: fq, price: close.toFixed(2), fee: (notional * 0.001).toFixed(6), feeAsset: 'QUOTE', liquidity: 'TAKER', time: this.at(),
          }));
        }
        this.held = side === 'BUY' ? this.held + qty : 0;
      }
    }
    out.push(this.make('CycleCompleted', { cycleSeq: c, phaseMs: { data: 0, strategy: 0, risk: 0, execution: 0 }, intents: c % 4 === 3 ? 1 : 0, orders }));
    this.cycleSeq++;
    return out.slice(0, Math.max(1, room));
  }

  end(): NewEvent {
    return this.make('RunEnded', { reason: 'COMPLETED', cycles: this.cycleSeq, detail: null });
  }
}
