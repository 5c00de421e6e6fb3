import { isOrderStatus, ORDER_STATUSES, type OrderStatus } from '../../projections/orders/order-status.js';
import { orderRowJson, orderRows, RECONCILIATION_TYPES, reconciliationStep, statusCounts, type ReconciliationStep } from '../../projections/views/orders-view.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { RegisterCommand } from '../program.js';
import { readOptions, type ReadCommandOptions } from '../read/options.js';
import { readHeader, readTitle, withReadState } from '../read/read-state.js';
import { runEvents } from '../read/run-events.js';
import { renderTable } from '../read/table.js';

/** `engine orders [--status S[,S...]]`: a run's orders, their reason codes and reconciliation history. */
export const registerOrders: RegisterCommand = (program, cli) => {
  readOptions(
    program
      .command('orders')
      .description('the orders of a run with their status, reason code and reconciliation history')
      .option('--status <statuses>', `only these statuses, comma-separated: ${ORDER_STATUSES.join(', ')}`),
  ).action(
    cli.action<ReadCommandOptions & { status?: string }>(async ({ global, out, logger }, opts) => {
      const statuses = parseStatuses(opts.status);
      await withReadState(global.db, opts, logger, async (ctx) => {
        const history = new Map<string, ReconciliationStep[]>();
        for await (const e of runEvents(ctx.store, ctx.run, ctx.asOf.position, RECONCILIATION_TYPES)) {
          const step = reconciliationStep(e);
          if (!step) continue;
          const list = history.get(step.clientOrderId) ?? [];
          list.push(step.step);
          history.set(step.clientOrderId, list);
        }
        const rows = orderRows(ctx.state.orders, ctx.run.runId, statuses, history);
        const counts = statusCounts(ctx.state.orders, ctx.run.runId);
        if (opts.json) {
          await out.json({ ...readHeader(ctx), status: statuses ? [...statuses] : null, counts, orders: rows.map(orderRowJson) });
          return;
        }
        await out.line(readTitle('Orders', ctx));
        await out.line(`${Object.values(counts).reduce((a, b) => a + b, 0)} orders: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
        if (rows.length === 0) {
          if (statuses) await out.line(`none with status ${[...statuses].join(', ')}`);
          return;
        }
        const table = rows.map((o) => [
          o.clientOrderId,
          `${o.side} ${o.symbol}`,
          o.qty.toFixed(),
          o.filledQty.toFixed(),
          o.avgFillPrice?.toSignificantDigits(10).toFixed() ?? '-',
          o.status + (o.escalated && o.status !== 'ESCALATED' ? '*' : ''),
          o.reasonCode ?? '-',
          o.reconciliation.length === 0 ? '-' : runLengths(o.reconciliation.map((s) => s.outcome)),
        ]);
        for (const l of renderTable(['CLIENT ORDER ID', 'ORDER', 'QTY', 'FILLED', 'AVG PRICE', 'STATUS', 'REASON', 'RECONCILIATION'], table, { right: [2, 3, 4] })) {
          await out.line(l);
        }
        if (rows.some((o) => o.escalated && o.status !== 'ESCALATED')) await out.line('* was escalated before it was resolved');
      });
      return ExitCode.OK;
    }),
  );
};

function parseStatuses(text: string | undefined): ReadonlySet<OrderStatus> | null {
  if (text === undefined) return null;
  const out = new Set<OrderStatus>();
  for (const part of text.split(',')) {
    const s = part.trim().toUpperCase();
    if (!isOrderStatus(s)) throw new UsageError(`--status ${JSON.stringify(part.trim().slice(0, 40))}: not one of ${ORDER_STATUSES.join(', ')}`);
    out.add(s);
  }
  return out;
}

/** UNKNOWN, STILL_UNKNOWN x11, ESCALATED: consecutive repeats counted, so a long history stays one short cell. */
export function runLengths(outcomes: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < outcomes.length; ) {
    let j = i;
    while (j < outcomes.length && outcomes[j] === outcomes[i]) j++;
    parts.push(j - i > 1 ? `${outcomes[i]} x${j - i}` : outcomes[i]!);
    i = j;
  }
  return parts.join(', ');
}
