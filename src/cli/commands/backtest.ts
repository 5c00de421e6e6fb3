import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, Option } from 'commander';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { createStrategy } from '../../engine/strategies/index.js';
import { StrategyConfigError } from '../../engine/strategy.js';
import { Decimal } from '../../engine/values.js';
import type { EventsMode } from '../../replay/backtest/backtest-config.js';
import { EmptyDataError } from '../../replay/backtest/errors.js';
import { type BacktestResult, runBacktest } from '../../replay/backtest/run-backtest.js';
import { DataError, openBarSource } from '../../replay/data/index.js';
import { roundTripToJson } from '../../replay/metrics/index.js';
import { writeFileAtomic, WriteFailedError } from '../atomic-file.js';
import { resolveEngineConfig } from '../config-file.js';
import { logIntegrityFromEnv } from '../log-integrity.js';
import { checkOutputPath, databaseFiles, type ProtectedFile } from '../output-path.js';
import { parseStoreTarget } from '../open-store.js';
import { InputError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { gitCommit } from '../build-info.js';
import { openStore } from '../open-store.js';
import { jsonOption, type RegisterCommand } from '../program.js';
import { renderBacktestReport } from '../../replay/backtest/report.js';
import { formatBacktestSummary } from '../../replay/backtest/summary.js';

interface BacktestOptions {
  data: string;
  symbol: string;
  strategy: string;
  param: string[];
  seed: string;
  feeBps?: string;
  slippageBps?: string;
  fill?: 'next-open' | 'close';
  participationCap?: string;
  events: EventsMode;
  report?: string;
  tz: string;
  initialCash?: string;
  config?: string;
  profile?: string;
  json?: boolean;
}

/** Long runs get a progress bar (stderr, TTY only). */
const PROGRESS_MIN_BARS = 50_000;

/**
 * `engine backtest`: one deterministic run of a strategy over historical or synthetic bars through
 * the engine's own cycle, recorded in the log. Everything is validated (flags, config, strategy,
 * the whole data file) before the store is opened: bad input exits 2 with nothing appended.
 * It does not take the interrupt signal: Ctrl-C ends it at once (exit 130); the batches already
 * appended are whole transactions, and re-running the same backtest skips them and carries on.
 */
export const registerBacktest: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('backtest')
      .description('backtest a strategy over a CSV file or synthetic bars; every snapshot, intent, decision, order and fill is recorded')
      .requiredOption('--data <csv|synthetic:...>', 'OHLCV CSV file, Binance kline CSV, or synthetic:bars=N,interval=1m,seed=S,...')
      .requiredOption('--symbol <S>', 'instrument symbol')
      .requiredOption('--strategy <name>', 'strategy: sma-cross or donchian-breakout')
      .option('--param <k=v>', 'strategy parameter (repeatable)', collect, [])
      .requiredOption('--seed <n>', 'seed of every random choice of the run', seedArg)
      .option('--fee-bps <n>', 'fee per fill in basis points of notional, 0 to 10000 (config default 10)', bpsArg('--fee-bps'))
      .option('--slippage-bps <n>', 'adverse slippage of market fills in basis points, 0 to 10000 (config default 5)', bpsArg('--slippage-bps'))
      .addOption(new Option('--fill <when>', 'market orders fill at the next bar open or the signal bar close').choices(['next-open', 'close']))
      .option('--participation-cap <f>', 'max share of a bar volume one order may take (0-1]; partial fills', decimalArg('--participation-cap'))
      .addOption(new Option('--events <mode>', 'full: every bar recorded; decisions: data hash and range only').choices(['full', 'decisions']).default('full'))
      .option('--report <file.html>', 'write a self-contained HTML report (checked before the run, written atomically)')
      .option('--tz <IANA>', 'time zone of naive timestamps in the data', 'UTC')
      .option('--initial-cash <n>', 'starting cash in the quote asset (config default 100000)', decimalArg('--initial-cash'))
      .option('--config <file>', 'engine configuration file (JSON with profiles)')
      .option('--profile <name>', 'configuration profile: dev, paper, prod (default dev)'),
  ).action(
    cli.action<BacktestOptions>(async ({ global, out, logger }, opts) => {
      const params = parseParams(opts.param);
      const { config } = resolveEngineConfig({
        command: 'backtest',
        ...(opts.config !== undefined ? { file: opts.config } : {}),
        ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
        overrides: {
          symbol: opts.symbol,
          initialCash: opts.initialCash,
          strategy: { name: opts.strategy, params },
          simulation: {
            feeBps: opts.feeBps === undefined ? undefined : Number(opts.feeBps),
            slippageBps: opts.slippageBps === undefined ? undefined : Number(opts.slippageBps),
            fill: opts.fill,
            participationCap: opts.participationCap,
          },
        },
      });
      const strategy = asInputError(() => createStrategy(config.strategy.name, config.strategy.params));
      const source = asInputError(() => openBarSource(opts.data, { tz: opts.tz, symbol: opts.symbol }));
      const report = opts.report === undefined ? null : checkOutputPath('--report', opts.report, filesToKeep(global.db, opts));
      const scan = await asInputErrorAsync(() => source.scan());
      if (scan.barCount === 0) throw new InputError(`${opts.data}: no bars to backtest`);
      if (scan.symbol !== null && symbolKey(scan.symbol) !== symbolKey(opts.symbol)) {
        throw new InputError(`${opts.data}: the file's symbol column says "${scan.symbol}" but --symbol is "${opts.symbol}": one run, one instrument`);
      }

      const opened = await openStore(global.db, { access: 'write', create: true });
      let result: BacktestResult;
      const progress = progressBar(scan.barCount);
      try {
        logger.info({ data: opts.data, bars: scan.barCount, strategy: strategy.name, events: opts.events }, 'backtest starting');
        if ((scan.rowsOutOfOrder ?? 0) > 0) {
          logger.warn({ data: opts.data, rowsOutOfOrder: scan.rowsOutOfOrder }, 'rows out of time order in the data were sorted into place');
        }
        result = await asInputErrorAsync(() =>
          runBacktest(opened.store, {
            settings: {
              symbol: config.symbol,
              quoteAsset: config.quoteAsset,
              strategy: strategy.name,
              params: strategy.params,
              seed: opts.seed,
              fill: config.simulation.fill,
              feeBps: new Decimal(config.simulation.feeBps),
              slippageBps: new Decimal(config.simulation.slippageBps),
              participationCap: config.simulation.participationCap === null ? null : new Decimal(config.simulation.participationCap),
              initialCash: new Decimal(config.initialCash),
              qtyStep: new Decimal(config.risk.qtyStep),
              minNotional: new Decimal(config.risk.minNotional),
              priceTick: new Decimal(config.risk.priceTick),
              tz: opts.tz,
              risk: config.risk,
            },
            source,
            // A replay must find the file again from anywhere: record where it is, not how it was typed.
            dataSource: opts.data.startsWith('synthetic:') ? opts.data : path.resolve(opts.data),
            scan,
            strategy,
            policy: createRiskPolicy(config.risk, { executionCostBps: new Decimal(config.simulation.feeBps).plus(config.simulation.slippageBps) }),
            rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
            eventsMode: opts.events,
            packageVersion: program.version() ?? '0.0.0',
            gitCommit: gitCommit(),
            ...(progress ? { onProgress: (done: number) => progress.update(done) } : {}),
          }),
        );
      } finally {
        progress?.stop();
        await opened.close();
      }
      logger.info({ runId: result.runId, written: result.eventsWritten, alreadyStored: result.eventsAlreadyStored }, 'backtest recorded');
      if (report !== null) {
        try {
          writeFileAtomic(report, renderBacktestReport(result, { strategy: strategy.name, symbol: opts.symbol, params: strategy.params }));
        } catch (err) {
          // The run is recorded; re-running the same backtest appends nothing and writes the report.
          if (err instanceof WriteFailedError) {
            throw new WriteFailedError(err.file, err.code, `${err.detail}; run ${result.runId} was recorded: re-run the same command to write the report`, true);
          }
          throw err;
        }
      }
      if (opts.json) await out.json(jsonResult(result));
      else for (const line of formatBacktestSummary(result, { symbol: opts.symbol, strategy: strategy.name, params: strategy.params, db: opened.target.display, report: opts.report ?? null })) await out.line(line);
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
    trades: r.trades.map(roundTripToJson),
    denials: r.denials,
    reductions: r.reductions,
    rejections: r.rejections,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq <= 0 ? '' : pair.slice(0, eq).trim();
    if (key === '') throw new UsageError(`--param ${pair}: expected key=value`);
    const value = pair.slice(eq + 1).trim();
    if (Object.hasOwn(params, key)) throw new UsageError(`--param ${key} given twice (${key}=${params[key]} and ${key}=${value}): give it once`);
    params[key] = value;
  }
  return params;
}

/** What --report must never replace: the database and its companion files, the data, the config, the witness. */
function filesToKeep(db: string, opts: BacktestOptions): ProtectedFile[] {
  const target = parseStoreTarget(db);
  const keep = target.kind === 'sqlite' ? databaseFiles(target.path, target.display) : [];
  if (!opts.data.startsWith('synthetic')) keep.push({ file: opts.data, what: `the data file (--data ${opts.data})` });
  if (opts.config !== undefined) keep.push({ file: opts.config, what: `the configuration file (--config ${opts.config})` });
  const witness = logIntegrityFromEnv().witness;
  if (witness !== null) keep.push({ file: witness, what: `the log's witness file (ENGINE_LOG_WITNESS=${witness})` });
  return keep;
}

/** "BTC/USD", "btc-usd" and "BTCUSD" name one instrument. */
function symbolKey(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Basis points: 10000 is 100%; a fee or slippage beyond it takes more than the whole notional. */
const MAX_BPS = 10_000;

function bpsArg(name: string): (value: string) => string {
  const parse = decimalArg(name);
  return (value: string) => {
    const v = parse(value);
    if (new Decimal(v).gt(MAX_BPS)) throw new InvalidArgumentError(`${name} must be at most ${MAX_BPS} basis points (100%), got "${value}"`);
    return v;
  };
}

function seedArg(value: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new InvalidArgumentError(`--seed must be letters, digits, '_', '-' or '.', got "${value}"`);
  return value;
}

function decimalArg(name: string): (value: string) => string {
  return (value: string) => {
    const v = value.trim();
    if (v.length > 40 || !/^(\d+\.?\d*|\.\d+)$/.test(v)) throw new InvalidArgumentError(`${name} must be a non-negative number (at most 40 characters), got ${JSON.stringify(value.slice(0, 60))}`);
    return new Decimal(v).toFixed();
  };
}

function asInputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toInputError(err);
  }
}

async function asInputErrorAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toInputError(err);
  }
}

function toInputError(err: unknown): unknown {
  if (err instanceof DataError) return new InputError(err.message);
  if (err instanceof StrategyConfigError || err instanceof EmptyDataError) return new InputError(err.message);
  return err;
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

