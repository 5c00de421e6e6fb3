import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import { CURRENT_SCHEMA_VERSION, type EventType, schemas } from '../../src/events/catalog.js';
import type { StoredEvent } from '../../src/events/envelope.js';
import { createEvent, formatIssues, toTypedEvent, validatedDataJson } from '../../src/events/event-factory.js';
import { fastEncode } from '../../src/events/fast-codecs.js';
import { FAST_VALIDATED_TYPES, fastValidate } from '../../src/events/fast-validate.js';
import { decodeValidated } from '../../src/projections/decode.js';
import { normalizeDecimal } from '../../src/events/decimal-string.js';

type HotType = 'CycleStarted' | 'MarketSnapshotRecorded' | 'CycleCompleted' | 'IntentProposed' | 'RiskDecisionMade' | 'OrderSubmitRequested' | 'OrderAccepted' | 'OrderFilled';

/**
 * The fast codecs against zod (the source of truth) and canonicalJson: whenever a fast codec accepts
 * an input, zod accepts it too, with deep-equal output (same key order) and canonicalJson of zod's
 * output equal to the fast JSON. Whatever it declines goes to zod, so rejections and their messages
 * are zod's by construction; createEvent is checked end to end for both outcomes.
 */
function agrees(type: HotType, input: unknown): boolean {
  const fast = fastEncode(type, input);
  if (fast === undefined) return false;
  const parsed = schemas[type].safeParse(input);
  expect(parsed.success, `zod rejects what the fast codec accepted: ${JSON.stringify(input)}`).toBe(true);
  expect(fast.data).toStrictEqual(parsed.data);
  expect(JSON.stringify(fast.data)).toBe(JSON.stringify(parsed.data)); // key order too
  expect(fast.json).toBe(canonicalJson(parsed.data));
  expect(Object.isFrozen(fast.data)).toBe(true);
  expect(fast.data).not.toBe(input);
  return true;
}

const META = { runId: 'r1', mode: 'backtest' as const, cycleId: 'r1:c1', causationId: null, at: '2024-01-01T00:00:00.000Z' };

/** createEvent (fast path or not) behaves exactly as zod + canonicalJson would. */
function createEventMatchesZod(type: HotType, input: unknown): void {
  const parsed = schemas[type].safeParse(input);
  if (parsed.success) {
    const e = createEvent(type, 'e1', input as never, META);
    expect(e.data).toStrictEqual(parsed.data);
    expect(validatedDataJson(e)).toBe(canonicalJson(parsed.data));
  } else {
    expect(() => createEvent(type, 'e1', input as never, META)).toThrow(formatIssues(parsed.error.issues));
  }
}

// ---- generators: valid values in the engine's own spelling, and near misses of every kind

const normalPositive = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.nat({ max: 25 }), fc.bigInt({ min: 0n, max: 10n ** 25n }))
  .map(([i, scale, f]) => new Decimal(`${i}.${f.toString().padStart(scale, '0')}`))
  .filter((d) => d.gt(0))
  .map((d) => d.toFixed());

const decimalSpelling = fc.oneof(
  normalPositive,
  fc.constantFrom('0', '-0', '0.0', '00.5', '1.50', '.5', '5.', '+1', '1e3', '1E-7', '-1', '-0.5', '01', ' 1', '1 ', '', 'abc', '0x10', '1..2', '１'),
  fc.tuple(fc.constantFrom('', '+', '-'), fc.stringMatching(/^\d{0,4}(\.\d{0,4})?([eE][+-]?\d{1,2})?$/)).map(([s, b]) => s + b),
  fc.double({ noNaN: false }).map(String),
);
const decimalValue = fc.oneof({ weight: 6, arbitrary: decimalSpelling }, { weight: 1, arbitrary: fc.anything() });

const isoValid = fc.date({ min: new Date(Date.UTC(0, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString());
const isoSpelling = fc.oneof(
  isoValid,
  isoValid.map((s) => s.replace('Z', '+02:00')),
  isoValid.map((s) => s.replace(/\.\d+Z$/, 'Z')),
  isoValid.map((s) => s.slice(0, 10)),
  fc.constantFrom('2023-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2023-02-30T00:00:00Z', '2023-04-31T00:00:00Z', '2023-13-01T00:00:00Z', '2023-01-01T24:00:00Z', '2023-01-01 00:00:00Z', '2023-01-01T00:00:00', '+002023-01-01T00:00:00.000Z'),
  fc.string(),
);

const symbolSpelling = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:/-]{1,40}$/), fc.constantFrom('', 'BTC USD', 'a'.repeat(41), 'ÄBC', 'x\n'), fc.string());

