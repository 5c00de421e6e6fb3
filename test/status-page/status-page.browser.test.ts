import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizeDecimal } from '../../src/events/decimal-string.js';
import { type AnyStoredEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { nonTerminalOrders } from '../../src/projections/orders/orders-projection.js';
import { listPositions } from '../../src/projections/positions-projection.js';
import { foldEvents } from '../../src/projections/projection-state.js';
import { CLI as BUILT_CLI, tempDir } from '../support.js';
import { CHROMIUM, NO_BROWSER, NO_BROWSER_MESSAGE, launchChromium } from './browser.js';

// The callbacks given to page.evaluate/waitForFunction run in the browser (playwright serialises them);
// the project compiles without the DOM's types, so these names are declared for this file only.
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

/** ENGINE_TEST_CLI: a private build of the CLI, when dist/ is being rebuilt by others. */
const CLI = process.env.ENGINE_TEST_CLI ?? BUILT_CLI;

if (CHROMIUM === null) console.warn(NO_BROWSER_MESSAGE);

// .ci/run installs chromium and sets ENGINE_REQUIRE_BROWSER: there a missing browser fails instead of skipping.
it.runIf(CHROMIUM === null && process.env.ENGINE_REQUIRE_BROWSER === '1')('a browser is required here (ENGINE_REQUIRE_BROWSER=1)', () => {
  expect.fail(NO_BROWSER);
});

let tmp: ReturnType<typeof tempDir>;
let db: string;
let cfg: string;
let browser: Browser | null = null;

beforeAll(async () => {
  if (CHROMIUM !== null) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(() => {
  tmp = tempDir('engine-status-page-');
  db = path.join(tmp.dir, 'engine.db');
  cfg = path.join(tmp.dir, 'config.json');
  // A fast trend follower on a volatile simulated market: fills every few cycles. Some submits lose their
  // answer; a lost ack stays hidden from three lookups, so its order is UNKNOWN for a few cycles.
  writeFileSync(
    cfg,
    JSON.stringify({
      base: {
        strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } },
        risk: { rateLimit: null },
        live: { sim: { volatility: 0.01, faults: { rate: '0.3', kinds: ['timeout-after-accept', 'lost-ack'], lostAckHiddenQueries: 3 } } },
      },
    }),
  );
});
afterEach(() => tmp.cleanup());

function startEngine(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENGINE_LOG_LEVEL: '' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function until<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The log as it is on disk, read through a read-only handle (the engine is still appending). */
async function readLog(upTo = Number.POSITIVE_INFINITY): Promise<AnyStoredEvent[]> {
  const store = SqliteEventStore.open(db, { readonly: true });
  try {
    const out: AnyStoredEvent[] = [];
    for await (const e of store.readAll()) {
      if (e.globalPosition > upTo) break;
      out.push(toTypedEvent(e));
    }
    return out;
  } finally {
    await store.close();
  }
}

function portOf(stderr: string): number | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const l = JSON.parse(line) as { msg?: string; port?: number };
    if (l.msg === 'metrics listening on 127.0.0.1') return l.port;
  }
  return undefined;
}

interface Shown {
  position: number;
  runId: string;
  riskMode: string;
  killSwitch: string;
  unknownBadge: string;
  positions: Array<Record<string, string>>;
  orders: Array<Record<string, string>>;
  decisions: Array<Record<string, string>>;
  fills: Array<Record<string, string>>;
  slo: Array<Record<string, string>>;
}

/** What the page shows, read from its DOM in one go (so every table is of the same view). */
async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const rows = (id: string) =>
      [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) => {
        const r: Record<string, string> = { key: tr.dataset.key ?? '' };
        for (const td of tr.querySelectorAll('td')) r[td.dataset.col ?? '?'] = td.textContent ?? '';
        return r;
      });
    const text = (id: string) => document.getElementById(id)?.textContent ?? '';
    return {
      position: Number(document.body.dataset.position ?? '0'),
      runId: text('run'),
      riskMode: text('risk-mode'),
      killSwitch: text('kill-switch'),
      unknownBadge: text('unknown-count'),
      positions: rows('positions'),
      orders: rows('orders'),
      decisions: rows('decisions'),
      fills: rows('fills'),
      slo: rows('slo'),
    };
  });
}

