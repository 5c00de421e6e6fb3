import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { OrderRecord } from '../../projections/orders/orders-projection.js';
import { STATE_EVENT_TYPES, type ProjectionState } from '../../projections/projection-state.js';
import { DEFAULT_CHECKPOINT_NAME, ProjectionRunner } from '../../projections/runner.js';
import { buildChain, type CausalChain } from '../../projections/views/causal-chain.js';
import { orderRowJson } from '../../projections/views/orders-view.js';
import { InputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Logger } from '../logger.js';
import { openStore } from '../open-store.js';
import { jsonOption, type RegisterCommand } from '../program.js';
import { resolveRun } from '../read/as-of.js';
import { eventAt, eventById, gatherChain } from '../read/explain-events.js';
import { renderTable } from '../read/table.js';
import type { EventStore } from '../../events/store/port.js';

/** `engine explain <clientOrderId|eventId|position>`: the causal chain of an order or an event. */
export const registerExplain: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('explain')
      .description('the causal chain of an order or event: snapshot -> intent -> risk decision -> submit -> venue -> reconciliation -> fills')
      .argument('<clientOrderId|eventId|position>', 'a client order id, an event id (engine events ls shows them) or a global position')
      .option('--run <id>', 'look for the client order id in this run only'),
  ).action(
    cli.action<{ json?: boolean; run?: string }>(async ({ global, out, logger }, opts, args) => {
      const subject = (args[0] ?? '').trim();
      const opened = await openStore(global.db, { access: 'read' });
      const snap = await opened.snapshot();
      let result: { chain: CausalChain; order: OrderRecord | null; kind: string };
      try {
        result = await explainSubject(snap.store, await headState(snap.store, snap.checkpoints(), logger), subject, opts.run);
      } finally {
        await snap.close();
        await opened.close();
      }
      const { chain, order } = result;
      if (opts.json) {
        await out.json({
          db: opened.target.display,
          subject: { kind: result.kind, id: subject },
          runId: chain.runId,
          clientOrderId: chain.clientOrderId,
          intentId: chain.intentId,
          order: order ? orderRowJson({ ...order, reconciliation: [] }) : null,
          complete: chain.complete,
          missing: chain.missing,
          notes: chain.notes,
          steps: chain.steps,
        });
        return ExitCode.OK;
      }
      const what = order
        ? `order ${order.clientOrderId}: ${order.side} ${order.qty.toFixed()} ${order.symbol} ${order.orderType}, ${order.status}, filled ${order.filledQty.toFixed()}${order.avgFillPrice ? ` at ${order.avgFillPrice.toSignificantDigits(10).toFixed()}` : ''}`
        : chain.intentId
          ? `intent ${chain.intentId} (no order was sent)`
          : `${result.kind} ${subject}`;
      await out.line(`Explain ${what} (run ${chain.runId})`);
      const rows = chain.steps.map((s) => [String(s.position), s.at.replace('T', ' ').replace('Z', ''), s.stage, s.summary]);
      for (const l of renderTable(['POSITION', 'AT', 'STAGE', 'WHAT'], rows, { right: [0] })) await out.line(l);
      for (const n of chain.notes) await out.line(`note: ${n}`);
      await out.line(chain.complete ? `chain complete: ${chain.steps.length} events` : `chain INCOMPLETE: ${chain.missing.join('; ')}`);
      return ExitCode.OK;
    }),
  );
};

export type Checkpoints = ConstructorParameters<typeof ProjectionRunner>[0]['checkpoints'];

/** The projections at the head of the log (from the newest checkpoint): where explain finds orders. */
export async function headState(store: EventStore, checkpoints: Checkpoints, logger: Logger): Promise<ProjectionState> {
  const runner = new ProjectionRunner({ store, checkpoints, name: DEFAULT_CHECKPOINT_NAME, checkpointEvery: 0 });
  const folded = await runner.foldUpTo((await store.head()).position, STATE_EVENT_TYPES);
  if (folded.skippedCheckpoint !== null) logger.warn({ detail: folded.skippedCheckpoint }, 'checkpoint not used: folding from the start');
  return runner.query((s) => s as ProjectionState); // the runner is dropped: no copy needed
}

