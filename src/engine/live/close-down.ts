import { ingestFills, type CycleEnv } from '../cycle/cycle.js';
import { CycleEmitter } from '../cycle/emitter.js';
import type { CycleState } from '../cycle/state.js';
import { cycleIdFor } from '../ids.js';
import type { Reconciler } from '../reconciliation/reconciler.js';
import type { OrderRecord } from '../../projections/orders/orders-projection.js';
import type { LiveLogger, LiveRunOptions } from './live-run.js';
import type { LiveStoreSink } from './live-sink.js';

const UNRESOLVED_AT_END = new Set(['REQUESTED', 'UNKNOWN', 'THROTTLED']);

/**
 * A run leaves nothing of its own working at the venue and no outcome it could still learn unknown:
 * orders whose outcome is unknown are reconciled until resolved (bounded by the visibility window and
 * the not-found confirmations), fills reported so far are recorded, then every order that may still be
 * working is canceled (and the cancel recorded). Otherwise an order sent in the last cycle would fill
 * after RunEnded, where no run records it. Its own cycle id, like the start-up pass. The drain waits
 * without the abort signal: a stop asked by SIGINT/SIGTERM still drains (a second signal exits at once).
 */
export async function closeDown(
  env: CycleEnv,
  state: CycleState,
  reconciler: Reconciler,
  open: () => OrderRecord[],
  cycleSeq: number,
  o: LiveRunOptions,
  sink: LiveStoreSink,
  log: LiveLogger,
): Promise<CycleState> {
  const cycleId = cycleIdFor(env.runId, cycleSeq);
  const emitter = new CycleEmitter(sink, env.ids.forCycle(cycleSeq), env.runId, 'live', cycleId, iso(o.clock.now()));
  let s = await ingestFills(env, emitter, state);
  const p = o.reconcilePolicy;
  const deadline = o.clock.now() + p.visibilityWindowMs + (p.notFoundConfirmations + 1) * o.intervalMs;
  const patience = new AbortController().signal;
  for (let pass = 0; open().some((x) => UNRESOLVED_AT_END.has(x.status)) && pass < p.maxAttempts; pass++) {
    s = await reconciler.reconcile(emitter, s, o.clock.now(), null);
    s = await ingestFills(env, emitter, s);
    if (!open().some((x) => UNRESOLVED_AT_END.has(x.status)) || o.clock.now() >= deadline) break;
    await o.sleeper.sleep(o.intervalMs, patience);
  }
  let canceled = 0;
  for (const order of open()) {
    if (order.status === 'THROTTLED') continue; // a 429 created nothing
    const r = await env.venue.cancel(order.clientOrderId);
    if (r.kind === 'found' && r.order.status === 'CANCELED' && r.order.filledQty.eq(order.filledQty)) {
      emitter.emit('OrderCanceled', { clientOrderId: order.clientOrderId, reason: 'run ended: nothing is left working at the venue' }, null);
      s.liveOrders.delete(order.clientOrderId);
      canceled++;
    }
  }
  s = await ingestFills(env, emitter, s);
  await sink.flush();
  const left = open().filter((x) => UNRESOLVED_AT_END.has(x.status) || x.status === 'ESCALATED').map((x) => x.clientOrderId);
  if (canceled > 0 || left.length > 0) log.child({ cycleId }).info({ canceled, unresolved: left }, 'run closed down');
  return s;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
