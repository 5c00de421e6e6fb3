import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { EngineConfig } from '../../engine/config/schema.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { StrategyConfigError } from '../../engine/strategy.js';
import { Decimal } from '../../engine/values.js';
import type { BacktestSettings, EventsMode } from '../../replay/backtest/backtest-config.js';
import { EmptyDataError } from '../../replay/backtest/errors.js';
import type { BacktestRequest } from '../../replay/backtest/run-backtest.js';
import type { BarSource, DataScan } from '../../replay/data/bar-source.js';
import { DataError, openBarSource } from '../../replay/data/index.js';
import { openStrategy, type OpenedStrategy } from '../../replay/strategy-file/index.js';
import { resolveEngineConfig } from '../config-file.js';
import { InputError, UsageError } from '../errors.js';
import { logIntegrityFromEnv } from '../log-integrity.js';
import { databaseFiles, type ProtectedFile } from '../output-path.js';
import { parseStoreTarget } from '../open-store.js';
import { type DataFlag, parseDataFlags, symbolKey } from './data-flags.js';

/**
 * What `engine backtest` and `engine sweep` share: the flags that say what to run (data, strategy, costs,
 * configuration) and their checks, all before the store is opened: bad input exits 2 with nothing appended.
 */
export interface ResearchFlags {
  data: string[];
  symbol?: string;
  strategy: string;
  param: string[];
  seed: string;
  feeBps?: string;
  slippageBps?: string;
  fill?: 'next-open' | 'close';
  participationCap?: string;
  events: EventsMode;
  tz: string;
  initialCash?: string;
  config?: string;
  profile?: string;
}

/** One instrument, its data opened and checked (scanned). */
export interface OpenedInstrument extends DataFlag {
  /** What RunStarted records: an absolute path (a replay finds it from anywhere), or the synthetic spec. */
  reference: string;
  source: BarSource;
  scan: DataScan;
}

export interface ResearchInputs {
  config: EngineConfig;
  opened: OpenedStrategy;
  params: Record<string, string>;
  instruments: OpenedInstrument[];
  settings: BacktestSettings;
  executionCostBps: Decimal;
}

export function addResearchFlags(cmd: Command, o: { events: EventsMode; strategyHelp: string }): Command {
  return cmd
    .option('--data <[SYMBOL=]csv|synthetic:...>', 'OHLCV CSV, Binance kline CSV or synthetic:bars=N,...; repeat as SYMBOL=<file> for several instruments', collect, [])
    .option('--symbol <S>', 'the instrument of a --data given without a SYMBOL= name')
    .requiredOption('--strategy <name|file>', o.strategyHelp)
    .option('--param <k=v>', 'strategy parameter (repeatable)', collect, [])
    .requiredOption('--seed <n>', 'seed of every random choice of the run', seedArg)
    .option('--fee-bps <n>', 'fee per fill in basis points of notional, 0 to 10000 (config default 10)', bpsArg('--fee-bps'))
    .option('--slippage-bps <n>', 'adverse slippage of market fills in basis points, 0 to 10000 (config default 5)', bpsArg('--slippage-bps'))
    .addOption(new Option('--fill <when>', 'market orders fill at the next bar open or the signal bar close').choices(['next-open', 'close']))
    .option('--participation-cap <f>', 'max share of a bar volume one order may take (0-1]; partial fills', decimalArg('--participation-cap'))
    .addOption(new Option('--events <mode>', 'full: every bar recorded; decisions: data hash and range only').choices(['full', 'decisions']).default(o.events))
    .option('--tz <IANA>', 'time zone of naive timestamps in the data', 'UTC')
    .option('--initial-cash <n>', 'starting cash in the quote asset (config default 100000)', decimalArg('--initial-cash'))
    .option('--config <file>', 'engine configuration file (JSON with profiles)')
    .option('--profile <name>', 'configuration profile: dev, paper, prod (default dev)');
}

