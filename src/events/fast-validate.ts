import { CURRENT_SCHEMA_VERSION, type EventType, SnapshotBar, schemas } from './catalog.js';
import { NORMAL_POSITIVE, isPlainRecord, zodPattern } from './fast-codecs.js';

/**
 * Accept-only validators for reading: `fastValidate(type, data)` gives exactly what
 * `schemas[type].parse(data)` gives (a fresh object graph, same values, same key order, unknown keys
 * stripped) or undefined when it is not certain, and the caller then asks zod, which decides and writes
 * the error. So an event zod refuses is still refused, with zod's message, and every accepted value is
 * zod's own output: test/events/fast-validate.test.ts holds both with fast-check (valid values, every
 * field wrong in every way, arbitrary input).
 *
 * Unlike ./fast-codecs.ts (the write path), nothing is encoded: the reader already has the stored bytes,
 * so validating a row costs a few typeof checks and regex tests instead of a zod parse plus a Decimal
 * per amount. Decimals are accepted only in normalizeDecimal()'s normal form, where zod's transform is
 * the identity (others go to zod and come out normalised).
 *
 * Types not listed (RunStarted, RunEnded: free-form JSON, one per run) always go to zod.
 */

const FAIL: unique symbol = Symbol('fail');
type Check = (v: unknown) => unknown;

const ISO = zodPattern(SnapshotBar.shape.openTime);
const SYMBOL = zodPattern(SnapshotBar.shape.symbol);
const REASON = zodPattern(schemas.OrderRejected.shape.reasonCode);
/** Normal form of any decimal: "0", or a normal positive with an optional minus sign. */
const NORMAL_SIGNED = new RegExp(`^(?:0|-?(?:${NORMAL_POSITIVE.source.slice(1, -1)}))$`);

const str: Check = (v) => (typeof v === 'string' ? v : FAIL);
const nonEmpty: Check = (v) => (typeof v === 'string' && v.length >= 1 ? v : FAIL);
/** The catalog's Id: 1 to 200 characters. */
const id: Check = (v) => (typeof v === 'string' && v.length >= 1 && v.length <= 200 ? v : FAIL);
const matching = (re: RegExp | undefined): Check => (re === undefined ? () => FAIL : (v) => (typeof v === 'string' && re.test(v) ? v : FAIL));
const symbol = matching(SYMBOL);
const iso = matching(ISO);
const reasonCode = matching(REASON);
const positiveDecimal = matching(NORMAL_POSITIVE);
const nonNegativeDecimal: Check = (v) => (v === '0' ? v : positiveDecimal(v));
const decimal = matching(NORMAL_SIGNED);
const bool: Check = (v) => (typeof v === 'boolean' ? v : FAIL);
const nonNegativeInt: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : FAIL);
const positiveInt: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : FAIL);

function oneOf(values: readonly string[]): Check {
  const set: ReadonlySet<unknown> = new Set(values);
  return (v) => (set.has(v) ? v : FAIL);
}

function nullable(check: Check): Check {
  return (v) => (v === null ? null : check(v));
}

/** z.record(z.string(), value): a plain object whose own keys are all enumerable strings (no __proto__), copied in order. */
function record(value: Check): Check {
  return (v) => {
    if (!isPlainRecord(v)) return FAIL;
    const keys = Object.keys(v);
    if (Reflect.ownKeys(v).length !== keys.length) return FAIL;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = value(v[k]);
      if (k === '__proto__' || x === FAIL) return FAIL;
      out[k] = x;
    }
    return out;
  };
}

/** z.object(shape): a plain object; the listed keys in this order (the schema's), others dropped. */
function object(fields: ReadonlyArray<readonly [string, Check]>): Check {
  return (v) => {
    if (!isPlainRecord(v)) return FAIL;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const [k, check] = fields[i]!;
      const x = check(v[k]);
      if (x === FAIL) return FAIL;
      out[k] = x;
    }
    return out;
  };
}

const side = oneOf(['BUY', 'SELL']);
const orderType = oneOf(['MARKET', 'LIMIT']);
const layer = oneOf(['POLICY', 'RISK', 'EXECUTION', 'VENUE', 'RECONCILIATION']);
const riskMode = oneOf(['NORMAL', 'REDUCE', 'OBSERVE']);
const context = record(str);

const snapshotBar = object([
  ['openTime', iso],
  ['open', positiveDecimal],
  ['high', positiveDecimal],
  ['low', positiveDecimal],
  ['close', positiveDecimal],
  ['volume', nonNegativeDecimal],
  ['symbol', symbol],
]);

/** z.array(SnapshotBar).min(1) with its one-bar-per-symbol refinement. */
const snapshotBars: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0 || Object.getPrototypeOf(v) !== Array.prototype) return FAIL;
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    const b = snapshotBar(v[i]);
    if (b === FAIL) return FAIL;
    for (let j = 0; j < out.length; j++) if ((out[j] as { symbol: string }).symbol === (b as { symbol: string }).symbol) return FAIL;
    out.push(b);
  }
  return out;
};

