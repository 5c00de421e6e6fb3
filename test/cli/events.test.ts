import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';
import { buildFixtureLog, FIXTURE_EVENT_COUNT, RUN_ID } from './fixture-log.js';
import { lines, runCli, startCli } from './run-cli.js';

const tmp = tempDir('engine-cli-events-');
let db: string;
beforeAll(async () => {
  db = path.join(tmp.dir, 'log.db');
  await buildFixtureLog(db);
});
afterAll(() => tmp.cleanup());

interface EventJson {
  globalPosition: number;
  type: string;
  eventId: string;
  storedSchemaVersion: number;
  data: Record<string, unknown>;
  metadata: { runId: string };
  summary: string;
}

function ok(args: string[]): string {
  const r = runCli([...args, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('engine events ls', () => {
  it('one line per event: position, time, stream, type and why', () => {
    const out = lines(ok(['events', 'ls']));
    expect(out).toHaveLength(FIXTURE_EVENT_COUNT);
    expect(out.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(Array.from({ length: FIXTURE_EVENT_COUNT }, (_, i) => i + 1));
    const denied = out.find((l) => / RiskDecisionMade .*DENIED/.test(l))!;
    // A person sees WHY: the verdict, the reason code and the compared values.
    expect(denied).toMatch(/^\s+5\s+2024-01-01T00:01:00.000Z\s+run-run-cli-1\s+RiskDecisionMade\s+DENIED NOTIONAL_CAP_PER_ORDER .*cap=1000 notional=21025/);
    // The market snapshot shows its bar (v2 holds a list, one bar per instrument).
    expect(out.find((l) => / MarketSnapshotRecorded /.test(l))).toMatch(/MarketSnapshotRecorded\s+BTCUSDT \S+ O=42000 H=42100\.5 L=41900 C=42050 V=12\.5$/);
  });

  it('--json is one parseable array of full envelopes', () => {
    const events = JSON.parse(ok(['events', 'ls', '--json'])) as EventJson[];
    expect(events).toHaveLength(FIXTURE_EVENT_COUNT);
    expect(events[4]!.type).toBe('RiskDecisionMade');
    expect(events[4]!.data.verdict).toBe('DENIED');
    expect(events.every((e) => e.metadata.runId === RUN_ID)).toBe(true);
  });

  it('--type, --from and --limit narrow the listing', () => {
    const fills = JSON.parse(ok(['events', 'ls', '--type', 'OrderFilled,OrderAccepted', '--json'])) as EventJson[];
    expect(fills.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled', 'OrderFilled']);
    const window = JSON.parse(ok(['events', 'ls', '--from', '10', '--limit', '3', '--json'])) as EventJson[];
    expect(window.map((e) => e.globalPosition)).toEqual([10, 11, 12]);
  });

  it('--run keeps one run; an unknown run lists nothing', () => {
    expect(JSON.parse(ok(['events', 'ls', '--run', RUN_ID, '--json']))).toHaveLength(FIXTURE_EVENT_COUNT);
    expect(JSON.parse(ok(['events', 'ls', '--run', 'no-such-run', '--json']))).toEqual([]);
    expect(ok(['events', 'ls', '--run', 'no-such-run'])).toBe('');
  });
});

describe('engine events show', () => {
  it('by position: the full envelope with data upcast on read', () => {
    const e = JSON.parse(ok(['events', 'show', '13', '--json'])) as EventJson & { hash: string; prevHash: string };
    expect(e.type).toBe('OrderFilled');
    expect(e.storedSchemaVersion).toBe(1);
    expect(e.data.feeAsset).toBe('QUOTE');
    expect(e.data.liquidity).toBe('UNKNOWN');
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    const text = ok(['events', 'show', '13']);
    expect(text).toMatch(/schema +v1 as stored, data upcast on read to v3/);
    expect(text).toContain('"liquidity": "UNKNOWN"');
  });

  it('by event id', () => {
    const e = JSON.parse(ok(['events', 'show', `${RUN_ID}:e5`, '--json'])) as EventJson;
    expect(e.globalPosition).toBe(5);
  });

  it('an event that does not exist: exit 2, one line', () => {
    for (const ref of ['999', 'no-such-id']) {
      const r = runCli(['events', 'show', ref, '--db', db]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain(ref);
    }
  });
});

describe('engine events tail', () => {
  it('the last n events', () => {
    const out = lines(ok(['events', 'tail', '-n', '3']));
    expect(out.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([15, 16, 17]);
    const json = JSON.parse(ok(['events', 'tail', '-n', '2', '--json'])) as EventJson[];
    expect(json.map((e) => e.globalPosition)).toEqual([16, 17]);
  });

  it('--follow prints events appended by another writer until SIGINT, then exits 0', async () => {
    const followDb = path.join(tmp.dir, 'follow.db');
    await buildFixtureLog(followDb);
    const tail = startCli(['events', 'tail', '-n', '1', '--follow', '--json', '--poll-ms', '20', '--db', followDb]);
    await tail.waitForStdout((out) => out.includes('"globalPosition":17'));
    const store = SqliteEventStore.open(followDb);
    try {
      const meta = { runId: 'run-2', mode: 'live' as const, cycleId: null, causationId: null, at: '2024-01-02T00:00:00.000Z' };
      await store.append('ops', [createEvent('KillSwitchEngaged', 'ks-1', { reason: 'manual stop', by: 'ops' }, meta)], 'any');
      await store.append('ops', [createEvent('KillSwitchReleased', 'ks-2', { reason: 'resumed', by: 'ops' }, meta)], 'any');
    } finally {
      await store.close();
    }
    const out = await tail.waitForStdout((o) => o.includes('"globalPosition":19'));
    const printed = lines(out).map((l) => JSON.parse(l) as EventJson);
    expect(printed.map((e) => [e.globalPosition, e.type])).toEqual([
      [17, 'RunEnded'],
      [18, 'KillSwitchEngaged'],
      [19, 'KillSwitchReleased'],
    ]);
    tail.child.kill('SIGINT');
    expect(await tail.exited).toBe(0);
  });
});

describe('engine runs', () => {
  it('lists the run from the run index', () => {
    const runs = JSON.parse(ok(['runs', '--json'])) as Array<Record<string, unknown>>;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: RUN_ID, mode: 'backtest', strategy: 'sma-cross', symbol: 'BTCUSDT', cycles: 2, events: FIXTURE_EVENT_COUNT, endReason: 'COMPLETED' });
    const text = lines(ok(['runs']));
    expect(text[0]).toMatch(/^RUN +MODE +STRATEGY +SYMBOL +STARTED +ENDED/);
    expect(text[1]).toMatch(new RegExp(`^${RUN_ID} +backtest +sma-cross +BTCUSDT +2024-01-01T00:00:00.000Z +2024-01-01T00:05:00.000Z COMPLETED +2 +${FIXTURE_EVENT_COUNT}`));
  });
});
