import { riskHeadroom, type LimitUse } from '../../engine/risk/headroom.js';
import { killSwitchOf } from '../../projections/risk-state-projection.js';
import { ExitCode } from '../exit-codes.js';
import type { RegisterCommand } from '../program.js';
import { readOptions, type ReadCommandOptions } from '../read/options.js';
import { readHeader, readTitle, withReadState } from '../read/read-state.js';
import { foldRunState } from '../read/run-state-fold.js';
import { renderTable } from '../read/table.js';

/** `engine risk`: a run's risk mode, the kill switch, and how close it stands to each limit. */
export const registerRisk: RegisterCommand = (program, cli) => {
  readOptions(program.command('risk').description('risk mode, kill switch, and each risk limit of a run with how close the run is to it')).action(
    cli.action<ReadCommandOptions>(async ({ global, out, logger }, opts) => {
      await withReadState(global.db, opts, logger, async (ctx) => {
        const started = performance.now();
        const run = await foldRunState(ctx.store, ctx.run, ctx.asOf.position);
        logger.debug({ events: run.events, ms: Math.round(performance.now() - started) }, 'run state folded');
        const now = ctx.asOf.at !== null ? Date.parse(ctx.asOf.at) : 0;
        const h = riskHeadroom(run.state, run.limits, now);
        const kill = killSwitchOf(ctx.state.risk);
        const recordsMarket = run.started.mode === 'live' || run.started.eventsMode === 'full';
        const note = recordsMarket ? null : 'a decisions-mode backtest records no bars: open positions count at cost in equity, so drawdown and daily loss here are not those the run decided on';
        if (opts.json) {
          await out.json({
            ...readHeader(ctx),
            mode: h.mode,
            effectiveMode: h.effectiveMode,
            modeReasonCode: h.modeReasonCode,
            modeSince: h.modeSince === null ? null : new Date(h.modeSince).toISOString(),
            unresolvedUnknownOrders: h.unresolvedUnknownOrders,
            killSwitch: kill,
            equity: h.equity.toFixed(),
            peakEquity: h.peakEquity.toFixed(),
            dayStartEquity: h.dayStartEquity.toFixed(),
            day: h.day,
            cash: h.cash.toFixed(),
            reserve: h.reserve.toFixed(),
            limits: h.limits.map(limitJson),
            note,
          });
          return;
        }
        await out.line(readTitle('Risk', ctx));
        const since = h.modeSince === null ? '' : ` since ${new Date(h.modeSince).toISOString()}`;
        await out.line(`mode ${h.mode}${h.modeReasonCode ? ` (${h.modeReasonCode})` : ''}${since}` + (h.effectiveMode !== h.mode ? `; effective ${h.effectiveMode}: ${h.unresolvedUnknownOrders} order(s) of unknown outcome` : ''));
        await out.line(kill.engaged ? `kill switch ENGAGED at ${kill.at ?? '?'} by ${kill.by ?? '?'}: ${kill.reason ?? ''}` : `kill switch released${kill.at ? ` (last change ${kill.at})` : ''}`);
        await out.line(`equity ${h.equity.toFixed(2)}, peak ${h.peakEquity.toFixed(2)}, day start ${h.dayStartEquity.toFixed(2)} (${h.day || '-'}), cash ${h.cash.toFixed(2)}, reserve ${h.reserve.toFixed(2)}`);
        const rows = h.limits.map((l) => [l.code, l.symbol ?? '', l.measure, fmt(l.current, l), fmt(l.limit, l), l.used === null ? '-' : pct(l.used), l.status]);
        for (const line of renderTable(['LIMIT', 'SYMBOL', 'MEASURE', 'NOW', 'LIMIT AT', 'USED', 'STATUS'], rows, { right: [3, 4, 5] })) await out.line(line);
        if (note) await out.line(`note: ${note}`);
      });
      return ExitCode.OK;
    }),
  );
};

function isShare(l: LimitUse): boolean {
  return l.measure.includes('/') || l.measure.startsWith('drawdown') || l.measure.startsWith('loss');
}

function fmt(d: LimitUse['current'], l: LimitUse): string {
  if (d === null) return '-';
  if (!d.isFinite()) return 'inf';
  return isShare(l) ? pct(d) : d.toSignificantDigits(12).toFixed();
}

function pct(d: NonNullable<LimitUse['used']>): string {
  return d.isFinite() ? `${d.times(100).toFixed(2)}%` : 'inf';
}

function limitJson(l: LimitUse): Record<string, unknown> {
  const s = (d: LimitUse['current']): string | null => (d === null ? null : d.isFinite() ? d.toFixed() : 'Infinity');
  return { code: l.code, symbol: l.symbol, measure: l.measure, current: s(l.current), limit: s(l.limit), used: s(l.used), status: l.status };
}
