import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { type AnyStoredEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { foldEvents } from '../../src/projections/projection-state.js';
import { nonTerminalOrders } from '../../src/projections/orders/orders-projection.js';
import type { Emulator } from '../support/exchange-emulator/index.js';
import { CLI as BUILT_CLI } from '../support.js';

/** ENGINE_TEST_CLI: a private build of the CLI, when dist/ is being rebuilt by others. */
export const CLI = process.env.ENGINE_TEST_CLI ?? BUILT_CLI;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child: this one's without any ENGINE_* variable, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ENGINE_')) env[k] = v;
  return { ...env, ENGINE_LOG_LEVEL: 'info', ...extra };
}

/**
 * `engine <args> --db <db>` as a child process, asynchronously (the emulator answers it from this
 * process). With `killAfterMs`, SIGKILL that long after the child's first output line.
 */
export function runEngine(args: readonly string[], o: { db: string; env?: Record<string, string>; killAfterMs?: number }): Promise<Finished> {
  const child = spawn(process.execPath, [CLI, ...args, '--db', o.db], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(o.env ?? {}) });
  let stdout = '';
  let stderr = '';
  let armed = false;
  const armKill = () => {
    if (armed || o.killAfterMs === undefined) return;
    armed = true;
    setTimeout(() => child.kill('SIGKILL'), o.killAfterMs);
  };
  child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), armKill()));
  child.stderr.setEncoding('utf8').on('data', (s: string) => ((stderr += s), armKill()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export function credentialEnv(emu: Emulator, apiKey = emu.credentials.apiKey, secret = emu.credentials.secret): Record<string, string> {
  const v = emu.dialect.toUpperCase();
  return { [`ENGINE_${v}_API_KEY`]: apiKey, [`ENGINE_${v}_API_SECRET`]: secret };
}

/** A config file for runs against the emulator: a strategy that trades often, fast retries, venue-sized SLOs. */
export function writeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      base: {
        strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } },
        risk: { rateLimit: null },
        slo: { cycleLatencyP50Ms: 5_000, cycleLatencyP99Ms: 20_000, submitLatencyP99Ms: 20_000, maxRetryRate: '1', max429Rate: '1' },
        live: {
          barIntervalMs: 60_000,
          backoff: { baseMs: 5, capMs: 50, maxAttempts: 4 },
          reconcile: { visibilityWindowMs: 3_000, notFoundConfirmations: 2, maxAttempts: 200, maxAgeMs: 60_000 },
        },
        ...extra,
      },
    }),
  );
  return file;
}

export async function readLog(db: string): Promise<AnyStoredEvent[]> {
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    const out: AnyStoredEvent[] = [];
    for await (const e of store.readAll()) out.push(toTypedEvent(e));
    return out;
  } finally {
    await store.close();
  }
}

export interface FillLine {
  clientOrderId: string;
  qty: string;
  price: string;
  fee: string;
  feeAsset: string;
}

const byText = (a: FillLine, b: FillLine) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/** Every fill the log recorded (each once: the decider deduplicates by fill id), normalised. */
export function logFills(events: readonly AnyStoredEvent[], quoteAsset: string): FillLine[] {
  const out: FillLine[] = [];
  for (const e of events) {
    if (e.type !== 'OrderFilled') continue;
    const d = e.data as { clientOrderId: string; qty: string; price: string; fee: string; feeAsset: string };
    out.push({ clientOrderId: d.clientOrderId, qty: new Decimal(d.qty).toFixed(), price: new Decimal(d.price).toFixed(), fee: new Decimal(d.fee).toFixed(), feeAsset: d.feeAsset === 'QUOTE' ? quoteAsset : d.feeAsset });
  }
  return out.sort(byText);
}

/** The venue's own trades, in the same shape. */
export function venueFills(emu: Emulator): FillLine[] {
  return emu.book
    .trades()
    .map((t) => ({ clientOrderId: t.clientOrderId, qty: t.qty.toFixed(), price: t.price.toFixed(), fee: t.fee.toFixed(), feeAsset: t.feeAsset }))
    .sort(byText);
}

/** The balances the log implies: the venue's opening balances moved by every recorded fill. */
export function balancesFromLog(opening: Record<string, Decimal.Value>, events: readonly AnyStoredEvent[], base: string, quote: string): Record<string, string> {
  const b = new Map<string, Decimal>(Object.entries(opening).map(([a, v]) => [a, new Decimal(v)]));
  const add = (a: string, d: Decimal) => b.set(a, (b.get(a) ?? new Decimal(0)).add(d));
  for (const e of events) {
    if (e.type !== 'OrderFilled') continue;
    const d = e.data as { side: 'BUY' | 'SELL'; qty: string; price: string; fee: string; feeAsset: string };
    const qty = new Decimal(d.qty);
    const notional = qty.mul(d.price);
    add(base, d.side === 'BUY' ? qty : qty.neg());
    add(quote, d.side === 'BUY' ? notional.neg() : notional);
    add(d.feeAsset === 'QUOTE' ? quote : d.feeAsset, new Decimal(d.fee).neg());
  }
  return Object.fromEntries([...b.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([a, v]) => [a, v.toFixed()]));
}

/** The venue's balances, free plus locked. */
export function venueBalances(emu: Emulator): Record<string, string> {
  return Object.fromEntries(Object.entries(emu.book.balances()).map(([a, v]) => [a, v.free.add(v.locked).toFixed()]));
}

/** Orders of the log that are not terminal (none may be left after a clean end). */
export function unfinishedOrders(events: readonly AnyStoredEvent[]): Array<{ clientOrderId: string; status: string }> {
  return nonTerminalOrders(foldEvents(events).orders).map((o) => ({ clientOrderId: o.clientOrderId, status: o.status }));
}

/**
 * Client order ids the venue holds more than one order for, or that were sent to it more than once
 * other than refused unseen (429/418, which create nothing): the emulator's own records.
 */
export function duplicates(emu: Emulator): string[] {
  const out = new Set<string>();
  for (const o of emu.book.orders()) if (emu.book.ordersWithClientId(o.clientOrderId).length > 1) out.add(o.clientOrderId);
  const sent = new Map<string, number>();
  for (const r of emu.server.requests) {
    if (r.endpoint !== 'createOrder' || r.clientOrderId === null || r.status === 429 || r.status === 418) continue;
    sent.set(r.clientOrderId, (sent.get(r.clientOrderId) ?? 0) + 1);
  }
  for (const [id, n] of sent) if (n > 1) out.add(id);
  return [...out].sort();
}

/** Create requests the venue refused unseen (429/418). */
export function throttledCreates(emu: Emulator): number {
  return emu.server.requests.filter((r) => r.endpoint === 'createOrder' && (r.status === 429 || r.status === 418)).length;
}

/** The run ids of live runs in the log. */
export function liveRuns(events: readonly AnyStoredEvent[]): string[] {
  return events.filter((e) => e.type === 'RunStarted').map((e) => (e.data as { mode: string }).mode === 'live' ? e.metadata.runId : null).filter((x): x is string => x !== null);
}
