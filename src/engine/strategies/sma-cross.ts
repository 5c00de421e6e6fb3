import { Decimal } from 'decimal.js';
import type { Bar } from '../bar.js';
import { atrInit, atrUpdate, atrValue, type AtrState } from '../indicators/atr.js';
import { smaInit, smaUpdate, smaValue, type SmaState } from '../indicators/sma.js';
import type { Side } from '../ports.js';
import { type AccountView, type IntentDraft, onFirstInstrument, type Strategy } from '../strategy.js';
import { sizeEntry } from './entry-sizing.js';
import { decimalString, floatString, shortFloat } from './format.js';
import { ATR_SIZING_PARAMS, booleanParam, parseParams, wholeNumber, type AtrSizingParams, type ParamSpec } from './params.js';

/**
 * Moving-average crossover. Long when the fast SMA crosses above the slow one, flat (or short with
 * short=true) when it crosses below. A cross needs both averages on the previous bar and on this one,
 * so nothing is proposed during warm-up. Entries are sized by ATR; exits close the whole position.
 */

export const SMA_CROSS_NAME = 'sma-cross';
export const SMA_CROSS_DESCRIPTION = 'Long when the fast SMA of closes crosses above the slow SMA, exit (or go short with short=true) when it crosses below; entries sized by ATR risk.';

export const SMA_CROSS_PARAMS: readonly ParamSpec[] = [
  { name: 'fast', default: '10', description: 'fast SMA period (bars)', schema: wholeNumber(1, 100_000) },
  { name: 'slow', default: '30', description: 'slow SMA period (bars), greater than fast', schema: wholeNumber(2, 100_000) },
  { name: 'short', default: 'false', description: 'also go short on a downward cross', schema: booleanParam },
  ...ATR_SIZING_PARAMS,
];

export interface SmaCrossParams extends AtrSizingParams {
  fast: number;
  slow: number;
  short: boolean;
}

export interface SmaCrossState {
  readonly fast: SmaState;
  readonly slow: SmaState;
  readonly atr: AtrState;
  /** Both averages at the previous bar, once both exist. */
  readonly prev: { readonly fast: number; readonly slow: number } | null;
}

export function createSmaCross(raw: Readonly<Record<string, string>>): Strategy<SmaCrossState> {
  const { values: p, effective } = parseParams<SmaCrossParams>(SMA_CROSS_NAME, SMA_CROSS_PARAMS, raw, [
    { param: 'fast', ok: (v) => v.fast < v.slow, message: (v) => `=${v.fast} must be less than slow (${v.slow})` },
  ]);
  return {
    name: SMA_CROSS_NAME,
    params: Object.freeze(effective),
    initialState: () => ({ fast: smaInit(p.fast), slow: smaInit(p.slow), atr: atrInit(p.atr), prev: null }),
    onBar: onFirstInstrument((state, bar, account) => smaCrossStep(p, state, bar, account)),
  };
}

function smaCrossStep(p: SmaCrossParams, s: SmaCrossState, bar: Bar, account: AccountView): { state: SmaCrossState; intents: IntentDraft[] } {
  const close = bar.close.toNumber();
  const fastS = smaUpdate(s.fast, close);
  const slowS = smaUpdate(s.slow, close);
  const atrS = atrUpdate(s.atr, bar.high.toNumber(), bar.low.toNumber(), close);
  const fast = smaValue(fastS);
  const slow = smaValue(slowS);
  const state: SmaCrossState = { fast: fastS, slow: slowS, atr: atrS, prev: fast !== null && slow !== null ? { fast, slow } : null };
  const atr = atrValue(atrS);
  if (s.prev === null || fast === null || slow === null || atr === null) return { state, intents: [] };

  const crossedUp = s.prev.fast <= s.prev.slow && fast > slow;
  const crossedDown = s.prev.fast >= s.prev.slow && fast < slow;
  if (!crossedUp && !crossedDown) return { state, intents: [] };

  const what = `fast SMA(${p.fast}) ${shortFloat(fast)} crossed ${crossedUp ? 'above' : 'below'} slow SMA(${p.slow}) ${shortFloat(slow)}`;
  const signal = { fastSma: floatString(fast), slowSma: floatString(slow), position: decimalString(account.position) };
  const intents: IntentDraft[] = [];
  const position = account.position;
  const closeSide: Side = crossedUp ? 'BUY' : 'SELL';
  const opposite = crossedUp ? position.lt(0) : position.gt(0);
  if (opposite) {
    intents.push(market(closeSide, position.abs(), `${what}: close the ${crossedUp ? 'short' : 'long'} position`, { ...signal, atr: floatString(atr) }));
  }
  const mayEnter = crossedUp || p.short;
  if (mayEnter && (position.isZero() || opposite)) {
    const { sizing, context } = sizeEntry(p, account, atr, bar.close);
    if (sizing.qty.gt(0)) {
      const entry = crossedUp ? 'enter long' : 'enter short';
      intents.push(market(closeSide, sizing.qty, `${what}: ${entry} ${decimalString(sizing.qty)} (risk ${decimalString(p.risk)} of equity over ${decimalString(p.atrMult)} x ATR(${p.atr}) ${shortFloat(atr)})`, { ...signal, ...context }));
    }
  }
  return { state, intents };
}

function market(side: Side, qty: Decimal, rationale: string, context: Record<string, string>): IntentDraft {
  return { side, qty, orderType: 'MARKET', limitPrice: null, rationale, context };
}