/** Every check of the page against the log folded up to the position the page says it shows. */
async function expectAgreesWithLog(s: Shown): Promise<AnyStoredEvent[]> {
  const events = await readLog(s.position);
  expect(events.at(-1)?.globalPosition).toBe(s.position);
  const run = events.filter((e) => e.metadata.runId === s.runId);
  expect(run.length).toBeGreaterThan(0);

  // Positions: quantity and fill count summed here from the fills (deduplicated by fill id); the average
  // cost and realized PnL as the projections fold them from this log.
  const seen = new Set<string>();
  const qty = new Map<string, Decimal>();
  const fills = new Map<string, number>();
  for (const e of run) {
    if (e.type !== 'OrderFilled' || seen.has(e.data.fillId)) continue;
    seen.add(e.data.fillId);
    const signed = new Decimal(e.data.qty).times(e.data.side === 'BUY' ? 1 : -1);
    qty.set(e.data.symbol, (qty.get(e.data.symbol) ?? new Decimal(0)).plus(signed));
    fills.set(e.data.symbol, (fills.get(e.data.symbol) ?? 0) + 1);
  }
  const folded = foldEvents(events);
  expect(s.positions.map((p) => [p.key, p.qty, p.fills])).toEqual([...qty.keys()].sort().map((sym) => [sym, normalizeDecimal(qty.get(sym)!), String(fills.get(sym))]));
  expect(s.positions.map((p) => [p.avgCost, p.realizedPnl])).toEqual(
    listPositions(folded.positions, s.runId).map((p) => [p.avgCost === null ? '' : normalizeDecimal(p.avgCost), normalizeDecimal(p.realizedPnl)]),
  );

  // Open and unknown orders.
  const open = nonTerminalOrders(folded.orders, s.runId);
  expect(s.orders.map((o) => [o.key, o.status])).toEqual(open.map((o) => [o.clientOrderId, o.status]));
  expect(s.unknownBadge).toBe(`${open.filter((o) => o.status === 'UNKNOWN' || o.status === 'ESCALATED').length} unknown`);

  // Risk mode (the run's last RiskModeChanged) and the kill switch (the last engage or release).
  const modeChange = run.filter((e) => e.type === 'RiskModeChanged').at(-1);
  expect(s.riskMode).toBe(modeChange?.type === 'RiskModeChanged' ? modeChange.data.to : 'NORMAL');
  const ks = events.filter((e) => e.type === 'KillSwitchEngaged' || e.type === 'KillSwitchReleased').at(-1);
  expect(s.killSwitch).toBe(ks?.type === 'KillSwitchEngaged' ? 'ENGAGED' : 'released');

  // The last decisions, newest first, with their verdicts and reason codes; the last fills.
  const decisions = run.filter((e) => e.type === 'RiskDecisionMade').slice(-20).reverse();
  expect(s.decisions.map((d) => [d.key, d.verdict, d.reasonCode])).toEqual(
    decisions.map((d) => (d.type === 'RiskDecisionMade' ? [d.data.intentId, d.data.verdict, d.data.reasonCode ?? ''] : [])),
  );
  const orderOfIntent = new Map([...(folded.orders.runs.get(s.runId)?.orders.values() ?? [])].map((o) => [o.intentId, o.status]));
  expect(s.decisions.map((d) => d.order)).toEqual(s.decisions.map((d) => orderOfIntent.get(d.key ?? '') ?? ''));
  expect(s.fills.map((f) => f.key)).toEqual([...seen].slice(-20).reverse());

  // SLO figures: the cycle count is the run's CycleCompleted events.
  expect(s.slo.find((r) => r.key === 'cycles')?.value).toBe(String(run.filter((e) => e.type === 'CycleCompleted').length));
  return events;
}

