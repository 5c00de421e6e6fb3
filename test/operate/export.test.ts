import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_KINDS } from '../../src/replay/export/index.js';
import { PROJECT_ROOT, tempDir } from '../support.js';
import { cli, errorLines, leftovers } from './support.js';

/**
 * Issue 14 item 3: `engine export trades|fills|orders|equity|decisions --run ID --format csv|jsonl`. The
 * exported trades are read back with a plain CSV reader (csv-parse; pandas is not in CI) and must give
 * the backtest summary's totals; every export's columns are the documented ones; --out is written whole
 * or not at all.
 */
const tmp = tempDir('engine-export-');
afterAll(() => tmp.cleanup());
let seq = 0;
const file = (name: string) => path.join(tmp.dir, `${++seq}-${name}`);

interface Summary {
  runId: string;
  bars: number;
  metrics: { tradeCount: number; grossProfit: string; grossLoss: string; totalFees: string; finalEquity: string; netProfit: string };
  trades: Array<{ side: string; qty: string; entryTime: string; exitTime: string; entryPrice: string; exitPrice: string; pnl: string; fees: string; openAtEnd: boolean }>;
  denials: Record<string, number>;
  reductions: Record<string, number>;
}

// A run that trades a lot, is cut by risk limits sometimes and still holds a position after the last bar.
const BT = ['backtest', '--data', 'synthetic:bars=1500,interval=1h,seed=42', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=7', '--seed', '5', '--fee-bps', '7', '--slippage-bps', '3', '--json', '--log-level', 'warn'];

let db: string;
let summary: Summary;
beforeAll(async () => {
  db = file('engine.db');
  const r = await cli([...BT, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  summary = JSON.parse(r.stdout) as Summary;
  expect(summary.metrics.tradeCount).toBeGreaterThan(20);
});

async function exported(kind: string, format: 'csv' | 'jsonl', extra: string[] = [], dbPath = db, runId = summary.runId): Promise<string> {
  const out = file(`${kind}.${format}`);
  const r = await cli(['export', kind, '--run', runId, '--format', format, '--out', out, '--db', dbPath, '--log-level', 'warn', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  return readFileSync(out, 'utf8');
}

const csvRows = (text: string): Array<Record<string, string>> => parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
const jsonRows = (text: string): Array<Record<string, unknown>> => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const sum = (values: string[]): Decimal => values.reduce((s, v) => s.plus(v), new Decimal(0));
const at12 = (d: Decimal): string => d.toDecimalPlaces(12).toFixed();

describe('engine export trades', () => {
  it('loads with a plain CSV reader and gives the summary\'s totals', async () => {
    const rows = csvRows(await exported('trades', 'csv'));
    const m = summary.metrics;
    expect(rows).toHaveLength(m.tradeCount);
    const pnl = rows.map((r) => new Decimal(r.pnl!));
    expect(at12(pnl.filter((p) => p.gt(0)).reduce((s, p) => s.plus(p), new Decimal(0)))).toBe(m.grossProfit);
    expect(at12(pnl.filter((p) => p.lt(0)).reduce((s, p) => s.minus(p), new Decimal(0)))).toBe(m.grossLoss);
    // The run ends flat (the close-out), so the trips' fees are every fee, and their pnl is the net profit.
    expect(rows.at(-1)!.open_at_end).toBe('true');
    expect(sum(rows.map((r) => r.fees!)).toFixed()).toBe(new Decimal(m.totalFees).toFixed());
    expect(sum(rows.map((r) => r.pnl!)).toFixed()).toBe(new Decimal(m.netProfit).toFixed());
    // Row for row, the summary's trades (which round pnl and fees to 12 places for JSON).
    expect(
      rows.map((r) => ({ symbol: r.symbol, side: r.side, qty: r.qty, entryTime: r.entry_time, exitTime: r.exit_time, entryPrice: r.entry_price, exitPrice: r.exit_price, pnl: at12(new Decimal(r.pnl!)), fees: at12(new Decimal(r.fees!)), openAtEnd: r.open_at_end === 'true' })),
    ).toEqual(summary.trades);
    expect(rows.map((r) => Number(r.trade))).toEqual(rows.map((_, i) => i + 1));
  });

  it('jsonl holds the same rows as csv, with counts as numbers and flags as booleans', async () => {
    const csv = csvRows(await exported('trades', 'csv'));
    const jsonl = jsonRows(await exported('trades', 'jsonl'));
    expect(jsonl.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))).toEqual(csv);
    expect(typeof jsonl[0]!.trade).toBe('number');
    expect(typeof jsonl[0]!.open_at_end).toBe('boolean');
  });
});

describe('the other exports', () => {
  it('equity: one row per bar, times in ISO 8601 UTC, the last one the summary\'s final equity', async () => {
    const rows = csvRows(await exported('equity', 'csv'));
    expect(rows).toHaveLength(summary.bars);
    expect(rows.at(-1)!.equity).toBe(summary.metrics.finalEquity);
    expect(rows.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.time!))).toBe(true);
    for (const r of rows) expect(new Decimal(r.cash!).plus(r.reserve!).plus(r.positions_value!).toFixed()).toBe(new Decimal(r.equity!).toFixed());
    const times = rows.map((r) => Date.parse(r.time!));
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it('fills, orders and decisions agree with each other and with the trades', async () => {
    const fills = csvRows(await exported('fills', 'csv'));
    const orders = csvRows(await exported('orders', 'csv'));
    const decisions = csvRows(await exported('decisions', 'csv'));
    const trades = csvRows(await exported('trades', 'csv'));
    // Each fill's notional is exact; each order's filled quantity is the sum of its fills.
    for (const f of fills) expect(new Decimal(f.qty!).times(f.price!).toFixed()).toBe(new Decimal(f.notional!).toFixed());
    for (const o of orders) {
      const mine = fills.filter((f) => f.client_order_id === o.client_order_id);
      expect(sum(mine.map((f) => f.qty!)).toFixed()).toBe(new Decimal(o.filled_qty!).toFixed());
      expect(Number(o.fills)).toBe(mine.length);
    }
    // Fees: every fill's quote-valued fee is in some trip (the run ends flat).
    expect(sum(fills.map((f) => f.fee_in_quote!)).toFixed()).toBe(sum(trades.map((t) => t.fees!)).toFixed());
    // Every order carries out a decision that let it through; every denial has its reason code.
    const byIntent = new Map(decisions.map((d) => [d.intent_id!, d]));
    for (const o of orders) expect(['APPROVED', 'REDUCED']).toContain(byIntent.get(o.intent_id!)!.verdict);
    expect(decisions.filter((d) => d.verdict !== 'APPROVED').every((d) => /^[A-Z][A-Z0-9_]*$/.test(d.reason_code!))).toBe(true);
    const count = (verdict: string): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const d of decisions) if (d.verdict === verdict) out[d.reason_code!] = (out[d.reason_code!] ?? 0) + 1;
      return out;
    };
    expect(count('DENIED')).toEqual(summary.denials);
    expect(count('REDUCED')).toEqual(summary.reductions);
    expect(Object.keys(summary.reductions).length).toBeGreaterThan(0);
    for (const d of decisions) expect(JSON.parse(d.intent_context!)).toBeTypeOf('object');
  });

  it('every export has exactly the documented columns, in order (src/replay/export/README.md, --columns)', async () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'src/replay/export/README.md'), 'utf8');
    for (const kind of EXPORT_KINDS) {
      const header = (await exported(kind.name, 'csv')).split('\n')[0]!;
      expect(header.split(',')).toEqual(kind.columns.map((c) => c.name));
      const section = readme.slice(readme.indexOf(`### \`${kind.name}\``));
      const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]).slice(0, kind.columns.length);
      expect(documented).toEqual(kind.columns.map((c) => c.name));
      const help = await cli(['export', kind.name, '--columns']);
      expect(help.code).toBe(0);
      for (const c of kind.columns) expect(help.stdout).toMatch(new RegExp(`^${c.name} +\\S`, 'm'));
    }
  });

  it('a run recorded with --events decisions: the same trades, and its equity is refused (no bars in the log)', async () => {
    const decisionsDb = file('decisions.db');
    const r = await cli([...BT, '--events', 'decisions', '--db', decisionsDb]);
    expect(r.code, r.stderr).toBe(0);
    const run = (JSON.parse(r.stdout) as Summary).runId;
    const trades = csvRows(await exported('trades', 'csv', [], decisionsDb, run));
    expect(trades).toEqual(csvRows(await exported('trades', 'csv')));
    const out = file('equity.csv');
    const refused = await cli(['export', 'equity', '--run', run, '--out', out, '--db', decisionsDb]);
    expect(refused.code).toBe(2);
    expect(errorLines(refused.stderr)).toEqual([expect.stringMatching(/recorded with --events decisions: its bars are not in the log/)]);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(tmp.dir)).toEqual([]);
  });
});