function maybeExtra<T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(arb, fc.option(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }), { nil: undefined })).map(([v, extra]) => (extra ? { ...extra, ...v } : v));
}

const count = fc.oneof(
  { weight: 5, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.constantFrom(-1, -0, 0.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, '1', null) },
  { weight: 1, arbitrary: fc.anything() },
);

const barValid = fc.record({
  symbol: fc.stringMatching(/^[A-Za-z0-9._:/-]{1,40}$/),
  openTime: isoValid,
  open: normalPositive,
  high: normalPositive,
  low: normalPositive,
  close: normalPositive,
  volume: fc.oneof(normalPositive, fc.constant('0')),
});

const snapshotValid = fc.record({
  interval: fc.option(fc.string(), { nil: null }),
  bars: fc.uniqueArray(barValid, { minLength: 1, maxLength: 3, selector: (b) => b.symbol }),
});

const barAny = fc.oneof(
  {
    weight: 8,
    arbitrary: maybeExtra(
      fc.record(
        { symbol: symbolSpelling, openTime: isoSpelling, open: decimalValue, high: decimalValue, low: decimalValue, close: decimalValue, volume: decimalValue },
        { requiredKeys: ['symbol', 'openTime', 'open', 'high', 'low', 'close'] },
      ),
    ),
  },
  { weight: 1, arbitrary: fc.anything() },
);

const snapshotAny = maybeExtra(
  fc.record(
    {
      interval: fc.oneof(fc.constant(null), fc.string(), fc.anything()),
      bars: fc.oneof(
        { weight: 8, arbitrary: fc.array(barAny, { maxLength: 3 }) },
        { weight: 1, arbitrary: barValid.map((b) => [b, { ...b }]) },
        { weight: 1, arbitrary: fc.anything() },
      ),
    },
    { requiredKeys: ['bars'] },
  ),
);

const phaseKey = fc.oneof(fc.constantFrom('marketData', 'risk', 'strategy', 'execution', 'total', 'submit', '0', '10', '__proto__', 'constructor'), fc.string());
const phaseValue = fc.oneof({ weight: 5, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(-0, -1, NaN, Infinity, -Infinity, '1', null) });
const phaseValid = fc.dictionary(fc.constantFrom('marketData', 'risk', 'strategy', 'execution', 'total', 'submit', 'submitMax'), fc.double({ min: 0, max: 1e6, noNaN: true }));
const phaseAny = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(phaseKey, phaseValue, { maxKeys: 6 }) },
  { weight: 1, arbitrary: fc.dictionary(phaseKey, phaseValue, { maxKeys: 3 }).map((d) => Object.assign(Object.create(null) as object, d)) },
  { weight: 1, arbitrary: fc.dictionary(phaseKey, phaseValue, { maxKeys: 3 }).map((d) => ({ ...d, [Symbol('s')]: 1 })) },
  { weight: 1, arbitrary: fc.dictionary(phaseKey, phaseValue, { maxKeys: 3 }).map((d) => Object.defineProperty({ ...d }, 'hidden', { value: 1, enumerable: false })) },
  { weight: 1, arbitrary: fc.anything() },
);

const completedValid = fc.record({ cycleSeq: fc.nat(), phaseMs: phaseValid, intents: fc.nat(), orders: fc.nat() });
const completedAny = maybeExtra(fc.record({ cycleSeq: count, phaseMs: phaseAny, intents: count, orders: count }, { requiredKeys: [] }));

const RUNS = { numRuns: 400 };

