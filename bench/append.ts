import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson } from '../src/events/canonical.js';
import type { NewEvent } from '../src/events/envelope.js';
import { createEvent } from '../src/events/event-factory.js';
import { computeHash, GENESIS_HASH } from '../src/events/hash-chain.js';
import { applyPragmas, createSchema } from '../src/events/store/sqlite/schema.js';
import { SqliteEventStore } from '../src/events/store/sqlite/sqlite-event-store.js';
import { benchDir, fmtInt, perSecond, Stopwatch, type BenchModule } from './support.js';

const BATCH_SIZE = 1000;
const STREAMS = 4;
const INSERT_SQL =
  'INSERT INTO events (position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

type Row = [number, string, number, string, string, number, string, string, string, string];

/**
 * Append throughput: SqliteEventStore.append (validation, canonical encoding, hash chain, expected
 * version and head read in a BEGIN IMMEDIATE transaction) against raw better-sqlite3 inserting the
 * identical rows into an identical database (same DDL, indexes, triggers, pragmas, one transaction per
 * batch) with the JSON and hashes computed outside the timed region.
 *
 * Both sides are fed batch by batch, alternately, from the same events, so machine noise falls on both
 * alike. Creating the events (createEvent, as the engine does) is never timed.
 */
export const appendBench: BenchModule = {
  name: 'append',
  async run({ events, log }) {
    const tmp = benchDir('bench-append-');
    try {
      const oursFile = path.join(tmp.dir, 'ours.db');
      const rawFile = path.join(tmp.dir, 'raw.db');
      const store = SqliteEventStore.open(oursFile);
      const raw = new Database(rawFile);
      applyPragmas(raw);
      createSchema(raw);
      const insert = raw.prepare<Row>(INSERT_SQL);
      const insertBatch = raw.transaction((rows: Row[]) => {
        for (const r of rows) insert.run(...r);
      });

      const gen = new SnapshotGenerator('bt-5eed5eed5eed5eed');
      const ours = new Stopwatch();
      const baseline = new Stopwatch();
      const oursVersion = new Map<string, number | 'no_stream'>();
      const rawVersion = new Map<string, number>();
      let rawPosition = 0;
      let rawPrev = GENESIS_HASH;
      let bytes = 0;

      for (let done = 0, b = 0; done < events; b++) {
        const size = Math.min(BATCH_SIZE, events - done);
        const stream = `run-bt-5eed5eed5eed5eed-${b % STREAMS}`;
        const batch = gen.batch(size);

        const expected = oursVersion.get(stream) ?? 'no_stream';
        const runOurs = async () => {
          const r = await ours.timeAsync(() => store.append(stream, batch, expected));
          oursVersion.set(stream, r.nextExpectedVersion);
        };
        // Raw side: rows built outside the timed region, and only when its turn comes, so that they are
        // never live (and copied by the garbage collector) while the other side is being timed.
        const runRaw = () => {
          let version = rawVersion.get(stream) ?? -1;
          const rows: Row[] = batch.map((e) => {
            version++;
            rawPosition++;
            const dataJson = canonicalJson(e.data);
            const metadataJson = canonicalJson(e.metadata);
            const hash = computeHash({ stream, streamVersion: version, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, prevHash: rawPrev, dataJson, metadataJson });
            bytes += dataJson.length + metadataJson.length + e.eventId.length + stream.length + e.type.length + 128;
            const row: Row = [rawPosition, stream, version, e.eventId, e.type, e.schemaVersion, dataJson, metadataJson, rawPrev, hash];
            rawPrev = hash;
            return row;
          });
          rawVersion.set(stream, version);
          baseline.time(() => insertBatch.immediate(rows));
        };
        // Alternate which side goes first, so neither always runs on a warmer cache.
        if (b % 2 === 0) {
          await runOurs();
          runRaw();
        } else {
          runRaw();
          await runOurs();
        }
        done += size;
        if (b % 100 === 99) log(`${fmtInt(done)} events: ours ${fmtInt(perSecond(done, ours.seconds))}/s, raw ${fmtInt(perSecond(done, baseline.seconds))}/s`);
      }

      // The two databases must hold the same rows: identical chains end in identical hashes.
      const head = await store.head();
      await store.close();
      raw.close();
      if (head.position !== rawPosition || head.hash !== rawPrev) {
        throw new Error(`append bench: the two logs differ (ours ${head.position}/${head.hash}, raw ${rawPosition}/${rawPrev})`);
      }
      const oursRate = perSecond(events, ours.seconds);
      const rawRate = perSecond(events, baseline.seconds);
      const open = timeWriteOpen(oursFile);
      return {
        rows: [
          { label: 'SqliteEventStore.append', events, seconds: ours.seconds },
          { label: 'raw better-sqlite3 insert', events, seconds: baseline.seconds },
        ],
        ratios: [{ label: 'append ours/raw', value: oursRate / rawRate, goal: 0.7 }],
        notes: [
          `${BATCH_SIZE} events per append, ${STREAMS} streams, avg row ${(bytes / events).toFixed(0)} bytes, ` +
            `db files ${(statSync(oursFile).size / 2 ** 20).toFixed(0)} MB / ${(statSync(rawFile).size / 2 ** 20).toFixed(0)} MB, identical head hash`,
          `opening this ${fmtInt(events)}-event log for writing (every page checked first): ${open.openSeconds.toFixed(2)} s, ` +
            `of which PRAGMA quick_check ${open.checkSeconds.toFixed(2)} s (${((open.checkSeconds / ours.seconds) * 100).toFixed(1)}% of appending the log)`,
        ],
      };
    } finally {
      tmp.cleanup();
    }
  },
};

