import path from 'node:path';
import { EventStoreDBClient, NO_STREAM, jsonEvent } from '@eventstore/db-client';
import type { NewEvent } from '../src/events/envelope.js';
import { createEvent } from '../src/events/event-factory.js';
import type { AppendResult, EventStore } from '../src/events/store/port.js';
import { openEsdbStore } from '../src/events/store/esdb/index.js';
import { EsdbStandIn } from '../test/support/esdb-standin/index.js';
import { SqliteEventStore } from '../src/events/store/sqlite/sqlite-event-store.js';
import { benchDir, fmtInt, Stopwatch, type BenchModule, type BenchRow } from './support.js';

/** The stand-in is slow by nature (every append is several gRPC round trips): a bounded sample is enough. */
const MAX_EVENTS = 20_000;
const BATCH_SIZES = [100, 5] as const;
const LABEL = 'ESDB stand-in (NOT a server)';

/**
 * Append and read throughput of the EventStoreDB adapter against the in-process stand-in (a gRPC server
 * on 127.0.0.1 holding events in memory, sharing this process's CPU), printed beside SqliteEventStore on
 * the same events, and beside the raw @eventstore/db-client appending the same batches to the same
 * stand-in (what the adapter's hash-chain protocol costs). These figures describe the adapter, the
 * client and gRPC on loopback; they say nothing about an EventStoreDB server's own throughput.
 */
export const esdbBench: BenchModule = {
  name: 'esdb',
  async run({ events, log }) {
    const total = Math.min(events, MAX_EVENTS);
    const rows: BenchRow[] = [];
    const node = await EsdbStandIn.start();
    const tmp = benchDir('bench-esdb-');
    const esdb = await openEsdbStore(node.connectionString, { deadlineMs: 30_000 });
    const sqlite = SqliteEventStore.open(path.join(tmp.dir, 'events.db'));
    const client = EventStoreDBClient.connectionString(node.connectionString);
    try {
      for (const size of BATCH_SIZES) {
        const n = size >= 100 ? total : Math.min(total, 2_000);
        for (const [label, store] of [[LABEL, esdb], ['SqliteEventStore', sqlite]] as const) {
          const secs = await appendAll(store, `bench-b${size}`, n, size);
          rows.push({ label: `${label}: append, batches of ${size}`, events: n, seconds: secs });
          log(`${label}: appended ${fmtInt(n)} events in batches of ${size} in ${secs.toFixed(2)} s`);
        }
        const rawSecs = await rawAppend(client, `raw-b${size}`, n, size);
        rows.push({ label: `raw db-client on the stand-in: append, batches of ${size}`, events: n, seconds: rawSecs });
        log(`raw client: ${fmtInt(n)} events in batches of ${size} in ${rawSecs.toFixed(2)} s`);
      }
      for (const [label, store] of [[LABEL, esdb], ['SqliteEventStore', sqlite]] as const) {
        const watch = new Stopwatch();
        const count = await watch.timeAsync(async () => {
          let c = 0;
          for await (const _ of store.readAll()) c++;
          return c;
        });
        rows.push({ label: `${label}: readAll`, events: count, seconds: watch.seconds });
        log(`${label}: read ${fmtInt(count)} events in ${watch.seconds.toFixed(2)} s`);
      }
    } finally {
      await client.dispose();
      await esdb.close();
      await sqlite.close();
      await node.stop();
      tmp.cleanup();
    }
    return {
      rows,
      ratios: [],
      notes: [
        `the ESDB rows run against an in-process gRPC stand-in on 127.0.0.1 (events in memory, same process and CPU): a stand-in is not a server; these rows measure the adapter + client + gRPC, not EventStoreDB`,
        `capped at ${fmtInt(MAX_EVENTS)} events (batches of 5: ${fmtInt(Math.min(total, 2_000))}); each adapter append = chain-head read + stream-version read + claim append + batch append + position read-back`,
      ],
    };
  },
};

async function appendAll(store: EventStore, stream: string, n: number, size: number): Promise<number> {
  const watch = new Stopwatch();
  let version: number | 'no_stream' = 'no_stream';
  for (let done = 0, b = 0; done < n; b++) {
    const batch = events(`${stream}-${b}`, Math.min(size, n - done));
    const expected: number | 'no_stream' = version;
    const r: AppendResult = await watch.timeAsync(() => store.append(stream, batch, expected));
    version = r.nextExpectedVersion;
    done += batch.length;
  }
  return watch.seconds;
}

async function rawAppend(client: EventStoreDBClient, stream: string, n: number, size: number): Promise<number> {
  const watch = new Stopwatch();
  let expected: bigint | typeof NO_STREAM = NO_STREAM;
  for (let done = 0, b = 0; done < n; b++) {
    const batch = events(`${stream}-${b}`, Math.min(size, n - done)).map((e) =>
      jsonEvent({ type: e.type, data: e.data as Record<string, never>, metadata: e.metadata as unknown as Record<string, never> }),
    );
    const exp: bigint | typeof NO_STREAM = expected;
    const r: { nextExpectedRevision: bigint } = await watch.timeAsync(() => client.appendToStream(stream, batch, { expectedRevision: exp }));
    expected = r.nextExpectedRevision;
    done += batch.length;
  }
  return watch.seconds;
}

function events(prefix: string, n: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString();
    const close = (43_000 + i / 7).toFixed(2);
    return createEvent(
      'MarketSnapshotRecorded',
      `${prefix}:${i}`,
      { interval: '1m', bars: [{ symbol: 'BTCUSDT', openTime: at, open: '43000.00', high: '43100.5', low: '42900.25', close, volume: '12.5' }] },
      { runId: 'bench-esdb', mode: 'backtest', cycleId: `${prefix}:${i}`, causationId: null, at },
    );
  });
}