describe('fast codecs of the per-bar events (property: equivalent to zod + canonicalJson)', () => {
  it('normalPositive strings are in normalizeDecimal form (generator sanity)', () => {
    fc.assert(fc.property(normalPositive, (s) => { expect(normalizeDecimal(s)).toBe(s); }), RUNS);
  });

  it('CycleStarted: accepts every valid value; agrees with zod on anything', () => {
    fc.assert(fc.property(maybeExtra(fc.record({ cycleSeq: fc.nat(), killSwitch: fc.boolean() })), (v) => { expect(agrees('CycleStarted', v)).toBe(true); }), RUNS);
    const flag = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.anything() });
    fc.assert(fc.property(fc.oneof(maybeExtra(fc.record({ cycleSeq: count, killSwitch: flag }, { requiredKeys: [] })), fc.anything()), (v) => {
      agrees('CycleStarted', v);
      createEventMatchesZod('CycleStarted', v);
    }), RUNS);
  });

  it('MarketSnapshotRecorded: accepts every valid value in normal form; agrees with zod on anything', () => {
    fc.assert(fc.property(maybeExtra(snapshotValid), (v) => { expect(agrees('MarketSnapshotRecorded', v)).toBe(true); }), RUNS);
    let accepted = 0;
    let declined = 0;
    fc.assert(fc.property(fc.oneof({ weight: 9, arbitrary: snapshotAny }, { weight: 1, arbitrary: fc.anything() }), (v) => {
      if (agrees('MarketSnapshotRecorded', v)) accepted++;
      else declined++;
      createEventMatchesZod('MarketSnapshotRecorded', v);
    }), { numRuns: 1000 });
    expect(declined).toBeGreaterThan(0);
    expect(accepted + declined).toBe(1000);
  });

  it('MarketSnapshotRecorded: one field at a time in any spelling (near misses of a valid snapshot)', () => {
    const field = fc.constantFrom('open', 'high', 'low', 'close', 'volume', 'openTime', 'symbol', 'interval');
    let declined = 0;
    fc.assert(fc.property(snapshotValid, field, fc.oneof(decimalSpelling, isoSpelling, symbolSpelling, fc.anything()), (v, f, x) => {
      const input = f === 'interval' ? { ...v, interval: x } : { ...v, bars: [{ ...v.bars[0]!, [f]: x }, ...v.bars.slice(1)] };
      if (!agrees('MarketSnapshotRecorded', input)) declined++;
      createEventMatchesZod('MarketSnapshotRecorded', input);
    }), { numRuns: 2000 });
    expect(declined).toBeGreaterThan(0);
  });

  it('MarketSnapshotRecorded: non-normal decimal spellings go to zod and come out normalised', () => {
    const v = { interval: '1m', bars: [{ symbol: 'SYN', openTime: '2024-01-01T00:00:00.000Z', open: '1.50', high: '2', low: '1', close: '1.5e0', volume: '0.0' }] };
    expect(fastEncode('MarketSnapshotRecorded', v)).toBeUndefined();
    const e = createEvent('MarketSnapshotRecorded', 'e1', v, META);
    expect(e.data.bars).toEqual([{ symbol: 'SYN', openTime: '2024-01-01T00:00:00.000Z', open: '1.5', high: '2', low: '1', close: '1.5', volume: '0' }]);
  });

  it('MarketSnapshotRecorded: two bars of one symbol are refused by both paths', () => {
    const bar = { symbol: 'SYN', openTime: '2024-01-01T00:00:00.000Z', open: '1', high: '2', low: '1', close: '1.5', volume: '0' };
    expect(fastEncode('MarketSnapshotRecorded', { interval: null, bars: [bar, bar] })).toBeUndefined();
    expect(() => createEvent('MarketSnapshotRecorded', 'e1', { interval: null, bars: [bar, bar] }, META)).toThrow(/one bar per symbol/);
  });

  it('CycleCompleted: accepts every valid value; agrees with zod on anything', () => {
    fc.assert(fc.property(maybeExtra(completedValid), (v) => { expect(agrees('CycleCompleted', v)).toBe(true); }), RUNS);
    fc.assert(fc.property(fc.oneof({ weight: 9, arbitrary: completedAny }, { weight: 1, arbitrary: fc.anything() }), (v) => {
      agrees('CycleCompleted', v);
      createEventMatchesZod('CycleCompleted', v);
    }), { numRuns: 1000 });
  });

  it('other types have no fast codec', () => {
    expect(fastEncode('RunStarted', {})).toBeUndefined();
    expect(fastEncode('OrderRejected', { clientOrderId: 'c', reasonCode: 'X', rawReason: '' })).toBeUndefined();
  });
});

// ---- the per-trade events (issue 15)