describe('engine export refuses bad input: one line, exit 2, nothing written', () => {
  it('an unknown run', async () => {
    const out = file('none.csv');
    const r = await cli(['export', 'trades', '--run', 'bt-nope', '--out', out, '--db', db]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual(['engine export trades: --run bt-nope: no such run in ' + db + ' (engine runs lists them)']);
    expect(existsSync(out)).toBe(false);
  });

  it('an --out that exists and is not empty (unless --force), or sits in a missing folder', async () => {
    const out = file('taken.csv');
    writeFileSync(out, 'mine\n');
    const r = await cli(['export', 'fills', '--run', summary.runId, '--out', out, '--db', db]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/--out .*taken\.csv: exists and is not empty/)]);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await cli(['export', 'fills', '--run', summary.runId, '--out', out, '--force', '--db', db, '--log-level', 'warn']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^time,recorded_at,/);

    const missing = path.join(tmp.dir, 'gone', 'x.csv');
    const m = await cli(['export', 'fills', '--run', summary.runId, '--out', missing, '--db', db]);
    expect(m.code).toBe(2);
    expect(errorLines(m.stderr)).toEqual([expect.stringMatching(/the folder .*gone does not exist/)]);
  });

  it('a format that is not csv or jsonl, and no --run', async () => {
    const f = await cli(['export', 'trades', '--run', summary.runId, '--format', 'xlsx', '--db', db]);
    expect(f.code).toBe(2);
    expect(errorLines(f.stderr)).toHaveLength(1);
    expect(f.stderr).toMatch(/xlsx/);
    const noRun = await cli(['export', 'trades', '--db', db]);
    expect(noRun.code).toBe(2);
    expect(errorLines(noRun.stderr)).toEqual([expect.stringContaining('--run <id> is required')]);
  });
});
