import os from 'node:os';
import cliProgress from 'cli-progress';
import { Option } from 'commander';
import { probeStrategy } from '../../replay/backtest/strategy-probe.js';
import { GridError, gridPoints, parseGridAxis, type GridAxis } from '../../replay/sweep/grid.js';
import { RANKING_METRICS, type RankingMetric } from '../../replay/sweep/rank.js';
import { renderSweepReport } from '../../replay/sweep/report/sweep-report.js';
import { formatSweepSummary } from '../../replay/sweep/report/sweep-summary.js';
import { sweep, type SweepReport } from '../../replay/sweep/sweep.js';
import { SweepWorkers } from '../../replay/sweep/sweep-runner.js';
import type { SweepSpec } from '../../replay/sweep/sweep-job.js';
import { parseWalkForward, WalkForwardError, walkForwardWindows, type WalkForwardSpec } from '../../replay/sweep/walk-forward.js';
import { writeFileAtomic, WriteFailedError } from '../atomic-file.js';
import { gitCommit } from '../build-info.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { favourMemoryOverGcTime, keepPerBarObjectsYoung } from '../heap-tuning.js';
import { openStore } from '../open-store.js';
import { checkOutputPath } from '../output-path.js';
import { INTERRUPTED_EXIT_CODE, intArg, jsonOption, type RegisterCommand } from '../program.js';
import { addResearchFlags, asInputErrorAsync, backtestRequest, collect, filesToKeep, type ResearchFlags, type ResearchInputs, researchInputs } from '../research/research-inputs.js';
import { sweepJson } from '../research/sweep-json.js';

interface SweepOptions extends ResearchFlags {
  grid: string[];
  walkForward?: string;
  workers: number;
  metric: RankingMetric;
  top: number;
  report?: string;
  json?: boolean;
}

/**
 * `engine sweep`: a parameter grid (optionally walk-forward), every point its own recorded run (decisions mode
 * by default), on worker threads with this process as the log's one writer. Everything is checked before the
 * store is opened (exit 2, nothing appended). Ctrl-C stops starting runs; finished runs stay in the log and a
 * rerun of the same command skips them (exit 130). A run whose strategy threw is recorded ERROR (exit 1).
 */
export const registerSweep: RegisterCommand = (program, cli) => {
  jsonOption(
    addResearchFlags(program.command('sweep').description('sweep strategy parameters over a grid (optionally walk-forward); every run is recorded and ranked'), {
      events: 'decisions',
      strategyHelp: 'strategy: sma-cross, donchian-breakout, or a strategy file (./my-strategy.ts or .js)',
    })
      .option('--grid <name=from..to:step|name=a,b>', 'a parameter axis (repeatable); the runs are every combination', collect, [])
      .option('--walk-forward <train=2y,test=6m>', 'choose parameters on each train window, report only the stitched test windows')
      .option('--workers <n>', 'worker threads (default: every core)', intArg('--workers', 1), os.availableParallelism())
      .addOption(new Option('--metric <name>', 'what ranks the runs').choices(Object.keys(RANKING_METRICS)).default('sharpe'))
      .option('--top <n>', 'runs shown in the summary', intArg('--top', 1), 10)
      .option('--report <file.html>', 'write a self-contained HTML report (heatmap, ranking, walk-forward windows)'),
  ).action(
    cli.action<SweepOptions>(async ({ global, out, logger, signal }, opts) => {
      if (opts.grid.length === 0) throw new UsageError('--grid is required, e.g. --grid fast=5..50:5 --grid slow=20..200:20');
      const axes = gridAxes(opts.grid);
      // Every worker's heap too (V8's flags are the process's): see heap-tuning.ts.
      if (opts.events === 'decisions') favourMemoryOverGcTime();
      else keepPerBarObjectsYoung();
      // The workers load the engine while this thread checks the inputs (the data's validating scan is the long part).
      const pool = SweepWorkers.start(Math.min(opts.workers, gridPoints(axes).length));
      try {
        return await sweepWith(pool);
      } finally {
        await pool.close();
      }

      async function sweepWith(pool: SweepWorkers): Promise<ExitCode> {
        const inputs = await researchInputs('sweep', opts);
        const points = runnablePoints(inputs, axes);
        const walkForward = opts.walkForward === undefined ? null : windowsFit(opts.walkForward, inputs);
        const report = opts.report === undefined ? null : checkOutputPath('--report', opts.report, filesToKeep(global.db, inputs, opts.config));
        const version = program.version() ?? '0.0.0';
        const failure = await asInputErrorAsync(() => probeStrategy(backtestRequest(inputs, { eventsMode: 'decisions', packageVersion: version, gitCommit: null })));
        if (failure !== null) throw new InputError(`${inputs.opened.file?.path ?? `strategy ${inputs.opened.strategy.name}`}: ${failure} (in a trial on the first bars; nothing was appended)`);

        const spec = sweepSpec(inputs, opts, version);
        const opened = await openStore(global.db, { access: 'write', create: true });
        const total = points.runnable.length * (walkForward ? walkForward.windows + 1 : 1);
        const bar = progressBar(total);
        let result: SweepReport;
        try {
          logger.info({ runs: points.runnable.length, refused: points.refused.length, workers: opts.workers, metric: opts.metric, walkForward: opts.walkForward ?? null }, 'sweep starting');
          result = await sweep(opened.store, {
            spec,
            axes,
            points: points.runnable,
            metric: opts.metric,
            walkForward: walkForward?.spec ?? null,
            workers: opts.workers,
            pool,
            signal,
            onProgress: (done) => bar?.update(done),
          });
        } finally {
          bar?.stop();
          await opened.close();
        }
        const symbols = inputs.instruments.map((i) => i.symbol).join(', ');
        const strategy = inputs.opened.strategy.name;
        if (report !== null) {
          try {
            writeFileAtomic(report, renderSweepReport(result, { strategy, symbols, generatedBy: `engine sweep ${version}, metric ${opts.metric}` }));
          } catch (err) {
            if (err instanceof WriteFailedError) throw new WriteFailedError(err.file, err.code, `${err.detail}; the runs were recorded: re-run the same command to write the report`, true);
            throw err;
          }
        }
        const skipped = result.ranked.filter((x) => x.skipped).length;
        if (opts.json) await out.json(sweepJson(result, points.refused));
        else {
          for (const line of formatSweepSummary(result, { strategy, symbols, top: opts.top, db: opened.target.display, report: opts.report ?? null, skipped })) await out.line(line);
          if (points.refused.length > 0) await out.line(`  not run      ${points.refused.length} grid point(s) the strategy refuses, e.g. ${points.refused[0]!.reason}`);
        }
        if (result.interrupted) return INTERRUPTED_EXIT_CODE as ExitCode;
        return result.failures.length > 0 ? ExitCode.VERDICT_FAILED : ExitCode.OK;
      }
    }),
  );
};

