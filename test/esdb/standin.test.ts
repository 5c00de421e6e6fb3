import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
} from '@eventstore/db-client';
import { EsdbStandIn } from '../support/esdb-standin/index.js';

// The stand-in must answer the real client the way a server does; these checks talk to it only
// through @eventstore/db-client over a socket.
describe.each([true, false])('EventStoreDB stand-in (batchAppend advertised: %s)', (batchAppend) => {
  let node: EsdbStandIn;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    node = await EsdbStandIn.start({ batchAppend });
    client = EventStoreDBClient.connectionString(node.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await node.stop();
  });

  const ev = (id: string, n: number) => jsonEvent({ id, type: 'Thing', data: { n } });
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`.replace('4000', '4a00');

  it('appends with revisions from 0 and reports wrong expected versions with the actual revision or no_stream', async () => {
    const r = await client.appendToStream('s-1', [ev(uuid(1), 1), ev(uuid(2), 2)], { expectedRevision: NO_STREAM });
    expect(r.nextExpectedRevision).toBe(1n);
    const err = await client.appendToStream('s-1', [ev(uuid(3), 3)], { expectedRevision: 0n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect((err as WrongExpectedVersionError).actualVersion).toBe(1n);
    const err2 = await client.appendToStream('s-none', [ev(uuid(4), 4)], { expectedRevision: 3n }).catch((e: unknown) => e);
    expect((err2 as WrongExpectedVersionError).actualVersion).toBe('no_stream');
  });

  it('acknowledges a repeated batch without writing it twice', async () => {
    const again = await client.appendToStream('s-1', [ev(uuid(1), 1), ev(uuid(2), 2)], { expectedRevision: NO_STREAM });
    expect(again.nextExpectedRevision).toBe(1n);
    const events = [];
    for await (const e of client.readStream('s-1')) events.push(e.event!.revision);
    expect(events).toEqual([0n, 1n]);
  });

  it('reads forwards, backwards, $all with increasing non-contiguous positions, and says when a stream is missing', async () => {
    const back = [];
    for await (const e of client.readStream('s-1', { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) back.push(e.event!.revision);
    expect(back).toEqual([1n]);
    const positions: bigint[] = [];
    const types: string[] = [];
    for await (const e of client.readAll({ fromPosition: START })) {
      positions.push(e.event!.position.commit);
      types.push(e.event!.type);
    }
    expect(types.some((t) => t.startsWith('$'))).toBe(true);
    for (let i = 1; i < positions.length; i++) {
      expect(positions[i]! > positions[i - 1]!).toBe(true);
      expect(positions[i]! - positions[i - 1]!).toBeGreaterThan(1n);
    }
    const missing = await (async () => {
      for await (const _ of client.readStream('nope')) void _;
    })().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StreamNotFoundError);
  });

  it('delivers catch-up then live events to a filtered subscription', async () => {
    const sub = client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ prefixes: ['Thing'] }) });
    const seen: number[] = [];
    let caughtUp = false;
    sub.on('caughtUp', () => { caughtUp = true; });
    const done = (async () => {
      for await (const e of sub) {
        seen.push((e.event!.data as { n: number }).n);
        if (seen.length === 3) break;
      }
    })();
    // Wait for the catch-up to end (bounded: a loaded machine is slow, not wrong), then append live.
    for (let waited = 0; !caughtUp && waited < 30_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(caughtUp).toBe(true);
    await client.appendToStream('s-2', [ev(uuid(9), 9)]);
    await done;
    await sub.unsubscribe();
    expect(seen).toEqual([1, 2, 9]);
  });
});