/**
 * What refusing damaged files costs: a writable open checks every page (SqliteEventStore.open,
 * checkPagesOnOpen), which reads the whole file once. Timed on the log just written, and the page
 * check alone on a raw read-only connection.
 */
function timeWriteOpen(file: string): { openSeconds: number; checkSeconds: number } {
  const t0 = performance.now();
  const store = SqliteEventStore.open(file);
  const openSeconds = (performance.now() - t0) / 1000;
  void store.close();
  const raw = new Database(file, { readonly: true });
  try {
    const t1 = performance.now();
    raw.prepare('PRAGMA quick_check').all();
    return { openSeconds, checkSeconds: (performance.now() - t1) / 1000 };
  } finally {
    raw.close();
  }
}

/** A deterministic random walk of 1-minute BTC bars, as a backtest records them. */
export class SnapshotGenerator {
  private seq = 0;
  private price = 43_000;
  private state = 0x2545f491;
  constructor(private readonly runId: string) {}

  private next(): number {
    // xorshift32: deterministic and cheap; Math.random is not needed for shape.
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }

  batch(size: number): NewEvent[] {
    const out: NewEvent[] = new Array(size);
    for (let i = 0; i < size; i++) out[i] = this.event();
    return out;
  }

  private event(): NewEvent {
    const cycle = this.seq++;
    const open = this.price;
    const close = open * (1 + (this.next() - 0.5) * 0.004);
    const high = Math.max(open, close) * (1 + this.next() * 0.001);
    const low = Math.min(open, close) * (1 - this.next() * 0.001);
    this.price = close;
    const at = new Date(Date.UTC(2023, 0, 1) + cycle * 60_000).toISOString();
    return createEvent(
      'MarketSnapshotRecorded',
      `${this.runId}:${cycle}:0`,
      {
        interval: '1m',
        bars: [{ symbol: 'BTCUSDT', openTime: at, open: open.toFixed(2), high: high.toFixed(2), low: low.toFixed(2), close: close.toFixed(2), volume: (this.next() * 50).toFixed(5) }],
      },
      { runId: this.runId, mode: 'backtest', cycleId: `${this.runId}:c${cycle}`, causationId: null, at },
    );
  }
}
