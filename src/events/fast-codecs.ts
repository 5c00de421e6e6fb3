import { SnapshotBar } from './catalog.js';

/**
 * Hand-written validators + canonical encoders for the per-bar event types of a full-mode backtest
 * (CycleStarted, MarketSnapshotRecorded, CycleCompleted): zod + canonicalJson cost more than the
 * SQLite insert of the row, three times per bar.
 *
 * zod stays the source of truth. A fast codec only ACCEPTS, never rejects: it returns undefined for
 * anything it is not certain about (non-normal decimals, odd objects, bad values...), and the caller
 * then takes the zod path, whose accept/reject decision and error messages therefore stay exactly
 * zod's. When it does accept, its output equals zod's output and its JSON equals canonicalJson of
 * it: test/events/fast-codecs.test.ts checks both properties with fast-check.
 *
 * The output is a fresh, deep-frozen object graph (never the caller's objects), like createEvent's.
 */
export interface FastEncoded {
  data: object;
  json: string;
}

type FastCodec = (input: unknown) => FastEncoded | undefined;

/** The regex zod itself checks for a string schema (its first check), so both paths test the same pattern. */
export function zodPattern(schema: unknown): RegExp | undefined {
  const checks = (schema as { _zod?: { def?: { checks?: Array<{ _zod?: { def?: { pattern?: unknown } } }> } } })._zod?.def?.checks;
  const pattern = checks?.[0]?._zod?.def?.pattern;
  return pattern instanceof RegExp ? new RegExp(pattern.source, pattern.flags.replace('g', '')) : undefined;
}

const barShape = SnapshotBar.shape;
const ISO_PATTERN = zodPattern(barShape.openTime);
const SYMBOL_PATTERN = zodPattern(barShape.symbol);

/**
 * A decimal string already in normalizeDecimal()'s normal form and > 0: plain notation, no sign,
 * no leading zeros, no trailing fractional zeros, not zero. (Decimal keeps every digit of a plain
 * string, so normalizeDecimal returns such a string unchanged.)
 */
export const NORMAL_POSITIVE = /^(?:[1-9]\d*(?:\.\d*[1-9])?|0\.\d*[1-9])$/;

export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** canonicalJson of a finite number. */
function num(v: number): string {
  return Object.is(v, -0) ? '0' : JSON.stringify(v);
}

function positive(v: unknown): v is string {
  return typeof v === 'string' && NORMAL_POSITIVE.test(v);
}

function nonNegative(v: unknown): v is string {
  return v === '0' || positive(v);
}

const cycleStarted: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { cycleSeq, killSwitch } = input;
  if (!isNonNegativeInt(cycleSeq) || typeof killSwitch !== 'boolean') return undefined;
  return { data: Object.freeze({ cycleSeq, killSwitch }), json: '{"cycleSeq":' + num(cycleSeq) + ',"killSwitch":' + String(killSwitch) + '}' };
};

/** One bar of a snapshot: its frozen copy and canonical JSON, or undefined. */
function snapshotBar(bar: unknown): { data: object; json: string; symbol: string } | undefined {
  if (ISO_PATTERN === undefined || SYMBOL_PATTERN === undefined || !isPlainRecord(bar)) return undefined;
  const { symbol, openTime, open, high, low, close, volume } = bar;
  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) return undefined;
  if (typeof openTime !== 'string' || !ISO_PATTERN.test(openTime)) return undefined;
  if (!positive(open) || !positive(high) || !positive(low) || !positive(close) || !nonNegative(volume)) return undefined;
  const json =
    '{"close":"' + close + '","high":"' + high + '","low":"' + low + '","open":"' + open +
    '","openTime":' + JSON.stringify(openTime) + ',"symbol":' + JSON.stringify(symbol) + ',"volume":"' + volume + '"}';
  return { data: Object.freeze({ openTime, open, high, low, close, volume, symbol }), json, symbol };
}

const marketSnapshotRecorded: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { interval, bars } = input;
  if (interval !== null && typeof interval !== 'string') return undefined;
  if (!Array.isArray(bars) || bars.length === 0 || Object.getPrototypeOf(bars) !== Array.prototype) return undefined;
  const out: object[] = [];
  const symbols = new Set<string>();
  let json = '{"bars":[';
  for (let i = 0; i < bars.length; i++) {
    const b = snapshotBar(bars[i]);
    if (b === undefined || symbols.has(b.symbol)) return undefined;
    symbols.add(b.symbol);
    out.push(b.data);
    json += (i === 0 ? '' : ',') + b.json;
  }
  json += '],"interval":' + (interval === null ? 'null' : JSON.stringify(interval)) + '}';
  return { data: Object.freeze({ interval, bars: Object.freeze(out) }), json };
};

// A cycle's phaseMs has the same keys bar after bar: sort them once per key list.
let lastKeys: readonly string[] = [];
let lastSorted: readonly string[] = [];

