import type { StoredEvent } from '../events/envelope.js';
import { CURRENT_SCHEMA_VERSION, isEventType } from '../events/catalog.js';
import { parseEventData, type ParseResult } from '../events/event-factory.js';

/**
 * An event's data at the current schema version. Data already at the current version is shown as
 * stored, without re-validating (listing a large log must not cost a zod parse per line; proving the
 * bytes unchanged is `engine doctor`'s job); older versions are upcast and validated.
 */
export function currentData(e: StoredEvent): ParseResult<unknown> {
  if (isEventType(e.type) && e.schemaVersion === CURRENT_SCHEMA_VERSION[e.type] && typeof e.data === 'object' && e.data !== null) {
    return { ok: true, value: e.data };
  }
  return parseEventData(e.type, e.schemaVersion, e.data);
}

/**
 * One short line about an event's data, so a person scanning `engine events ls` sees WHAT happened
 * and WHY (verdicts, reason codes and the compared values behind them) without opening the event.
 * Reads the upcast data; an event whose data no longer validates says so instead of hiding it.
 */
export function summarizeEvent(e: StoredEvent): string {
  const parsed = currentData(e);
  if (!parsed.ok) return `(invalid data: ${parsed.error})`;
  const d = parsed.value as Record<string, unknown>;
  const s = (k: string): string => String(d[k] ?? '');
  switch (e.type) {
    case 'RunStarted':
      return `${s('mode')} ${s('strategy')} ${s('symbol')} on ${s('venue')}${d.seed != null ? ` seed=${s('seed')}` : ''}${d.armed === true ? ' ARMED' : ''}`;
    case 'CycleStarted':
      return `cycle ${s('cycleSeq')}`;
    case 'MarketSnapshotRecorded': {
      // v2: one bar per instrument that has one at this time.
      const bars = (Array.isArray(d.bars) ? d.bars : []) as Array<Record<string, unknown>>;
      return bars.map((bar) => `${String(bar.symbol)} ${String(bar.openTime ?? '')} O=${String(bar.open)} H=${String(bar.high)} L=${String(bar.low)} C=${String(bar.close)} V=${String(bar.volume)}`).join('; ');
    }
    case 'IntentProposed':
      return `${s('side')} ${s('qty')} ${s('symbol')} ${s('orderType')}${d.limitPrice != null ? ` @${s('limitPrice')}` : ''}: ${s('rationale')}${context(d.context)}`;
    case 'RiskDecisionMade':
      return `${s('verdict')}${d.reasonCode != null ? ` ${s('reasonCode')}` : ''} qty ${s('requestedQty')} -> ${s('approvedQty')} mode=${s('riskMode')}${context(d.context)}`;
    case 'OrderSubmitRequested':
      return `${s('clientOrderId')} ${s('side')} ${s('qty')} ${s('symbol')} ${s('orderType')}${d.limitPrice != null ? ` @${s('limitPrice')}` : ''} attempt ${s('attempt')}`;
    case 'OrderAccepted':
      return `${s('clientOrderId')} venue id ${s('venueOrderId')}`;
    case 'OrderRejected':
      return `${s('clientOrderId')} ${s('reasonCode')}: ${s('rawReason')}`;
    case 'OrderDenied':
      return `${s('clientOrderId') || s('intentId')} ${s('reasonCode')} (${s('layer')})${context(d.context)}`;
    case 'OrderOutcomeUnknown':
      return `${s('clientOrderId')} ${s('cause')} attempt ${s('attempt')}: ${s('detail')}`;
    case 'OrderFilled':
      return `${s('clientOrderId')} fill ${s('fillId')} ${s('side')} ${s('qty')} ${s('symbol')} @ ${s('price')} fee ${s('fee')} ${s('feeAsset')}`;
    case 'OrderCanceled':
      return `${s('clientOrderId')}: ${s('reason')}`;
    case 'OrderReconciled':
      return `${s('clientOrderId')} ${s('outcome')} ${s('reasonCode')} via ${s('via')} attempt ${s('attempt')}`;
    case 'UnknownOrderEscalated':
      return `${s('clientOrderId')} ${s('reasonCode')} after ${s('attempts')} attempts, ${s('ageMs')} ms`;
    case 'RiskModeChanged':
      return `${s('from')} -> ${s('to')} ${s('reasonCode')}${context(d.context)}`;
    case 'KillSwitchEngaged':
    case 'KillSwitchReleased':
      return `by ${s('by')}: ${s('reason')}`;
    case 'ReserveAllocated':
      return `${s('amount')} (fraction ${s('fraction')})${context(d.context)}`;
    case 'CycleCompleted':
      return `cycle ${s('cycleSeq')} intents=${s('intents')} orders=${s('orders')}${timings(d.phaseMs)}`;
    case 'RunEnded':
      return `${s('reason')} after ${s('cycles')} cycles${d.detail != null ? `: ${s('detail')}` : ''}`;
    default:
      return truncate(JSON.stringify(d), 120);
  }
}

function context(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const pairs = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length ? ` [${pairs.join(' ')}]` : '';
}

function timings(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const pairs = Object.entries(value as Record<string, number>).map(([k, v]) => `${k}=${v}ms`);
  return pairs.length ? ` (${pairs.join(' ')})` : '';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 3) + '...';
}
