/**
 * A test strategy for live runs against the emulator: it trades on every new bar, with marketable
 * limit orders (BTCTurk takes no market buy sized in the base asset). Flat: buy `qty` at a limit
 * `edgeBps` above the close; long: sell the position at a limit `edgeBps` below it.
 */
import { buyLimit, defineStrategy, param, sellLimit } from 'engine/strategy';

export default defineStrategy({
  name: 'flip-limit',
  description: 'Buy when flat, sell when long, every bar, with marketable limits.',
  params: {
    qty: param.decimal({ default: '0.01', description: 'base quantity of each buy' }),
    edgeBps: param.int({ default: 50, min: 0, max: 1000, description: 'how far through the close the limit goes' }),
  },
  init: () => ({}),
  onBar(state, market, account, p) {
    const bar = market.bar;
    if (!bar) return { state };
    const edge = bar.close.mul(p.edgeBps).div(10_000);
    const why = { rationale: `flip at close ${bar.close.toFixed()}`, context: { close: bar.close.toFixed() } };
    if (account.position.isZero()) return { state, intents: [buyLimit(p.qty, bar.close.add(edge), why)] };
    if (account.position.gt(0)) return { state, intents: [sellLimit(account.position, bar.close.sub(edge), why)] };
    // Short only when a sell's fill came in late and another sell had gone meanwhile: wait.
    return { state };
  },
});