const idValid = fc.string({ minLength: 1, maxLength: 200 });
const idSpelling = fc.oneof({ weight: 4, arbitrary: idValid }, { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(200), 'x'.repeat(201), '𝄞'.repeat(100), '𝄞'.repeat(101)) }, { weight: 1, arbitrary: fc.anything() });
const anyOf = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.anything() });
const sideValid = fc.constantFrom('BUY', 'SELL');
const typeValid = fc.constantFrom('MARKET', 'LIMIT');
const nonNegativeValid = fc.oneof(normalPositive, fc.constant('0'));
// A __proto__ key is valid to zod; the codec declines it (zod then decides), so the always-accepted values leave it out.
const contextValid = fc.dictionary(fc.string().filter((k) => k !== '__proto__'), fc.string(), { maxKeys: 5 });
const contextAny = fc.oneof(
  { weight: 5, arbitrary: contextValid },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', '10', '2')), fc.oneof(fc.string(), fc.anything()), { maxKeys: 4 }) },
  { weight: 1, arbitrary: contextValid.map((d) => Object.assign(Object.create(null) as object, d)) },
  { weight: 1, arbitrary: contextValid.map((d) => ({ ...d, [Symbol('s')]: 'x' })) },
  { weight: 1, arbitrary: fc.anything() },
);
const reasonSpelling = fc.oneof(fc.constantFrom(null, 'POSITION_CAP', 'A', 'A1_B', 'a', '_A', 'A-B', ''), fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), fc.anything());

const tradeTypes: Array<{ type: HotType; valid: fc.Arbitrary<object>; any: fc.Arbitrary<object> }> = [
  {
    type: 'IntentProposed',
    valid: fc.record({ intentId: idValid, strategy: fc.string(), symbol: fc.stringMatching(/^[A-Za-z0-9._:/-]{1,40}$/), side: sideValid, orderType: typeValid, qty: normalPositive, limitPrice: fc.option(normalPositive, { nil: null }), rationale: fc.string(), context: contextValid }),
    any: fc.record({ intentId: idSpelling, strategy: anyOf(fc.string()), symbol: symbolSpelling, side: anyOf(sideValid), orderType: anyOf(typeValid), qty: decimalValue, limitPrice: fc.oneof(fc.constant(null), decimalValue), rationale: anyOf(fc.string()), context: contextAny }, { requiredKeys: [] }),
  },
  {
    type: 'RiskDecisionMade',
    valid: fc.record({ intentId: idValid, verdict: fc.constantFrom('APPROVED', 'REDUCED', 'DENIED'), reasonCode: fc.option(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), { nil: null }), layer: fc.constantFrom(null, 'POLICY', 'RISK', 'EXECUTION', 'VENUE', 'RECONCILIATION'), requestedQty: normalPositive, approvedQty: nonNegativeValid, riskMode: fc.constantFrom('NORMAL', 'REDUCE', 'OBSERVE'), context: contextValid }),
    any: fc.record({ intentId: idSpelling, verdict: anyOf(fc.constantFrom('APPROVED', 'REDUCED', 'DENIED', 'approved')), reasonCode: reasonSpelling, layer: anyOf(fc.constantFrom(null, 'RISK', 'risk')), requestedQty: decimalValue, approvedQty: decimalValue, riskMode: anyOf(fc.constantFrom('NORMAL', 'OBSERVE', 'normal')), context: contextAny }, { requiredKeys: [] }),
  },
  {
    type: 'OrderSubmitRequested',
    valid: fc.record({ clientOrderId: idValid, intentId: idValid, symbol: fc.stringMatching(/^[A-Za-z0-9._:/-]{1,40}$/), side: sideValid, orderType: typeValid, qty: normalPositive, limitPrice: fc.option(normalPositive, { nil: null }), attempt: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }) }),
    any: fc.record({ clientOrderId: idSpelling, intentId: idSpelling, symbol: symbolSpelling, side: anyOf(sideValid), orderType: anyOf(typeValid), qty: decimalValue, limitPrice: fc.oneof(fc.constant(null), decimalValue), attempt: count }, { requiredKeys: [] }),
  },
  {
    type: 'OrderAccepted',
    valid: fc.record({ clientOrderId: idValid, venueOrderId: idValid }),
    any: fc.record({ clientOrderId: idSpelling, venueOrderId: idSpelling }, { requiredKeys: [] }),
  },
  {
    type: 'OrderFilled',
    valid: fc.record({ clientOrderId: idValid, venueOrderId: fc.option(idValid, { nil: null }), fillId: idValid, symbol: fc.stringMatching(/^[A-Za-z0-9._:/-]{1,40}$/), side: sideValid, qty: normalPositive, price: normalPositive, fee: nonNegativeValid, feeAsset: fc.string(), liquidity: fc.constantFrom('MAKER', 'TAKER', 'UNKNOWN'), time: fc.option(isoValid, { nil: null }) }),
    any: fc.record({ clientOrderId: idSpelling, venueOrderId: fc.oneof(fc.constant(null), idSpelling), fillId: idSpelling, symbol: symbolSpelling, side: anyOf(sideValid), qty: decimalValue, price: decimalValue, fee: decimalValue, feeAsset: anyOf(fc.string()), liquidity: anyOf(fc.constantFrom('MAKER', 'TAKER', 'UNKNOWN', 'maker')), time: fc.oneof(fc.constant(null), isoSpelling) }, { requiredKeys: [] }),
  },
];

