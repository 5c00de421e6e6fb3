import type { OrderRequest, SubmitOutcome, VenueFill } from '../../ports.js';

/**
 * Where seeded fault injection plugs into the simulated venue (issue 5). Backtests use noFaults.
 * Each hook may consult the venue's seeded Random, so a seed reproduces the same faults.
 */
export interface FaultInjector {
  /**
   * Before the venue looks at the order. Return an outcome to answer instead of processing it
   * (a 429, or a timeout before the venue received it: the order does not exist).
   */
  beforeSubmit(order: OrderRequest): SubmitOutcome | null;
  /**
   * After the venue accepted the order (it exists). Return an outcome to answer instead of the
   * acknowledgement (a timeout after acceptance, a lost ack).
   */
  afterAccept(order: OrderRequest, accepted: SubmitOutcome): SubmitOutcome | null;
  /** Whether a query for this order should fail or pretend not to see it (lost ack visible only later). */
  hideOrder(clientOrderId: string): 'visible' | 'not_found' | 'unknown';
  /** Fill reports as delivered: may repeat some (duplicate reports). */
  deliverFills(fills: VenueFill[]): VenueFill[];
}

export const noFaults: FaultInjector = {
  beforeSubmit: () => null,
  afterAccept: () => null,
  hideOrder: () => 'visible',
  deliverFills: (fills) => fills,
};
