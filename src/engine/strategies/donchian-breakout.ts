import type { Bar } from '../bar.js';
import { atrInit, atrUpdate, atrValue, type AtrState } from '../indicators/atr.js';
import { donchianInit, donchianUpdate, donchianValue, type DonchianState } from '../indicators/donchian.js';
import { type AccountView, type IntentDraft, onFirstInstrument, type Strategy } from '../strategy.js';
import { sizeEntry } from './entry-sizing.js';
import { decimalString, floatString, shortFloat } from './format.js';
import { ATR_SIZING_PARAMS, parseParams, wholeNumber, type AtrSizingParams, type ParamSpec } from './params.js';

/**
 * Donchian breakout (turtle style, long only). Buy when the close is above the highest high of the
 * PRIOR `entry` bars; sell the whole position when the close is below the lowest low of the prior
 * `exit` bars. Channels are read before this bar is added, so a bar never breaks out of itself.
 */

export const DONCHIAN_NAME = 'donchian-breakout';
export const DONCHIAN_DESCRIPTION = 'Long when the close breaks above the prior entry-bar high, exit when it breaks below the prior exit-bar low; entries sized by ATR risk.';

export const DONCHIAN_PARAMS: readonly ParamSpec[] = [
  { name: 'entry', default: '20', description: 'breakout channel: highest high of the prior N bars', schema: wholeNumber(1, 100_000) },
  { name: 'exit', default: '10', description: 'exit channel: lowest low of the prior M bars', schema: wholeNumber(1, 100_000) },
  ...ATR_SIZING_PARAMS,
];

export interface DonchianParams extends AtrSizingParams {
  entry: number;
  exit: number;
}

export interface DonchianBreakoutState {
  readonly entryChannel: DonchianState;
  readonly exitChannel: DonchianState;
  readonly atr: AtrState;
  /**
   * An entry was proposed on the previous bar. If the account is still flat now (the fill may be applied
   * a bar later), do not propose a second one; one bar later the guard lapses, so a denied entry can retry.
   */
  readonly entryPending: boolean;
}

export function createDonchianBreakout(raw: Readonly<Record<string, string>>): Strategy<DonchianBreakoutState> {
  const { values: p, effective } = parseParams<DonchianParams>(DONCHIAN_NAME, DONCHIAN_PARAMS, raw);
  return {
    name: DONCHIAN_NAME,
    params: Object.freeze(effective),
    initialState: () => ({ entryChannel: donchianInit(p.entry), exitChannel: donchianInit(p.exit), atr: atrInit(p.atr), entryPending: false }),
    onBar: onFirstInstrument((state, bar, account) => donchianStep(p, state, bar, account)),
  };
}

function donchianStep(p: DonchianParams, s: DonchianBreakoutState, bar: Bar, account: AccountView): { state: DonchianBreakoutState; intents: IntentDraft[] } {
  const high = bar.high.toNumber();
  const low = bar.low.toNumber();
  const close = bar.close.toNumber();
  const priorEntry = donchianValue(s.entryChannel);
  const priorExit = donchianValue(s.exitChannel);
  const atrS = atrUpdate(s.atr, high, low, close);
  const atr = atrValue(atrS);
  const entryChannel = donchianUpdate(s.entryChannel, high, low);
  const exitChannel = donchianUpdate(s.exitChannel, high, low);
  const after = (entryPending: boolean): DonchianBreakoutState => ({ entryChannel, exitChannel, atr: atrS, entryPending });
  const idle = { state: after(false), intents: [] };
  if (priorEntry === null || priorExit === null || atr === null) return idle;

  const position = account.position;
  const signal = () => ({ close: decimalString(bar.close), priorHigh: floatString(priorEntry.upper), priorLow: floatString(priorExit.lower), atr: floatString(atr) });
  if (position.gt(0) && close < priorExit.lower) {
    const rationale = `close ${shortFloat(close)} fell below the prior ${p.exit}-bar low ${shortFloat(priorExit.lower)}: exit long ${decimalString(position)}`;
    return { state: after(false), intents: [{ side: 'SELL', qty: position, orderType: 'MARKET', limitPrice: null, rationale, context: { ...signal(), position: decimalString(position) } }] };
  }
  if (position.isZero() && !s.entryPending && close > priorEntry.upper) {
    const { sizing, context } = sizeEntry(p, account, atr, bar.close);
    if (sizing.qty.lte(0)) return idle;
    const rationale = `close ${shortFloat(close)} broke above the prior ${p.entry}-bar high ${shortFloat(priorEntry.upper)}: enter long ${decimalString(sizing.qty)} (risk ${decimalString(p.risk)} of equity over ${decimalString(p.atrMult)} x ATR(${p.atr}) ${shortFloat(atr)})`;
    return { state: after(true), intents: [{ side: 'BUY', qty: sizing.qty, orderType: 'MARKET', limitPrice: null, rationale, context: { ...signal(), ...context } }] };
  }
  return idle;
}
