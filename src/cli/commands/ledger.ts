import { ledgerEntries, ledgerEntryJson, LEDGER_EVENT_TYPES, ledgerView, ledgerViewJson } from '../../projections/views/ledger-view.js';
import { fingerprint } from '../../projections/fingerprint.js';
import { ExitCode } from '../exit-codes.js';
import type { RegisterCommand } from '../program.js';
import { readOptions, type ReadCommandOptions } from '../read/options.js';
import { readHeader, readTitle, withReadState } from '../read/read-state.js';
import { runEvents } from '../read/run-events.js';
import { renderTable } from '../read/table.js';

/** `engine ledger [--entries]`: a run's double-entry books: balances per account, the trial balance, the postings. */
export const registerLedger: RegisterCommand = (program, cli) => {
  readOptions(
    program
      .command('ledger')
      .description('balances per account of a run\'s double-entry ledger and its trial balance (debits - credits = 0)')
      .option('--entries', 'also list every posting (event, account, debit or credit, amount)'),
  ).action(
    cli.action<ReadCommandOptions & { entries?: boolean }>(async ({ global, out, logger }, opts) => {
      await withReadState(global.db, opts, logger, async (ctx) => {
        const view = ledgerView(ctx.state.ledger, ctx.run.runId);
        let entries: Awaited<ReturnType<typeof ledgerEntries>> | null = null;
        if (opts.entries) {
          entries = await ledgerEntries(runEvents(ctx.store, ctx.run, ctx.asOf.position, LEDGER_EVENT_TYPES), ctx.run.runId);
          // The postings listed must add up to the balances shown: the same rule over the same events.
          const listed = entries.state.runs.get(ctx.run.runId);
          const folded = ctx.state.ledger.runs.get(ctx.run.runId);
          if (fingerprint({ accounts: listed?.accounts ?? null }) !== fingerprint({ accounts: folded?.accounts ?? null })) {
            throw new Error(`ledger entries of run ${ctx.run.runId} do not add up to the folded balances`);
          }
        }
        if (opts.json) {
          await out.json({ ...readHeader(ctx), ...ledgerViewJson(view), ...(entries ? { entries: entries.entries.map(ledgerEntryJson) } : {}) });
          return;
        }
        await out.line(readTitle('Ledger', ctx));
        const rows = view.accounts.map((a) => [a.account, a.type, a.debits.toFixed(), a.credits.toFixed(), a.balance.toFixed()]);
        rows.push(['TOTAL', '', view.totalDebits.toFixed(), view.totalCredits.toFixed(), '']);
        for (const l of renderTable(['ACCOUNT', 'TYPE', 'DEBITS', 'CREDITS', 'BALANCE'], rows, { right: [2, 3, 4] })) await out.line(l);
        await out.line(`trial balance: debits - credits = ${view.difference.toFixed()} (${view.balanced ? 'balanced' : 'NOT BALANCED'}), ${view.postings} postings`);
        const unposted = Object.entries(view.unpostedFees);
        if (unposted.length > 0) await out.line(`fees in other assets, not posted: ${unposted.map(([k, v]) => `${v} ${k}`).join(', ')}`);
        if (entries) {
          await out.line('');
          const lines = entries.entries.flatMap((e) =>
            e.lines.map((l, i) => [i === 0 ? String(e.globalPosition) : '', i === 0 ? e.at : '', i === 0 ? e.eventType : '', l.account, l.side === 'DEBIT' ? l.amount.toFixed() : '', l.side === 'CREDIT' ? l.amount.toFixed() : '']),
          );
          for (const l of renderTable(['POSITION', 'AT', 'EVENT', 'ACCOUNT', 'DEBIT', 'CREDIT'], lines, { right: [0, 4, 5] })) await out.line(l);
        }
      });
      return ExitCode.OK;
    }),
  );
};
