import { listPositions } from '../../projections/positions-projection.js';
import { positionRowJson, positionRows } from '../../projections/views/positions-view.js';
import { ExitCode } from '../exit-codes.js';
import type { RegisterCommand } from '../program.js';
import { lastMarks } from '../read/marks.js';
import { readOptions, type ReadCommandOptions } from '../read/options.js';
import { readHeader, readTitle, withReadState } from '../read/read-state.js';
import { renderTable } from '../read/table.js';

/** `engine positions`: what a run holds, at what average cost, and its realized and unrealized PnL. */
export const registerPositions: RegisterCommand = (program, cli) => {
  readOptions(program.command('positions').description('quantity, average cost, realized and unrealized PnL (at the last price) per instrument of a run')).action(
    cli.action<ReadCommandOptions>(async ({ global, out, logger }, opts) => {
      await withReadState(global.db, opts, logger, async (ctx) => {
        const symbols = listPositions(ctx.state.positions, ctx.run.runId).map((p) => p.symbol);
        const marks = await lastMarks(ctx.store, ctx.run, ctx.asOf.position, symbols);
        const rows = positionRows(ctx.state.positions, ctx.run.runId, marks);
        if (opts.json) {
          await out.json({ ...readHeader(ctx), quoteAsset: ctx.state.positions.runs.get(ctx.run.runId)?.quoteAsset ?? null, positions: rows.map(positionRowJson) });
          return;
        }
        await out.line(readTitle('Positions', ctx));
        if (rows.length === 0) {
          await out.line('no fills: nothing held');
          return;
        }
        const table = rows.map((r) => [
          r.symbol,
          r.qty.toFixed(),
          r.avgCost?.toSignificantDigits(12).toFixed() ?? '-',
          r.lastPrice ? `${r.lastPrice.price.toFixed()}${r.lastPrice.source === 'FILL' ? ' (fill)' : ''}` : '-',
          r.realizedPnl.toFixed(2),
          r.fees.toFixed(2),
          r.netRealizedPnl.toFixed(2),
          r.unrealizedPnl?.toFixed(2) ?? '-',
          String(r.fills),
        ]);
        for (const l of renderTable(['SYMBOL', 'QTY', 'AVG COST', 'LAST PRICE', 'REALIZED', 'FEES', 'NET REALIZED', 'UNREALIZED', 'FILLS'], table, { right: [1, 2, 3, 4, 5, 6, 7, 8] })) {
          await out.line(l);
        }
        await out.line('money rounded to 2 places here; --json gives every digit');
      });
      return ExitCode.OK;
    }),
  );
};