export async function explainSubject(store: EventStore, state: ProjectionState, subject: string, runOpt: string | undefined): Promise<{ chain: CausalChain; order: OrderRecord | null; kind: string }> {
  if (subject === '') throw new InputError('explain: give a client order id, an event id or a global position');
  const head = state.position;
  if (runOpt !== undefined) await resolveRun(store, runOpt);

  let event: AnyStoredEvent | null = null;
  let kind: string;
  if (/^\d+$/.test(subject)) {
    kind = 'position';
    const position = Number(subject);
    event = Number.isSafeInteger(position) && position >= 1 ? await eventAt(store, position) : null;
    if (!event) throw new InputError(`explain ${subject}: no event at that position (the log ends at ${head})`);
  } else if (subject.includes(':')) {
    kind = 'event';
    event = await eventById(store, subject);
    if (!event) throw new InputError(`explain ${quote(subject)}: no event with that id in ${store.location}`);
  } else {
    kind = 'order';
    const order = findOrder(state, subject, runOpt);
    if (!order) throw new InputError(`explain ${quote(subject)}: no order with that client order id${runOpt ? ` in run ${runOpt}` : ''} (engine orders lists them)`);
    return { chain: await orderChain(store, order), order, kind };
  }
  const d = event.data as { clientOrderId?: string | null; intentId?: string };
  const runId = event.metadata.runId;
  if (typeof d.clientOrderId === 'string') {
    const order = state.orders.runs.get(runId)?.orders.get(d.clientOrderId) ?? null;
    if (order) return { chain: await orderChain(store, order), order, kind };
  }
  if (typeof d.intentId === 'string') {
    const order = [...(state.orders.runs.get(runId)?.orders.values() ?? [])].find((o) => o.intentId === d.intentId) ?? null;
    if (order) return { chain: await orderChain(store, order), order, kind };
    return { chain: await intentChain(store, event, d.intentId), order: null, kind };
  }
  return { chain: await eventChain(store, event), order: null, kind };
}

function findOrder(state: ProjectionState, clientOrderId: string, runId: string | undefined): OrderRecord | null {
  for (const [id, run] of state.orders.runs) {
    if (runId !== undefined && id !== runId) continue;
    const o = run.orders.get(clientOrderId);
    if (o) return o;
  }
  return null;
}

async function recordsMarket(store: EventStore, runId: string): Promise<boolean> {
  for await (const raw of store.readStream(`run-${runId}`, { maxCount: 1 })) {
    const d = raw.data as { mode?: string; eventsMode?: string };
    return raw.type !== 'RunStarted' || d.mode === 'live' || d.eventsMode === 'full';
  }
  return true;
}

async function orderChain(store: EventStore, order: OrderRecord): Promise<CausalChain> {
  const run = await resolveRun(store, order.runId);
  const belongs = (e: Pick<AnyStoredEvent, 'data'>): boolean => {
    const d = e.data as { clientOrderId?: string | null; intentId?: string };
    return d.clientOrderId === order.clientOrderId || d.intentId === order.intentId;
  };
  const events = await gatherChain(store, run, order.firstPosition, order.lastPosition, belongs);
  return buildChain({ runId: order.runId, clientOrderId: order.clientOrderId, intentId: order.intentId, events, recordsMarket: await recordsMarket(store, order.runId), order });
}

async function intentChain(store: EventStore, event: AnyStoredEvent, intentId: string): Promise<CausalChain> {
  const run = await resolveRun(store, event.metadata.runId);
  const belongs = (e: Pick<AnyStoredEvent, 'data'>): boolean => (e.data as { intentId?: string }).intentId === intentId;
  const events = await gatherChain(store, run, event.globalPosition, event.globalPosition, belongs);
  return buildChain({ runId: run.runId, clientOrderId: null, intentId, events, recordsMarket: await recordsMarket(store, run.runId) });
}

async function eventChain(store: EventStore, event: AnyStoredEvent): Promise<CausalChain> {
  const runId = event.metadata.runId;
  if ((await store.streamVersion(`run-${runId}`)) === 'no_stream') {
    return buildChain({ runId, clientOrderId: null, intentId: null, events: [event], recordsMarket: false });
  }
  const run = await resolveRun(store, runId);
  const events = await gatherChain(store, run, event.globalPosition, event.globalPosition, (e) => e.eventId === event.eventId);
  return buildChain({ runId, clientOrderId: null, intentId: null, events, recordsMarket: await recordsMarket(store, runId) });
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}
