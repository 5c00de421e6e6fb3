import type { Bar } from '../bar.js';
import type { AccountView, IntentDraft, Strategy } from '../strategy.js';

/** What proposes intents to a cycle: a strategy (with its state), or the run's end-of-data close-out. */
export interface IntentSource {
  readonly name: string;
  propose(bar: Bar, account: AccountView): IntentDraft[];
}

/** Holds a pure strategy's state between cycles. */
export class StrategyDriver<S> implements IntentSource {
  private state: S;
  constructor(private readonly strategy: Strategy<S>) {
    this.state = strategy.initialState();
  }
  get name(): string {
    return this.strategy.name;
  }
  propose(bar: Bar, account: AccountView): IntentDraft[] {
    const next = this.strategy.onBar(this.state, bar, account);
    this.state = next.state;
    return next.intents;
  }
}

export const END_OF_DATA = 'END_OF_DATA';

/** Closes whatever position is open at the last close, and says so. */
export function closeOutSource(strategyName: string): IntentSource {
  return {
    name: strategyName,
    propose(bar: Bar, account: AccountView): IntentDraft[] {
      if (account.position.isZero()) return [];
      return [
        {
          side: account.position.gt(0) ? 'SELL' : 'BUY',
          qty: account.position.abs(),
          orderType: 'MARKET',
          limitPrice: null,
          rationale: `end of data: close the open position at the last close (${bar.close.toFixed()})`,
          context: { reason: END_OF_DATA, position: account.position.toFixed(), lastClose: bar.close.toFixed() },
        },
      ];
    },
  };
}