/** Flags, configuration, strategy and every dataset, checked; nothing is opened for writing. */
export async function researchInputs(command: 'backtest' | 'sweep', opts: ResearchFlags): Promise<ResearchInputs> {
  const flags = parseDataFlags(opts.data, opts.symbol);
  const params = parseParams(opts.param);
  const { config } = resolveEngineConfig({
    command,
    ...(opts.config !== undefined ? { file: opts.config } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    overrides: {
      symbol: flags[0]!.symbol,
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
  const opened = await asInputErrorAsync(() => openStrategy(config.strategy.name, config.strategy.params));
  const instruments: OpenedInstrument[] = [];
  for (const flag of flags) instruments.push(await openInstrument(flag, opts.tz));
  const executionCostBps = new Decimal(config.simulation.feeBps).plus(config.simulation.slippageBps);
  const settings: BacktestSettings = {
    symbol: instruments[0]!.symbol,
    moreSymbols: instruments.slice(1).map((i) => i.symbol),
    quoteAsset: config.quoteAsset,
    strategy: opened.strategy.name,
    params: opened.strategy.params,
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
  };
  return { config, opened, params, instruments, settings, executionCostBps };
}

async function openInstrument(flag: DataFlag, tz: string): Promise<OpenedInstrument> {
  const source = asInputError(() => openBarSource(flag.spec, { tz, symbol: flag.symbol }));
  const scan = await asInputErrorAsync(() => source.scan());
  if (scan.barCount === 0) throw new InputError(`${flag.spec}: no bars to backtest`);
  if (scan.symbol !== null && symbolKey(scan.symbol) !== symbolKey(flag.symbol)) {
    throw new InputError(`${flag.spec}: the file's symbol column says "${scan.symbol}" but ${flag.named ? '--data names it' : '--symbol is'} "${flag.symbol}"`);
  }
  const reference = flag.spec.startsWith('synthetic:') ? flag.spec : path.resolve(flag.spec);
  return { ...flag, reference, source, scan };
}

/** The backtest request for these inputs (the strategy as opened, or another of the same file). */
export function backtestRequest(inputs: ResearchInputs, extra: { eventsMode: EventsMode; packageVersion: string; gitCommit: string | null }): BacktestRequest {
  const [first, ...rest] = inputs.instruments;
  const { config } = inputs;
  return {
    settings: inputs.settings,
    source: first!.source,
    dataSource: first!.reference,
    scan: first!.scan,
    more: rest.map((i) => ({ symbol: i.symbol, source: i.source, scan: i.scan, dataSource: i.reference })),
    strategy: inputs.opened.strategy,
    ...(inputs.opened.file ? { strategySource: inputs.opened.file } : {}),
    policy: createRiskPolicy(config.risk, { executionCostBps: inputs.executionCostBps }),
    rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
    eventsMode: extra.eventsMode,
    packageVersion: extra.packageVersion,
    gitCommit: extra.gitCommit,
  };
}

/** What an output file (--report) must never replace: the database and its companions, the data, the config, the witness. */
export function filesToKeep(db: string, inputs: { instruments: readonly DataFlag[] }, configFile: string | undefined): ProtectedFile[] {
  const target = parseStoreTarget(db);
  const keep = target.kind === 'sqlite' ? databaseFiles(target.path, target.display) : [];
  for (const i of inputs.instruments) if (!i.spec.startsWith('synthetic')) keep.push({ file: i.spec, what: `the data file (--data ${i.spec})` });
  if (configFile !== undefined) keep.push({ file: configFile, what: `the configuration file (--config ${configFile})` });
  const witness = logIntegrityFromEnv().witness;
  if (witness !== null) keep.push({ file: witness, what: `the log's witness file (ENGINE_LOG_WITNESS=${witness})` });
  return keep;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseParams(pairs: readonly string[]): Record<string, string> {
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

export function asInputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toInputError(err);
  }
}

export async function asInputErrorAsync<T>(fn: () => Promise<T>): Promise<T> {
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
