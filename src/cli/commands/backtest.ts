import cliProgress from 'cli-progress';
import { probeStrategy } from '../../replay/backtest/strategy-probe.js';
import { type BacktestResult, runBacktest } from '../../replay/backtest/run-backtest.js';
import { renderBacktestReport } from '../../replay/backtest/report.js';
import { formatBacktestSummary } from '../../replay/backtest/summary.js';
import { roundTripToJson } from '../../replay/metrics/index.js';
import { writeFileAtomic, WriteFailedError } from '../atomic-file.js';
import { gitCommit } from '../build-info.js';
import { InputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { favourMemoryOverGcTime } from '../heap-tuning.js';
import { openStore } from '../open-store.js';
import { checkOutputPath } from '../output-path.js';
import { jsonOption, type RegisterCommand } from '../program.js';
import { addResearchFlags, asInputErrorAsync, backtestRequest, filesToKeep, type ResearchFlags, researchInputs } from '../research/research-inputs.js';

interface BacktestOptions extends ResearchFlags {
  report?: string;
  json?: boolean;
}

/** Long runs get a progress bar (stderr, TTY only). */
const PROGRESS_MIN_BARS = 50_000;
/** Bars from which a full-mode backtest's appends run on their own thread (below, starting the thread costs more than it saves). */
const APPEND_THREAD_MIN_BARS = 10_000;

/**
 * `engine backtest`: one deterministic run of a strategy (built in, or the user's file) over historical or
 * synthetic bars of one or several instruments, through the engine's own cycle, recorded in the log.
 * Everything is validated (flags, config, strategy, every data file, and a trial of the strategy on the
 * first bars) before the store is opened: bad input exits 2 with nothing appended. A strategy that throws
 * later in the data ends the recorded run ERROR (exit 1). Ctrl-C ends it at once (exit 130); the batches
 * already appended are whole transactions, and re-running the same backtest skips them and carries on.
 */
export const registerBacktest: RegisterCommand = (program, cli) => {
  jsonOption(
    addResearchFlags(
      program
        .command('backtest')
        .description('backtest a strategy over CSV files or synthetic bars; every snapshot, intent, decision, order and fill is recorded'),
      { events: 'full', strategyHelp: 'strategy: sma-cross, donchian-breakout, or a strategy file (./my-strategy.ts or .js)' },
    ).option('--report <file.html>', 'write a self-contained HTML report (checked before the run, written atomically)'),
  ).action(
    cli.action<BacktestOptions>(async ({ global, out, logger }, opts) => {
      // Before the data is scanned: V8 sets the old generation's next limit at each full collection, so a limit
      // set during the scan with the default growth (up to about 4x) would hold through a short run's bars.
      favourMemoryOverGcTime();
      const inputs = await researchInputs('backtest', opts);
      const report = opts.report === undefined ? null : checkOutputPath('--report', opts.report, filesToKeep(global.db, inputs, opts.config));
      const request = backtestRequest(inputs, { eventsMode: opts.events, packageVersion: program.version() ?? '0.0.0', gitCommit: gitCommit() });
      const strategyName = inputs.opened.strategy.name;
      const failure = await asInputErrorAsync(() => probeStrategy(request));
      if (failure !== null) throw new InputError(`${inputs.opened.file?.path ?? `strategy ${strategyName}`}: ${failure} (in a trial on the first bars; nothing was appended)`);

      const barCount = inputs.instruments.reduce((n, i) => n + i.scan.barCount, 0);
      // A long full-mode run writes while it decides: its appends go to a thread of their own.
      const opened = await openStore(global.db, { access: 'write', create: true, appendThread: opts.events === 'full' && barCount >= APPEND_THREAD_MIN_BARS });
      let result: BacktestResult;
      const progress = progressBar(inputs.instruments[0]!.scan.barCount);
      try {
        for (const i of inputs.instruments) {
          logger.info({ symbol: i.symbol, data: i.spec, bars: i.scan.barCount }, 'instrument');
          if ((i.scan.rowsOutOfOrder ?? 0) > 0) logger.warn({ data: i.spec, rowsOutOfOrder: i.scan.rowsOutOfOrder }, 'rows out of time order in the data were sorted into place');
        }
        logger.info({ bars: barCount, strategy: strategyName, events: opts.events }, 'backtest starting');
        result = await asInputErrorAsync(() => runBacktest(opened.store, { ...request, ...(progress ? { onProgress: (done: number) => progress.update(done) } : {}) }));
      } finally {
        progress?.stop();
        await opened.close();
      }
      logger.info({ runId: result.runId, written: result.eventsWritten, alreadyStored: result.eventsAlreadyStored }, 'backtest recorded');
      const symbols = inputs.instruments.map((i) => i.symbol).join(', ');
      if (report !== null) {
        try {
          writeFileAtomic(report, renderBacktestReport(result, { strategy: strategyName, symbol: symbols, params: result.settings.params }));
        } catch (err) {
          // The run is recorded; re-running the same backtest appends nothing and writes the report.
          if (err instanceof WriteFailedError) {
            throw new WriteFailedError(err.file, err.code, `${err.detail}; run ${result.runId} was recorded: re-run the same command to write the report`, true);
          }
          throw err;
        }
      }
      if (opts.json) await out.json(jsonResult(result));
      else for (const line of formatBacktestSummary(result, { symbol: symbols, strategy: strategyName, params: result.settings.params, db: opened.target.display, report: opts.report ?? null })) await out.line(line);
      return ExitCode.OK;
    }),
  );
};

function jsonResult(r: BacktestResult): unknown {
  return {
    runId: r.runId,
    stream: r.stream,
    fingerprint: r.fingerprint,
    decisionFingerprint: r.decisionFingerprint,
    configHash: r.configHash,
    dataHash: r.data.hash,
    bars: r.data.barCount,
    events: r.events,
    eventsWritten: r.eventsWritten,
    eventsAlreadyStored: r.eventsAlreadyStored,
    closedAtEnd: r.closedAtEnd,
    metrics: r.metrics,
    instruments: r.instruments,
    trades: r.trades.map((t) => ({ symbol: t.symbol, ...(roundTripToJson(t) as object) })),
    denials: r.denials,
    reductions: r.reductions,
    rejections: r.rejections,
  };
}

function progressBar(total: number): cliProgress.SingleBar | null {
  if (process.stderr.isTTY !== true || total < PROGRESS_MIN_BARS) return null;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'backtest [{bar}] {percentage}% {value}/{total} bars, eta {eta_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}