function gridAxes(texts: readonly string[]): GridAxis[] {
  try {
    const axes = texts.map(parseGridAxis);
    gridPoints(axes); // refuses a name given twice, or too many points
    return axes;
  } catch (err) {
    if (err instanceof GridError) throw new UsageError(err.message);
    throw err;
  }
}

/** The grid points the strategy accepts (e.g. fast < slow); an unknown parameter or no valid point at all is bad input. */
function runnablePoints(inputs: ResearchInputs, axes: readonly GridAxis[]): { runnable: Array<Record<string, string>>; refused: Array<{ params: Record<string, string>; reason: string }> } {
  const runnable: Array<Record<string, string>> = [];
  const refused: Array<{ params: Record<string, string>; reason: string }> = [];
  for (const point of gridPoints(axes)) {
    try {
      inputs.opened.withParams({ ...inputs.params, ...point });
      runnable.push(point);
    } catch (err) {
      const text = Object.entries(point).map(([k, v]) => `${k}=${v}`).join(' ');
      refused.push({ params: point, reason: `${text}: ${(err as Error).message}` });
    }
  }
  if (runnable.length === 0) throw new InputError(`--grid: the strategy refuses every point (${refused.length}), e.g. ${refused[0]?.reason ?? 'none'}`);
  return { runnable, refused };
}

function windowsFit(text: string, inputs: ResearchInputs): { spec: WalkForwardSpec; windows: number } {
  try {
    const spec = parseWalkForward(text);
    const scan = inputs.instruments[0]!.scan;
    return { spec, windows: walkForwardWindows(spec, scan.firstBarTime!, scan.lastBarTime!).length };
  } catch (err) {
    if (err instanceof WalkForwardError) throw new UsageError(err.message);
    throw err;
  }
}

function sweepSpec(inputs: ResearchInputs, opts: SweepOptions, packageVersion: string): SweepSpec {
  const s = inputs.settings;
  return {
    data: inputs.instruments.map((i) => ({ symbol: i.symbol, spec: i.spec, reference: i.reference, scan: i.scan })),
    tz: opts.tz,
    strategy: inputs.opened.file?.path ?? inputs.opened.strategy.name,
    baseParams: inputs.params,
    quoteAsset: s.quoteAsset,
    seed: s.seed,
    fill: s.fill,
    feeBps: s.feeBps.toFixed(),
    slippageBps: s.slippageBps.toFixed(),
    participationCap: s.participationCap?.toFixed() ?? null,
    initialCash: s.initialCash.toFixed(),
    qtyStep: s.qtyStep.toFixed(),
    minNotional: s.minNotional.toFixed(),
    priceTick: s.priceTick.toFixed(),
    risk: inputs.config.risk,
    eventsMode: opts.events,
    packageVersion,
    gitCommit: gitCommit(),
  };
}

function progressBar(total: number): cliProgress.SingleBar | null {
  if (process.stderr.isTTY !== true) return null;
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'sweep [{bar}] {value}/{total} runs, eta {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}
