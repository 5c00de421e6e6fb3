import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineMetrics, type MetricsServer, startMetricsServer } from '../../src/cli/metrics-server.js';
import { mountStatusPage } from '../../src/cli/status-page/mount.js';
import type { StatusView } from '../../src/cli/status-page/status-view.js';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { openEsdbStore } from '../../src/events/store/esdb/index.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { EsdbStandIn } from '../support/esdb-standin/index.js';
import { CLI as BUILT_CLI, tempDir } from '../support.js';

const CLI = process.env.ENGINE_TEST_CLI ?? BUILT_CLI;

let tmp: ReturnType<typeof tempDir>;
let db: string;
let server: MetricsServer | null = null;
beforeEach(() => {
  tmp = tempDir('engine-status-ro-');
  db = path.join(tmp.dir, 'engine.db');
});
afterEach(async () => {
  await server?.close();
  server = null;
  tmp.cleanup();
});

const silent = pino({ level: 'silent' });
const fileHash = (f: string): string | null => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : null);

async function serve(runId: string): Promise<string> {
  server = await startMetricsServer(new EngineMetrics(), () => ({ ok: true, detail: {} }), 0);
  await mountStatusPage(server, { db, runId, slo: defaultEngineConfig().slo, logger: silent }).ready;
  return `http://127.0.0.1:${server.port}`;
}

/** The first `view` event of the stream (then the stream is dropped). */
async function firstStreamedView(url: string): Promise<StatusView> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before a view: ${text}`);
    text += value;
    const m = /event: view\nid: \d+\ndata: (.*)\n\n/.exec(text);
    if (m) {
      ac.abort();
      return JSON.parse(m[1]!) as StatusView;
    }
  }
}

describe('the status page reads and never writes', () => {
  it('serves the finished run as the log holds it, answers 405 to anything but GET/HEAD, and leaves the database file byte for byte as it was', async () => {
    const cfg = path.join(tmp.dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ base: { strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } }, risk: { rateLimit: null }, live: { sim: { volatility: 0.01 } } } }));
    const r = spawnSync(process.execPath, [CLI, 'stage7-run', '--venue', 'sim', '--config', cfg, '--arm', '--cycles', '12', '--interval', '5ms', '--json', '--db', db], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const { runId } = JSON.parse(r.stdout) as { runId: string };
    const before = fileHash(db);
    const store = SqliteEventStore.open(db, { readonly: true });
    const head = await store.head();
    await store.close();

    const origin = await serve(runId);
    const json = (await (await fetch(`${origin}/status.json`)).json()) as StatusView;
    expect(json).toMatchObject({ runId, position: head.position, cycles: 12, ended: { reason: 'COMPLETED' } });
    expect((await firstStreamedView(`${origin}/status/events`)).position).toBe(head.position);

    const page = await fetch(`${origin}/status`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/\b(src|href)\s*=/i); // nothing to load: script and style are inline
    expect(html).not.toMatch(/<form/i);

    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const p of ['/status', '/status/events', '/status.json']) {
        const res = await fetch(`${origin}${p}`, { method });
        expect([p, method, res.status, res.headers.get('allow')]).toEqual([p, method, 405, 'GET, HEAD']);
      }
    }
    for (const p of ['/status', '/status/events', '/status.json']) {
      const answer = await fetch(`${origin}${p}`, { method: 'HEAD' });
      expect([p, answer.status]).toEqual([p, 200]);
    }
    expect((await fetch(`${origin}/metrics`)).status).toBe(200);
    expect((await fetch(`${origin}/nope`)).status).toBe(404);

    await server!.close();
    server = null;
    // The database file is as it was; a read-only SQLite connection may leave an empty WAL beside it (no frame, no write).
    expect(fileHash(db)).toBe(before);
    expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
  });

  it('a log it cannot read is said on the page, and the server goes on serving /metrics', async () => {
    const origin = await serve('live-000000000000'); // db: no such file
    expect((await fetch(`${origin}/status.json`)).status).toBe(503);
    expect((await fetch(`${origin}/metrics`)).status).toBe(200);
    const ac = new AbortController();
    const res = await fetch(`${origin}/status/events`, { signal: ac.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: problem')) text += (await reader.read()).value ?? '';
    ac.abort();
    expect(text).toContain('cannot read the log');
    expect(existsSync(db)).toBe(false);
  });
});

describe('the status page on EventStoreDB (stand-in)', () => {
  it('reads a stage7-run log from esdb:// as from SQLite, and appends nothing', async () => {
    const node = await EsdbStandIn.start();
    try {
      const cfg = path.join(tmp.dir, 'config.json');
      writeFileSync(cfg, JSON.stringify({ base: { strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } }, risk: { rateLimit: null }, live: { sim: { volatility: 0.01 } } } }));
      // Asynchronous on purpose: the stand-in answers from this process's event loop.
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'stage7-run', '--venue', 'sim', '--config', cfg, '--arm', '--cycles', '8', '--interval', '5ms', '--json', '--db', node.connectionString], { cwd: tmp.dir });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      const { runId } = JSON.parse(run.stdout) as { runId: string };
      const store = await openEsdbStore(node.connectionString, { readonly: true });
      const head = await store.head();
      await store.close();

      db = node.connectionString;
      const origin = await serve(runId);
      const view = (await (await fetch(`${origin}/status.json`)).json()) as StatusView;
      expect(view).toMatchObject({ runId, position: head.position, cycles: 8, ended: { reason: 'COMPLETED' } });
      expect(view.decisions.length).toBeGreaterThan(0);
      await server!.close();
      server = null;
      const after = await openEsdbStore(node.connectionString, { readonly: true });
      expect(await after.head()).toEqual(head);
      await after.close();
    } finally {
      await node.stop();
    }
  });
});
