/**
 * Faults the emulator plays on its HTTP endpoints, each named after what happens at the venue. "After
 * commit" means the venue carried the request out (the order exists, the cancel happened) and then the
 * answer was lost or broken. Rules are consumed in the order they were added, one request each.
 */
export type Endpoint =
  | 'exchangeInfo'
  | 'time'
  | 'klines'
  | 'balances'
  | 'createOrder'
  | 'queryOrder'
  | 'openOrders'
  | 'allOrders'
  | 'trades'
  | 'cancelOrder';

export type Fault =
  /** The answer comes this much later (the work is done after the wait). */
  | { kind: 'latency'; ms: number }
  /** Carried out, then a 5xx (Binance 503 -1007 "execution status unknown"; BTCTurk 500). */
  | { kind: '5xx-after-commit'; status?: number }
  /** Carried out, then no answer at all (the client times out). */
  | { kind: 'timeout-after-commit' }
  /** Never carried out and never answered (lost before the venue saw it). */
  | { kind: 'timeout-before-commit' }
  /** Carried out, then the connection is reset. */
  | { kind: 'reset-after-commit' }
  /** Refused unseen: 429 (or Binance's 418 ban) with Retry-After in seconds. Nothing is carried out. */
  | { kind: 'rate-limited'; status?: 429 | 418; retryAfterSec: number }
  /** createOrder: the order is accepted but no query shows it for `ms`. */
  | { kind: 'invisible'; ms: number }
  /** cancelOrder: the cancel goes through, then a fill of the order that matched before it is reported. */
  | { kind: 'fill-after-cancel' }
  /** Carried out, then a 200 whose body is not JSON. */
  | { kind: 'non-json-200' }
  /** Refused with a 4xx/5xx and this body, nothing carried out (e.g. a forced duplicate answer). */
  | { kind: 'answer'; status: number; body: string };

export interface FaultRule {
  endpoint: Endpoint;
  fault: Fault;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Only requests whose client order id is this (create/cancel/query). */
  clientOrderId?: string;
}

export class FaultPlan {
  private readonly rules: Array<Required<Omit<FaultRule, 'clientOrderId'>> & { clientOrderId?: string }> = [];

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, times: rule.times ?? 1 });
    return this;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The faults that hit this request (a latency and one other at most), consumed. */
  take(endpoint: Endpoint, clientOrderId: string | null): Fault[] {
    const out: Fault[] = [];
    for (const r of this.rules) {
      if (r.times <= 0 || r.endpoint !== endpoint) continue;
      if (r.clientOrderId !== undefined && r.clientOrderId !== clientOrderId) continue;
      const isLatency = r.fault.kind === 'latency';
      if (!isLatency && out.some((f) => f.kind !== 'latency')) continue;
      if (isLatency && out.some((f) => f.kind === 'latency')) continue;
      out.push(r.fault);
      r.times--;
    }
    return out;
  }

  pending(): number {
    return this.rules.reduce((s, r) => s + r.times, 0);
  }
}