function sortedKeys(keys: readonly string[]): readonly string[] {
  let same = keys.length === lastKeys.length;
  for (let i = 0; same && i < keys.length; i++) same = keys[i] === lastKeys[i];
  if (!same) {
    lastKeys = keys;
    lastSorted = [...keys].sort();
  }
  return lastSorted;
}

/** phaseMs: a plain object of string keys (all enumerable, no __proto__) to finite numbers >= 0. */
function phaseRecord(v: unknown): { data: Record<string, number>; json: string } | undefined {
  if (!isPlainRecord(v)) return undefined;
  const keys = Object.keys(v);
  if (Reflect.ownKeys(v).length !== keys.length) return undefined; // symbol or non-enumerable keys
  const data: Record<string, number> = {};
  for (const k of keys) {
    const x = v[k];
    if (k === '__proto__' || typeof x !== 'number' || !Number.isFinite(x) || !(x >= 0)) return undefined;
    data[k] = x;
  }
  const sorted = sortedKeys(keys);
  let json = '{';
  for (let i = 0; i < sorted.length; i++) {
    const k = sorted[i]!;
    json += (i === 0 ? '' : ',') + JSON.stringify(k) + ':' + num(data[k]!);
  }
  return { data: Object.freeze(data), json: json + '}' };
}

const cycleCompleted: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { cycleSeq, intents, orders } = input;
  if (!isNonNegativeInt(cycleSeq) || !isNonNegativeInt(intents) || !isNonNegativeInt(orders)) return undefined;
  const phaseMs = phaseRecord(input.phaseMs);
  if (phaseMs === undefined) return undefined;
  return {
    data: Object.freeze({ cycleSeq, phaseMs: phaseMs.data, intents, orders }),
    json: '{"cycleSeq":' + num(cycleSeq) + ',"intents":' + num(intents) + ',"orders":' + num(orders) + ',"phaseMs":' + phaseMs.json + '}',
  };
};

// --- the per-trade events of a backtest (issue 15): an intent, its verdict, the request, the ack, the fill ---

const REASON_CODE = /^[A-Z][A-Z0-9_]*$/;
const SIDES: ReadonlySet<unknown> = new Set(['BUY', 'SELL']);
const ORDER_TYPES: ReadonlySet<unknown> = new Set(['MARKET', 'LIMIT']);
const VERDICTS: ReadonlySet<unknown> = new Set(['APPROVED', 'REDUCED', 'DENIED']);
const LAYERS: ReadonlySet<unknown> = new Set(['POLICY', 'RISK', 'EXECUTION', 'VENUE', 'RECONCILIATION']);
const RISK_MODES: ReadonlySet<unknown> = new Set(['NORMAL', 'REDUCE', 'OBSERVE']);
const LIQUIDITY: ReadonlySet<unknown> = new Set(['MAKER', 'TAKER', 'UNKNOWN']);

/** The catalog's Id: 1 to 200 characters. */
function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= 200;
}

function isSymbol(v: unknown): v is string {
  return typeof v === 'string' && SYMBOL_PATTERN !== undefined && SYMBOL_PATTERN.test(v);
}

function isPositiveInt(v: unknown): v is number {
  return isNonNegativeInt(v) && v > 0;
}

const str = (v: string): string => JSON.stringify(v);
const strOrNull = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/** A context: a plain object of string keys (all enumerable, no __proto__) to strings. */
function stringRecord(v: unknown): { data: Record<string, string>; json: string } | undefined {
  if (!isPlainRecord(v)) return undefined;
  const keys = Object.keys(v);
  if (Reflect.ownKeys(v).length !== keys.length) return undefined;
  const data: Record<string, string> = {};
  for (const k of keys) {
    const x = v[k];
    if (k === '__proto__' || typeof x !== 'string') return undefined;
    data[k] = x;
  }
  const sorted = [...keys].sort();
  let json = '{';
  for (let i = 0; i < sorted.length; i++) json += (i === 0 ? '' : ',') + JSON.stringify(sorted[i]) + ':' + JSON.stringify(data[sorted[i]!]);
  return { data: Object.freeze(data), json: json + '}' };
}

const intentProposed: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { intentId, strategy, symbol, side, orderType, qty, limitPrice, rationale } = input;
  if (!isId(intentId) || typeof strategy !== 'string' || !isSymbol(symbol) || !SIDES.has(side) || !ORDER_TYPES.has(orderType)) return undefined;
  if (!positive(qty) || !(limitPrice === null || positive(limitPrice)) || typeof rationale !== 'string') return undefined;
  const context = stringRecord(input.context);
  if (context === undefined) return undefined;
  const s = side as string;
  const t = orderType as string;
  return {
    data: Object.freeze({ intentId, strategy, symbol, side: s, orderType: t, qty, limitPrice, rationale, context: context.data }),
    json:
      '{"context":' + context.json + ',"intentId":' + str(intentId) + ',"limitPrice":' + strOrNull(limitPrice) + ',"orderType":' + str(t) +
      ',"qty":' + str(qty) + ',"rationale":' + str(rationale) + ',"side":' + str(s) + ',"strategy":' + str(strategy) + ',"symbol":' + str(symbol) + '}',
  };
};

