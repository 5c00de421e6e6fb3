import type { Decimal } from 'decimal.js';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../ports.js';
import { clientOrderIdPrefix } from '../ids.js';

/**
 * The venue as one run sees it: fill reports for orders of other runs on the same venue account (an
 * earlier run, whose fills it recorded itself) are not this run's business. Client order ids start
 * with the run id (src/engine/ids.ts), which is what tells them apart.
 */
export class RunScopedVenue implements Venue {
  readonly name: string;
  private readonly prefix: string;
  constructor(
    private readonly inner: Venue,
    runId: string,
  ) {
    this.name = inner.name;
    this.prefix = clientOrderIdPrefix(runId);
  }
  submit(order: OrderRequest): Promise<SubmitOutcome> {
    return this.inner.submit(order);
  }
  queryOrder(clientOrderId: string): Promise<OrderLookup> {
    return this.inner.queryOrder(clientOrderId);
  }
  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    return (await this.inner.openOrders(symbol)).filter((o) => o.clientOrderId.startsWith(this.prefix));
  }
  async pollFills(): Promise<VenueFill[]> {
    return (await this.inner.pollFills()).filter((f) => f.clientOrderId.startsWith(this.prefix));
  }
  cancel(clientOrderId: string): Promise<OrderLookup> {
    return this.inner.cancel(clientOrderId);
  }
  balances(): Promise<Record<string, Decimal>> {
    return this.inner.balances();
  }
}
