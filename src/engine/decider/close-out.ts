import type { IntentDraft } from '../strategy.js';
import type { Decimal } from '../values.js';

export const END_OF_DATA = 'END_OF_DATA';

/** The end-of-data close-out of one open position, at its instrument's last close, saying so. */
export function closeOutIntent(symbol: string, position: Decimal, lastClose: Decimal): IntentDraft {
  return {
    symbol,
    side: position.gt(0) ? 'SELL' : 'BUY',
    qty: position.abs(),
    orderType: 'MARKET',
    limitPrice: null,
    rationale: `end of data: close the open position at the last close (${lastClose.toFixed()})`,
    context: { reason: END_OF_DATA, position: position.toFixed(), lastClose: lastClose.toFixed() },
  };
}