describe('fast codecs of the per-trade events (property: equivalent to zod + canonicalJson)', () => {
  it.each(tradeTypes.map((t) => [t.type, t] as const))('%s: accepts every valid value; agrees with zod on anything', (_name, t) => {
    fc.assert(fc.property(maybeExtra(t.valid), (v) => { expect(agrees(t.type, v)).toBe(true); }), RUNS);
    let declined = 0;
    fc.assert(fc.property(fc.oneof({ weight: 9, arbitrary: maybeExtra(t.any) }, { weight: 1, arbitrary: fc.anything() }), (v) => {
      if (!agrees(t.type, v)) declined++;
      createEventMatchesZod(t.type, v);
    }), { numRuns: 1000 });
    expect(declined).toBeGreaterThan(0);
  });

  it.each(tradeTypes.map((t) => [t.type, t] as const))('%s: one field at a time in any spelling (near misses of a valid value)', (_name, t) => {
    fc.assert(fc.property(t.valid, fc.nat(), fc.oneof(decimalSpelling, isoSpelling, symbolSpelling, idSpelling, contextAny, fc.anything()), (v, i, x) => {
      const keys = Object.keys(v);
      const input = { ...v, [keys[i % keys.length]!]: x };
      agrees(t.type, input);
      createEventMatchesZod(t.type, input);
    }), { numRuns: 1000 });
  });
});

// ---- the read path (issue 15): fastValidate, the accept-only validators a validated projection rebuild asks first

/** fastValidate accepts only what zod accepts, and then gives zod's very output (a fresh graph, same key order). */
function validatorAgrees(type: EventType, input: unknown): boolean {
  const fast = fastValidate(type, input);
  if (fast === undefined) return false;
  const parsed = schemas[type].safeParse(input);
  expect(parsed.success, `zod rejects what fastValidate accepted as ${type}: ${String(JSON.stringify(input))}`).toBe(true);
  expect(fast).toStrictEqual(parsed.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(parsed.data)); // key order too
  expect(fast).not.toBe(input);
  return true;
}

function outcome(decode: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: decode() };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** The read path end to end: decodeValidated gives what toTypedEvent gives, the same value or the same error. */
function decodeMatchesZod(type: EventType, input: unknown): void {
  const e: StoredEvent = { globalPosition: 7, stream: 'run-r1', streamVersion: 6, eventId: 'e7', type, schemaVersion: CURRENT_SCHEMA_VERSION[type], data: input, metadata: META, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) };
  const ref = outcome(() => toTypedEvent(e));
  const got = outcome(() => decodeValidated(e));
  expect(got).toStrictEqual(ref);
  if ('value' in got && 'value' in ref) expect(JSON.stringify(got.value)).toBe(JSON.stringify(ref.value));
}

