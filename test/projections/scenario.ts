import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import type { AnyNewEvent } from '../../src/events/event-factory.js';
import { EventLog, fill, runStarted, submit } from './builders.js';

/**
 * Generated logs for property tests: several runs interleaved, each with snapshots and orders that move
 * through legal lifecycles (acks, rejections, 429s, unknown outcomes, retries, reconciliation,
 * escalation, partial and late fills, resent fills), plus risk-mode changes, kill switches and reserve
 * allocations. Steps are drawn as numbers and interpreted against a small model of each order, so every
 * generated log is legal.
 */

interface ModelOrder {
  runId: string;
  id: string;
  side: 'BUY' | 'SELL';
  qty: number;
  filled: number;
  attempts: number;
  status: string;
  fills: string[];
}

export type Step = { op: number; a: number; b: number; c: number };

export const stepArb: fc.Arbitrary<Step> = fc.record({ op: fc.nat(99), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000) });
export const scenarioArb = fc.array(stepArb, { minLength: 20, maxLength: 150, size: 'medium' });

export interface Scenario {
  events: AnyNewEvent[];
}

export function buildScenario(steps: Step[]): Scenario {
  const log = new EventLog();
  const events: AnyNewEvent[] = [];
  const runs: string[] = [];
  const orders: ModelOrder[] = [];
  let orderSeq = 0;
  let fillSeq = 0;
  const emit = (...args: Parameters<EventLog['newEvent']>) => events.push(log.newEvent(...args));

  const startRun = () => {
    const runId = `run-${runs.length + 1}`;
    runs.push(runId);
    emit('RunStarted', runStarted({ initialCash: String(1000 * runs.length) }), runId);
    return runId;
  };

  const doFill = (o: ModelOrder, portion: number) => {
    const remaining = o.qty - o.filled;
    const q = Math.max(1, Math.min(remaining, portion));
    const fillId = `f${++fillSeq}`;
    o.fills.push(fillId);
    o.filled += q;
    const price = new Decimal(100 + (fillSeq % 17)).plus(new Decimal(fillSeq % 7).div(100)).toFixed();
    emit('OrderFilled', fill(o.id, fillId, { qty: String(q), side: o.side, price, fee: new Decimal(q).div(1000).toFixed() }), o.runId);
    if (o.status !== 'CANCELED') o.status = o.filled === o.qty ? 'FILLED' : 'PARTIALLY_FILLED';
    else if (o.filled === o.qty) o.status = 'FILLED';
  };

  for (const s of steps) {
    const runId = runs.length === 0 || s.op < 5 ? startRun() : runs[s.a % runs.length]!;
    const open = orders.filter((o) => !['FILLED', 'REJECTED', 'FAILED'].includes(o.status));
    if (s.op < 25) {
      emit('MarketSnapshotRecorded', { interval: '1h', bars: [{ symbol: 'BTCUSDT', openTime: '2024-01-01T00:00:00.000Z', open: '100', high: '101', low: '99', close: String(100 + (s.b % 5)), volume: '12.5' }] }, runId);
    } else if (s.op < 40 || open.length === 0) {
      const o: ModelOrder = { runId, id: `c${++orderSeq}`, side: s.b % 2 ? 'BUY' : 'SELL', qty: 1 + (s.c % 9), filled: 0, attempts: 1, status: 'REQUESTED', fills: [] };
      orders.push(o);
      emit('IntentProposed', { intentId: `intent-${o.id}`, strategy: 'sma-cross', symbol: 'BTCUSDT', side: o.side, orderType: 'MARKET', qty: String(o.qty), limitPrice: null, rationale: 'generated', context: {} }, runId);
      if (s.b % 5 === 0) {
        emit('OrderDenied', { intentId: `intent-${o.id}`, clientOrderId: null, reasonCode: 'POSITION_CAP', layer: 'RISK', context: {} }, runId);
        orders.pop();
      } else emit('OrderSubmitRequested', submit(o.id, { qty: String(o.qty), side: o.side }), o.runId);
    } else if (s.op < 90) {
      const o = open[s.a % open.length]!;
      const c = o.id;
      const r = o.runId;
      const choice = s.b;
      switch (o.status) {
        case 'REQUESTED': {
          const k = choice % 6;
          if (k === 0) { emit('OrderAccepted', { clientOrderId: c, venueOrderId: `v-${c}` }, r); o.status = 'ACCEPTED'; }
          else if (k === 1) { emit('OrderRejected', { clientOrderId: c, reasonCode: 'VENUE_INVALID_ORDER', rawReason: 'bad' }, r); o.status = 'REJECTED'; }
          else if (k === 2) { emit('OrderOutcomeUnknown', { clientOrderId: c, attempt: o.attempts, cause: 'TIMEOUT', detail: 't' }, r); o.status = 'UNKNOWN'; }
          else if (k === 3) { emit('OrderSubmitThrottled', { clientOrderId: c, attempt: o.attempts, retryAfterMs: 100, rawReason: '429' }, r); o.status = 'THROTTLED'; }
          else doFill(o, s.c % 10);
          break;
        }
        case 'THROTTLED':
          o.attempts++;
          emit('OrderSubmitRequested', submit(c, { qty: String(o.qty), side: o.side, attempt: o.attempts }), r);
          o.status = 'REQUESTED';
          break;
        case 'UNKNOWN':
        case 'ESCALATED': {
          const k = choice % 5;
          if (k === 0 && o.status === 'UNKNOWN') {
            o.attempts++;
            emit('OrderSubmitRequested', submit(c, { qty: String(o.qty), side: o.side, attempt: o.attempts }), r);
            o.status = 'REQUESTED';
          } else if (k === 1) {
            emit('OrderReconciled', { clientOrderId: c, outcome: 'COMMITTED', reasonCode: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: `v-${c}`, attempt: 1, notFoundStreak: 0 }, r);
            o.status = 'COMMITTED';
          } else if (k === 2) {
            emit('OrderReconciled', { clientOrderId: c, outcome: 'FAILED', reasonCode: 'FAILED', via: 'NONE', venueOrderId: null, attempt: 1, notFoundStreak: 0 }, r);
            o.status = 'FAILED';
          } else if (k === 3) {
            emit('UnknownOrderEscalated', { clientOrderId: c, attempts: 3, ageMs: 60000, reasonCode: 'ESCALATED' }, r);
            o.status = 'ESCALATED';
          } else doFill(o, s.c % 10);
          break;
        }
        case 'ACCEPTED':
        case 'COMMITTED':
        case 'PARTIALLY_FILLED':
        case 'CANCELED': {
          const k = choice % 4;
          if (k === 0 && o.status !== 'CANCELED') { emit('OrderCanceled', { clientOrderId: c, reason: 'stale' }, r); o.status = 'CANCELED'; }
          else if (k === 1 && o.fills.length > 0) {
            // a venue resending a fill it already reported
            const fillId = o.fills[s.c % o.fills.length]!;
            emit('OrderFilled', fill(c, fillId, { qty: '1', side: o.side, price: '1' }), r);
          } else if (o.filled < o.qty) doFill(o, s.c % 10);
          break;
        }
        default:
          break;
      }
    } else if (s.op < 94) {
      const modes = ['NORMAL', 'REDUCE', 'OBSERVE'] as const;
      emit('RiskModeChanged', { from: modes[s.b % 3]!, to: modes[s.c % 3]!, reasonCode: 'DRAWDOWN_BREACH', context: { drawdown: '0.1' } }, runId);
    } else if (s.op < 96) {
      emit(s.b % 2 ? 'KillSwitchEngaged' : 'KillSwitchReleased', { reason: 'operator', by: 'cli' }, runId);
    } else if (s.op < 98) {
      emit('ReserveAllocated', { amount: new Decimal(s.b).div(10).toFixed(), fraction: '0.25', context: {} }, runId);
    } else {
      emit('CycleCompleted', { cycleSeq: s.b, phaseMs: { risk: 0 }, intents: 1, orders: 1 }, runId);
      if (s.c % 3 === 0) emit('RunEnded', { reason: 'COMPLETED', cycles: s.b, detail: null }, runId);
    }
  }
  return { events };
}