const VALIDATORS: Partial<Record<EventType, Check>> = {
  CycleStarted: object([
    ['cycleSeq', nonNegativeInt],
    ['killSwitch', bool],
  ]),
  MarketSnapshotRecorded: object([
    ['interval', nullable(str)],
    ['bars', snapshotBars],
  ]),
  IntentProposed: object([
    ['intentId', id],
    ['strategy', str],
    ['symbol', symbol],
    ['side', side],
    ['orderType', orderType],
    ['qty', positiveDecimal],
    ['limitPrice', nullable(positiveDecimal)],
    ['rationale', str],
    ['context', context],
  ]),
  RiskDecisionMade: object([
    ['intentId', id],
    ['verdict', oneOf(['APPROVED', 'REDUCED', 'DENIED'])],
    ['reasonCode', nullable(reasonCode)],
    ['layer', nullable(layer)],
    ['requestedQty', positiveDecimal],
    ['approvedQty', nonNegativeDecimal],
    ['riskMode', riskMode],
    ['context', context],
  ]),
  OrderSubmitRequested: object([
    ['clientOrderId', id],
    ['intentId', id],
    ['symbol', symbol],
    ['side', side],
    ['orderType', orderType],
    ['qty', positiveDecimal],
    ['limitPrice', nullable(positiveDecimal)],
    ['attempt', positiveInt],
  ]),
  OrderAccepted: object([
    ['clientOrderId', id],
    ['venueOrderId', id],
  ]),
  OrderRejected: object([
    ['clientOrderId', id],
    ['reasonCode', reasonCode],
    ['rawReason', str],
  ]),
  OrderDenied: object([
    ['intentId', id],
    ['clientOrderId', nullable(id)],
    ['reasonCode', reasonCode],
    ['layer', layer],
    ['context', context],
  ]),
  OrderOutcomeUnknown: object([
    ['clientOrderId', id],
    ['attempt', positiveInt],
    ['cause', oneOf(['TIMEOUT', 'NETWORK', 'HTTP_5XX', 'DUPLICATE'])],
    ['detail', str],
  ]),
  OrderSubmitThrottled: object([
    ['clientOrderId', id],
    ['attempt', positiveInt],
    ['retryAfterMs', nonNegativeInt],
    ['rawReason', str],
  ]),
  OrderFilled: object([
    ['clientOrderId', id],
    ['venueOrderId', nullable(id)],
    ['fillId', id],
    ['symbol', symbol],
    ['side', side],
    ['qty', positiveDecimal],
    ['price', positiveDecimal],
    ['fee', nonNegativeDecimal],
    ['feeAsset', str],
    ['liquidity', oneOf(['MAKER', 'TAKER', 'UNKNOWN'])],
    ['time', nullable(iso)],
  ]),
  OrderCanceled: object([
    ['clientOrderId', id],
    ['reason', str],
  ]),
  OrderReconciled: object([
    ['clientOrderId', id],
    ['outcome', oneOf(['COMMITTED', 'FAILED', 'STILL_UNKNOWN'])],
    ['reasonCode', reasonCode],
    ['via', oneOf(['CLIENT_ORDER_ID', 'OPEN_ORDERS', 'FILLS', 'NONE'])],
    ['venueOrderId', nullable(id)],
    ['attempt', positiveInt],
    ['notFoundStreak', nonNegativeInt],
  ]),
  UnknownOrderEscalated: object([
    ['clientOrderId', id],
    ['attempts', nonNegativeInt],
    ['ageMs', nonNegativeInt],
    ['reasonCode', reasonCode],
  ]),
  RiskModeChanged: object([
    ['from', riskMode],
    ['to', riskMode],
    ['reasonCode', reasonCode],
    ['context', context],
  ]),
  KillSwitchEngaged: object([
    ['reason', nonEmpty],
    ['by', str],
  ]),
  KillSwitchReleased: object([
    ['reason', nonEmpty],
    ['by', str],
  ]),
  ReserveAllocated: object([
    ['amount', nonNegativeDecimal],
    ['fraction', decimal],
    ['context', context],
  ]),
  CycleCompleted: object([
    ['cycleSeq', nonNegativeInt],
    ['phaseMs', record((v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : FAIL))],
    ['intents', nonNegativeInt],
    ['orders', nonNegativeInt],
  ]),
  RunResumed: object([
    ['cycleSeq', positiveInt],
    ['armed', bool],
    ['purpose', oneOf(['CONTINUE', 'RECONCILE'])],
    ['packageVersion', str],
    ['gitCommit', nullable(str)],
  ]),
};

/** The event types with a fast validator. */
export const FAST_VALIDATED_TYPES: readonly EventType[] = Object.keys(VALIDATORS) as EventType[];

/**
 * zod's output for `data` as `type` at its current schema version, or undefined: then ask zod
 * (parseEventData), which accepts or refuses and explains. Never undefined for a value in the form the
 * engine writes (normal-form decimals), so a rebuild of the engine's own log never needs zod for these types.
 */
export function fastValidate(type: string, data: unknown): object | undefined {
  const check = Object.prototype.hasOwnProperty.call(VALIDATORS, type) ? VALIDATORS[type as EventType] : undefined;
  if (check === undefined) return undefined;
  const out = check(data);
  return out === FAIL ? undefined : (out as object);
}

/** Whether `schemaVersion` is the current one of `type` (fastValidate speaks only for the current version). */
export function isCurrentVersion(type: EventType, schemaVersion: number): boolean {
  return CURRENT_SCHEMA_VERSION[type] === schemaVersion;
}