/** What the store hands a reader: the value through JSON, when it has a JSON form. */
function viaJson(v: unknown): unknown {
  try {
    const text = JSON.stringify(v);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

const reasonValid = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/);
const posInt = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const symbolValid = fc.stringMatching(/^[A-Za-z0-9._:/-]{1,40}$/);
const layerValid = fc.constantFrom('POLICY', 'RISK', 'EXECUTION', 'VENUE', 'RECONCILIATION');
const riskModeValid = fc.constantFrom('NORMAL', 'REDUCE', 'OBSERVE');
const signedValid = fc.oneof(fc.constant('0'), normalPositive, normalPositive.map((s) => '-' + s));

/** Each type's fields as arbitraries of valid values (contexts without a __proto__ key, which the validators leave to zod). */
const models: Partial<Record<EventType, Record<string, fc.Arbitrary<unknown>>>> = {
  CycleStarted: { cycleSeq: fc.nat(), killSwitch: fc.boolean() },
  MarketSnapshotRecorded: { interval: fc.option(fc.string(), { nil: null }), bars: snapshotValid.map((s) => s.bars) },
  IntentProposed: { intentId: idValid, strategy: fc.string(), symbol: symbolValid, side: sideValid, orderType: typeValid, qty: normalPositive, limitPrice: fc.option(normalPositive, { nil: null }), rationale: fc.string(), context: contextValid },
  RiskDecisionMade: { intentId: idValid, verdict: fc.constantFrom('APPROVED', 'REDUCED', 'DENIED'), reasonCode: fc.option(reasonValid, { nil: null }), layer: fc.option(layerValid, { nil: null }), requestedQty: normalPositive, approvedQty: nonNegativeValid, riskMode: riskModeValid, context: contextValid },
  OrderSubmitRequested: { clientOrderId: idValid, intentId: idValid, symbol: symbolValid, side: sideValid, orderType: typeValid, qty: normalPositive, limitPrice: fc.option(normalPositive, { nil: null }), attempt: posInt },
  OrderAccepted: { clientOrderId: idValid, venueOrderId: idValid },
  OrderRejected: { clientOrderId: idValid, reasonCode: reasonValid, rawReason: fc.string() },
  OrderDenied: { intentId: idValid, clientOrderId: fc.option(idValid, { nil: null }), reasonCode: reasonValid, layer: layerValid, context: contextValid },
  OrderOutcomeUnknown: { clientOrderId: idValid, attempt: posInt, cause: fc.constantFrom('TIMEOUT', 'NETWORK', 'HTTP_5XX', 'DUPLICATE'), detail: fc.string() },
  OrderSubmitThrottled: { clientOrderId: idValid, attempt: posInt, retryAfterMs: fc.nat(), rawReason: fc.string() },
  OrderFilled: { clientOrderId: idValid, venueOrderId: fc.option(idValid, { nil: null }), fillId: idValid, symbol: symbolValid, side: sideValid, qty: normalPositive, price: normalPositive, fee: nonNegativeValid, feeAsset: fc.string(), liquidity: fc.constantFrom('MAKER', 'TAKER', 'UNKNOWN'), time: fc.option(isoValid, { nil: null }) },
  OrderCanceled: { clientOrderId: idValid, reason: fc.string() },
  OrderReconciled: { clientOrderId: idValid, outcome: fc.constantFrom('COMMITTED', 'FAILED', 'STILL_UNKNOWN'), reasonCode: reasonValid, via: fc.constantFrom('CLIENT_ORDER_ID', 'OPEN_ORDERS', 'FILLS', 'NONE'), venueOrderId: fc.option(idValid, { nil: null }), attempt: posInt, notFoundStreak: fc.nat() },
  UnknownOrderEscalated: { clientOrderId: idValid, attempts: fc.nat(), ageMs: fc.nat(), reasonCode: reasonValid },
  RiskModeChanged: { from: riskModeValid, to: riskModeValid, reasonCode: reasonValid, context: contextValid },
  KillSwitchEngaged: { reason: fc.string({ minLength: 1 }), by: fc.string() },
  KillSwitchReleased: { reason: fc.string({ minLength: 1 }), by: fc.string() },
  ReserveAllocated: { amount: nonNegativeValid, fraction: signedValid, context: contextValid },
  CycleCompleted: { cycleSeq: fc.nat(), phaseMs: phaseValid, intents: fc.nat(), orders: fc.nat() },
  RunResumed: { cycleSeq: posInt, armed: fc.boolean(), purpose: fc.constantFrom('CONTINUE', 'RECONCILE'), packageVersion: fc.string(), gitCommit: fc.option(fc.string(), { nil: null }) },
};

/** A field's value in every wrong way: other types, empty, too long, non-normal or malformed decimals, bad patterns, odd objects. */
const WRONG: readonly unknown[] = [
  undefined, null, true, 0, -0, 1, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, '', 'x', 'x'.repeat(201), '0', '-0', '1.50', '01', '1e3', '.5', '+1', '-1', '-0.5', 'abc',
  ' 1', '2024-02-30T00:00:00Z', '2024-01-01T00:00:00', 'BTC USDT', 'lower_case', 'buy', 'maker', 'normal', [], [{}], {}, { a: 1 }, { a: '1' },
  Object.assign(Object.create(null) as object, { a: '1' }), JSON.parse('{"__proto__":"x"}') as unknown, { toString: 'x' },
];
const wrongValue = fc.oneof(fc.constantFrom(...WRONG), decimalSpelling, isoSpelling, symbolSpelling, idSpelling, contextAny, reasonSpelling, count, phaseAny, fc.anything());

const validatedTypes = FAST_VALIDATED_TYPES.map((t) => [t] as const);

describe('fast validators of the read path (property: accept-only, zod output when they accept)', () => {
  it('cover every bulk type, and no type with free-form JSON', () => {
    expect([...FAST_VALIDATED_TYPES].sort()).toEqual(Object.keys(models).sort());
    expect(FAST_VALIDATED_TYPES).not.toContain('RunStarted');
    expect(FAST_VALIDATED_TYPES).not.toContain('RunEnded');
    expect(fastValidate('RunStarted', {})).toBeUndefined();
    expect(fastValidate('toString', {})).toBeUndefined();
    expect(fastValidate('__proto__', {})).toBeUndefined();
  });

  it.each(validatedTypes)('%s: every valid value (as written and through JSON) is accepted, with zod\'s output', (type) => {
    const valid = maybeExtra(fc.record(models[type]!) as fc.Arbitrary<object>);
    fc.assert(fc.property(valid, (v) => {
      expect(validatorAgrees(type, v)).toBe(true);
      expect(validatorAgrees(type, viaJson(v))).toBe(true);
      decodeMatchesZod(type, viaJson(v));
    }), { numRuns: 300 });
  });

  it.each(validatedTypes)('%s: near misses, every field wrong in every way (and missing): same verdict and output as zod', (type) => {
    const model = models[type]!;
    let declined = 0;
    fc.assert(fc.property(fc.record(model) as fc.Arbitrary<Record<string, unknown>>, (v) => {
      for (const key of Object.keys(model)) {
        const missing = { ...v };
        delete missing[key];
        for (const input of [missing, ...WRONG.map((w) => ({ ...v, [key]: w }))]) {
          if (!validatorAgrees(type, input)) declined++;
          decodeMatchesZod(type, input);
          decodeMatchesZod(type, viaJson(input));
        }
      }
    }), { numRuns: 15 });
    expect(declined).toBeGreaterThan(0);
  });

  it.each(validatedTypes)('%s: arbitrary input, field by field and whole: same verdict and output as zod', (type) => {
    const model = models[type]!;
    const fields = Object.fromEntries(Object.entries(model).map(([k, a]) => [k, fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: wrongValue })]));
    const fieldwise = fc.oneof({ weight: 3, arbitrary: fc.record(fields) }, { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) });
    let accepted = 0;
    fc.assert(fc.property(fc.oneof({ weight: 8, arbitrary: maybeExtra(fieldwise) as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.jsonValue() }), (v) => {
      if (validatorAgrees(type, v)) accepted++;
      validatorAgrees(type, viaJson(v));
      decodeMatchesZod(type, v);
      decodeMatchesZod(type, viaJson(v));
    }), { numRuns: 500 });
    expect(accepted).toBeGreaterThan(0);
  });

  it('a decimal in another spelling is left to zod, which normalises it; a repeated symbol is refused by both', () => {
    const bar = { symbol: 'SYN', openTime: '2024-01-01T00:00:00.000Z', open: '1.50', high: '2', low: '1', close: '1.5', volume: '0' };
    expect(fastValidate('MarketSnapshotRecorded', { interval: null, bars: [bar] })).toBeUndefined();
    decodeMatchesZod('MarketSnapshotRecorded', { interval: null, bars: [bar] });
    const ok = { ...bar, open: '1.5' };
    expect(fastValidate('MarketSnapshotRecorded', { interval: null, bars: [ok] })).toBeDefined();
    expect(fastValidate('MarketSnapshotRecorded', { interval: null, bars: [ok, { ...ok }] })).toBeUndefined();
    decodeMatchesZod('MarketSnapshotRecorded', { interval: null, bars: [ok, { ...ok }] });
  });
});
