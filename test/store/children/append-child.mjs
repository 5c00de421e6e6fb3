// A separate OS process appending to a shared event log. It imports the COMPILED store (dist/), which
// test/global-setup.ts builds before the tests run. Reports one JSON line on stdout.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { SqliteEventStore } = await import(path.join(root, 'dist/src/events/store/sqlite/sqlite-event-store.js'));
const { createEvent } = await import(path.join(root, 'dist/src/events/event-factory.js'));

const args = JSON.parse(process.argv[2]);
const { db, name, mode, barrier, parties } = args;

let seq = 0;
const event = () => {
  seq++;
  const at = new Date(Date.UTC(2024, 0, 1) + seq * 1000).toISOString();
  return createEvent(
    'MarketSnapshotRecorded',
    `${name}-${seq}`,
    { interval: '1s', bars: [{ symbol: 'BTCUSDT', openTime: at, open: '100', high: '101', low: '99', close: String(100 + (seq % 7)), volume: '3.5' }] },
    { runId: name, mode: 'live', cycleId: `${name}-c${seq}`, causationId: null, at },
  );
};

/** Every child waits here until all have arrived, so that their appends really overlap. */
async function meetAtBarrier() {
  writeFileSync(path.join(barrier, `${name}.ready`), '');
  while (readdirSync(barrier).filter((f) => f.endsWith('.ready')).length < parties) await new Promise((r) => setTimeout(r, 2));
}

const store = SqliteEventStore.open(db);
const report = { name, ids: [], written: 0, conflicts: 0, errors: [], first: null };
const record = (err) => {
  if (err?.name === 'ExpectedVersionConflictError') report.conflicts++;
  else report.errors.push(`${err?.name}: ${err?.message}`);
};

await meetAtBarrier();
if (mode === 'bulk') {
  // Shared streams with 'any', plus a stream of our own with exact expected versions.
  let own = 'no_stream';
  for (let i = 0; i < args.batches; i++) {
    const shared = Array.from({ length: args.batchSize }, event);
    const mine = [event()];
    try {
      await store.append(`shared-${i % 3}`, shared, 'any');
      report.ids.push(...shared.map((e) => e.eventId));
      own = (await store.append(`own-${name}`, mine, own)).nextExpectedVersion;
      report.ids.push(mine[0].eventId);
    } catch (err) {
      record(err);
    }
  }
} else if (mode === 'race') {
  // Both children believe the stream is new: exactly one may win.
  try {
    const e = event();
    await store.append('race', [e], 'no_stream');
    report.first = 'written';
    report.ids.push(e.eventId);
  } catch (err) {
    report.first = { name: err.name, expected: err.expected, actual: err.actual };
  }
  // Then optimistic read-modify-append on one hot stream.
  for (let i = 0; i < args.rounds; i++) {
    const version = await store.streamVersion('hot');
    const e = event();
    try {
      await store.append('hot', [e], version);
      report.written++;
      report.ids.push(e.eventId);
    } catch (err) {
      record(err);
    }
  }
}
await store.close();
process.stdout.write(JSON.stringify(report) + '\n');