const riskDecisionMade: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { intentId, verdict, reasonCode, layer, requestedQty, approvedQty, riskMode } = input;
  if (!isId(intentId) || !VERDICTS.has(verdict) || !(reasonCode === null || (typeof reasonCode === 'string' && REASON_CODE.test(reasonCode)))) return undefined;
  if (!(layer === null || LAYERS.has(layer)) || !positive(requestedQty) || !nonNegative(approvedQty) || !RISK_MODES.has(riskMode)) return undefined;
  const context = stringRecord(input.context);
  if (context === undefined) return undefined;
  const v = verdict as string;
  const l = layer as string | null;
  const m = riskMode as string;
  return {
    data: Object.freeze({ intentId, verdict: v, reasonCode, layer: l, requestedQty, approvedQty, riskMode: m, context: context.data }),
    json:
      '{"approvedQty":' + str(approvedQty) + ',"context":' + context.json + ',"intentId":' + str(intentId) + ',"layer":' + strOrNull(l) +
      ',"reasonCode":' + strOrNull(reasonCode) + ',"requestedQty":' + str(requestedQty) + ',"riskMode":' + str(m) + ',"verdict":' + str(v) + '}',
  };
};

const orderSubmitRequested: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { clientOrderId, intentId, symbol, side, orderType, qty, limitPrice, attempt } = input;
  if (!isId(clientOrderId) || !isId(intentId) || !isSymbol(symbol) || !SIDES.has(side) || !ORDER_TYPES.has(orderType)) return undefined;
  if (!positive(qty) || !(limitPrice === null || positive(limitPrice)) || !isPositiveInt(attempt)) return undefined;
  const s = side as string;
  const t = orderType as string;
  return {
    data: Object.freeze({ clientOrderId, intentId, symbol, side: s, orderType: t, qty, limitPrice, attempt }),
    json:
      '{"attempt":' + num(attempt) + ',"clientOrderId":' + str(clientOrderId) + ',"intentId":' + str(intentId) + ',"limitPrice":' + strOrNull(limitPrice) +
      ',"orderType":' + str(t) + ',"qty":' + str(qty) + ',"side":' + str(s) + ',"symbol":' + str(symbol) + '}',
  };
};

const orderAccepted: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { clientOrderId, venueOrderId } = input;
  if (!isId(clientOrderId) || !isId(venueOrderId)) return undefined;
  return { data: Object.freeze({ clientOrderId, venueOrderId }), json: '{"clientOrderId":' + str(clientOrderId) + ',"venueOrderId":' + str(venueOrderId) + '}' };
};

const orderFilled: FastCodec = (input) => {
  if (!isPlainRecord(input)) return undefined;
  const { clientOrderId, venueOrderId, fillId, symbol, side, qty, price, fee, feeAsset, liquidity, time } = input;
  if (!isId(clientOrderId) || !(venueOrderId === null || isId(venueOrderId)) || !isId(fillId) || !isSymbol(symbol) || !SIDES.has(side)) return undefined;
  if (!positive(qty) || !positive(price) || !nonNegative(fee) || typeof feeAsset !== 'string' || !LIQUIDITY.has(liquidity)) return undefined;
  if (!(time === null || (typeof time === 'string' && ISO_PATTERN !== undefined && ISO_PATTERN.test(time)))) return undefined;
  const s = side as string;
  const q = liquidity as string;
  return {
    data: Object.freeze({ clientOrderId, venueOrderId, fillId, symbol, side: s, qty, price, fee, feeAsset, liquidity: q, time }),
    json:
      '{"clientOrderId":' + str(clientOrderId) + ',"fee":' + str(fee) + ',"feeAsset":' + str(feeAsset) + ',"fillId":' + str(fillId) + ',"liquidity":' + str(q) +
      ',"price":' + str(price) + ',"qty":' + str(qty) + ',"side":' + str(s) + ',"symbol":' + str(symbol) + ',"time":' + strOrNull(time) + ',"venueOrderId":' + strOrNull(venueOrderId) + '}',
  };
};

const CODECS: Readonly<Record<string, FastCodec>> = {
  CycleStarted: cycleStarted,
  MarketSnapshotRecorded: marketSnapshotRecorded,
  CycleCompleted: cycleCompleted,
  IntentProposed: intentProposed,
  RiskDecisionMade: riskDecisionMade,
  OrderSubmitRequested: orderSubmitRequested,
  OrderAccepted: orderAccepted,
  OrderFilled: orderFilled,
};

/** The validated output and canonical JSON of `data` as `type`, or undefined: then use zod and canonicalJson. */
export function fastEncode(type: string, data: unknown): FastEncoded | undefined {
  const codec = CODECS[type];
  return codec === undefined ? undefined : codec(data);
}
