import { afterAll } from 'vitest';
import { openEsdbStore } from '../../src/events/store/esdb/index.js';
import { EsdbStandIn } from '../support/esdb-standin/index.js';
import { describeStoreContract } from '../store/contract.js';

/**
 * The shared store contract against the EventStoreDB adapter. CI runs it against the in-process
 * stand-in (a gRPC server on the client's own service definitions — not a server); with
 * ESDB_URL=esdb://host:2113?tls=false it runs against that real server instead.
 */
const url = process.env.ESDB_URL;
let standIn: Promise<EsdbStandIn> | null = null;
afterAll(async () => {
  if (standIn) await (await standIn).stop();
});

describeStoreContract(url ? `EsdbEventStore (server at ${url})` : 'EsdbEventStore (in-process stand-in, not a server)', async () => {
  let target = url;
  if (!target) {
    standIn ??= EsdbStandIn.start();
    target = (await standIn).connectionString;
  }
  const store = await openEsdbStore(target, { deadlineMs: 5_000 });
  return { store, cleanup: async () => undefined };
});
