import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EventMetadata, NewEvent } from '../../src/events/envelope.js';
import { createEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';

/**
 * A small but realistic run appended through the real SQLite store: a started run, two cycles with a
 * bar, an intent, a DENIED and an APPROVED risk decision, an order filled twice (one fill stored at
 * OrderFilled v1, to show upcasting), and a kill switch and the end of the run: 17 events.
 */
export const RUN_ID = 'run-cli-1';
export const FIXTURE_EVENT_COUNT = 17;

export async function buildFixtureLog(dbPath: string): Promise<void> {
  const store = SqliteEventStore.open(dbPath, { create: true });
  try {
    let n = 0;
    const meta = (cycle: number | null, minute: number): EventMetadata => ({
      runId: RUN_ID,
      mode: 'backtest',
      cycleId: cycle === null ? null : `${RUN_ID}:c${cycle}`,
      causationId: null,
      at: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString(),
    });
    const id = (): string => `${RUN_ID}:e${++n}`;
    const stream = `run-${RUN_ID}`;
    const batches: NewEvent[][] = [];
    batches.push([
      createEvent('RunStarted', id(), {
        mode: 'backtest', strategy: 'sma-cross', params: { fast: '10', slow: '30' }, symbol: 'BTCUSDT', venue: 'sim', seed: '42',
        config: { feeBps: 10 }, configHash: sha('config'), data: null, eventsMode: 'full', initialCash: '10000', quoteAsset: 'USDT',
        packageVersion: '0.1.0', gitCommit: null, armed: false,
      }, meta(null, 0)),
    ]);
    for (const cycle of [0, 1]) {
      const m = meta(cycle, cycle + 1);
      const intentId = `${RUN_ID}:i${cycle}`;
      const clientOrderId = `${RUN_ID}-c${cycle}-1`;
      const batch: NewEvent[] = [
        createEvent('CycleStarted', id(), { cycleSeq: cycle, killSwitch: false }, m),
        createEvent('MarketSnapshotRecorded', id(), {
          interval: '1m',
          bars: [{ symbol: 'BTCUSDT', openTime: m.at, open: '42000', high: '42100.5', low: '41900', close: '42050', volume: '12.5' }],
        }, m),
        createEvent('IntentProposed', id(), {
          intentId, strategy: 'sma-cross', symbol: 'BTCUSDT', side: 'BUY', orderType: 'MARKET', qty: '0.5', limitPrice: null,
          rationale: 'fast SMA(10) crossed above slow SMA(30)', context: { fast: '42010', slow: '41990' },
        }, m),
      ];
      if (cycle === 0) {
        batch.push(
          createEvent('RiskDecisionMade', id(), {
            intentId, verdict: 'DENIED', reasonCode: 'NOTIONAL_CAP_PER_ORDER', layer: 'RISK', requestedQty: '0.5', approvedQty: '0',
            riskMode: 'NORMAL', context: { notional: '21025', cap: '1000' },
          }, m),
          createEvent('CycleCompleted', id(), { cycleSeq: cycle, phaseMs: { strategy: 0 }, intents: 1, orders: 0 }, m),
        );
      } else {
        batch.push(
          createEvent('RiskDecisionMade', id(), {
            intentId, verdict: 'REDUCED', reasonCode: 'NOTIONAL_CAP_PER_ORDER', layer: 'RISK', requestedQty: '0.5', approvedQty: '0.02',
            riskMode: 'NORMAL', context: { notional: '21025', cap: '1000' },
          }, m),
          createEvent('OrderSubmitRequested', id(), {
            clientOrderId, intentId, symbol: 'BTCUSDT', side: 'BUY', orderType: 'MARKET', qty: '0.02', limitPrice: null, attempt: 1,
          }, m),
          createEvent('OrderAccepted', id(), { clientOrderId, venueOrderId: 'v-1' }, m),
          // Stored at schemaVersion 1 (no feeAsset/liquidity): readers upcast it.
          { ...createEvent('OrderFilled', id(), {
            clientOrderId, venueOrderId: 'v-1', fillId: 'f-1', symbol: 'BTCUSDT', side: 'BUY', qty: '0.01', price: '42050', fee: '0.42',
            feeAsset: 'QUOTE', liquidity: 'UNKNOWN', time: null,
          }, m), schemaVersion: 1, data: {
            clientOrderId, venueOrderId: 'v-1', fillId: 'f-1', symbol: 'BTCUSDT', side: 'BUY', qty: '0.01', price: '42050', fee: '0.42',
          } },
          createEvent('OrderFilled', id(), {
            clientOrderId, venueOrderId: 'v-1', fillId: 'f-2', symbol: 'BTCUSDT', side: 'BUY', qty: '0.01', price: '42051', fee: '0.42',
            feeAsset: 'USDT', liquidity: 'TAKER', time: m.at,
          }, m),
          createEvent('CycleCompleted', id(), { cycleSeq: cycle, phaseMs: { strategy: 0 }, intents: 1, orders: 1 }, m),
        );
      }
      batches.push(batch);
    }
    batches.push([
      createEvent('KillSwitchEngaged', id(), { reason: 'test', by: 'cli', }, meta(null, 5)),
      createEvent('RunEnded', id(), { reason: 'COMPLETED', cycles: 2, detail: null }, meta(null, 5)),
    ]);
    let version: number | 'no_stream' = 'no_stream';
    for (const b of batches) version = (await store.append(stream, b, version)).nextExpectedVersion;
  } finally {
    await store.close();
  }
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