describe.skipIf(CHROMIUM === null)('the live status page, in headless chromium', () => {
  it('shows what the log holds, shows a new fill within a second of its append, and follows the kill switch', { timeout: 180_000 }, async () => {
    const engine = startEngine(['stage7-run', '--venue', 'sim', '--config', cfg, '--arm', '--interval', '250ms', '--metrics-port', '0', '--seed', 'page']);
    try {
      const port = await until('the metrics port in the log', () => portOf(engine.stderr()));
      const origin = `http://127.0.0.1:${port}`;
      const page = await browser!.newPage();
      const requests: string[] = [];
      const consoleErrors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(`${origin}/status`);
      await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live');
      await page.waitForFunction(() => document.querySelectorAll('#fills tbody tr').length >= 2, undefined, { timeout: 60_000 });

      const first = await shown(page);
      expect(first.runId).toMatch(/^live-[0-9a-f]{12}$/);
      expect(first.positions.length).toBeGreaterThan(0);
      expect(first.decisions.some((d) => d.order === 'FILLED')).toBe(true);
      await expectAgreesWithLog(first);

      // An order whose outcome is unknown is shown as such, with the log's agreement.
      const withUnknown = await until('an UNKNOWN order on the page', async () => {
        const s = await shown(page);
        return s.orders.some((o) => o.status === 'UNKNOWN') ? s : null;
      }, 90_000);
      expect(withUnknown.unknownBadge).not.toBe('0 unknown');
      await expectAgreesWithLog(withUnknown);

      // Each fill row's first appearance in the DOM, by the browser's clock (the machine's, as the engine's).
      await page.evaluate(() => {
        const seenAt = new Map<string, number>();
        window.fillSeenAt = seenAt;
        const record = () => {
          for (const tr of document.querySelectorAll('#fills tbody tr')) if (!seenAt.has(tr.dataset.key ?? '')) seenAt.set(tr.dataset.key ?? '', Date.now());
        };
        record();
        new MutationObserver(record).observe(document.getElementById('fills')!, { childList: true, subtree: true });
      });
      const known = new Set((await readLog()).flatMap((e) => (e.type === 'OrderFilled' ? [e.data.fillId] : [])));
      const latencies: number[] = [];
      while (latencies.length < 3) {
        // A fill appended after the observer was installed; its metadata.at is stamped before the append,
        // so the figure below is an upper bound of the append-to-page time.
        const fill = await until(
          'a new fill in the log',
          async () => (await readLog()).find((e): e is Extract<AnyStoredEvent, { type: 'OrderFilled' }> => e.type === 'OrderFilled' && !known.has(e.data.fillId)),
          60_000,
        );
        known.add(fill.data.fillId);
        const handle = await page.waitForFunction(
          (id: string) => (window.fillSeenAt as Map<string, number>).get(id) ?? null,
          fill.data.fillId,
          { timeout: 20_000 },
        );
        latencies.push(((await handle.jsonValue()) as number) - Date.parse(fill.metadata.at));
      }
      console.log(`status page: fill append -> shown in the DOM: ${latencies.map((ms) => `${ms} ms`).join(', ')}`);
      for (const ms of latencies) expect(ms).toBeLessThan(1000);
      await expectAgreesWithLog(await shown(page));

      // The kill switch, engaged by another process through the log, shows up and new exposure is denied.
      const ks = spawnSync(process.execPath, [CLI, 'kill-switch', 'engage', '--reason', 'page drill', '--by', 'test', '--db', db], { encoding: 'utf8' });
      expect(ks.status, ks.stderr).toBe(0);
      await page.waitForFunction(() => document.getElementById('kill-switch')?.textContent === 'ENGAGED', undefined, { timeout: 10_000 });
      await page.waitForFunction(() => [...document.querySelectorAll('#decisions td[data-col="reasonCode"]')].some((td) => td.textContent === 'KILL_SWITCH'), undefined, { timeout: 30_000 });
      await expectAgreesWithLog(await shown(page));

      // Only this origin was asked for anything: no external asset; and nothing was refused by the CSP.
      expect(requests.length).toBeGreaterThan(0);
      for (const url of requests) expect(url.startsWith(`${origin}/`)).toBe(true);
      expect(consoleErrors).toEqual([]);

      // Stopped, the engine appends RunEnded and closes the server: the page ends on it, agreeing with the log.
      engine.child.kill('SIGTERM');
      expect(await engine.exited).toBe(0);
      expect(await page.textContent('#ended')).toMatch(/^run ended: STOPPED after \d+ cycles$/);
      const last = await shown(page);
      expect((await readLog()).at(-1)?.globalPosition).toBe(last.position);
      await expectAgreesWithLog(last);
      await page.close();
    } finally {
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
  });
});
