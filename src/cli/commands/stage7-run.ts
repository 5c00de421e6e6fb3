import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { canonicalJson } from '../../events/canonical.js';
import type { AnyNewEvent } from '../../events/event-factory.js';
import { SeededRandom } from '../../engine/clocks.js';
import { CompleteEngineConfigSchema, type EngineConfig, type LiveConfig } from '../../engine/config/schema.js';
import type { EventData } from '../../events/catalog.js';
import { toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import { runStream } from '../../engine/ids.js';
import type { Strategy } from '../../engine/strategy.js';
import { runLive } from '../../engine/live/live-run.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { createStrategy } from '../../engine/strategies/index.js';
import { StrategyConfigError } from '../../engine/strategy.js';
import { Decimal } from '../../engine/values.js';
import { paperVenueConfigFrom } from '../../engine/venues/simulated/paper-venue-config.js';
import { FaultInjectingVenue } from '../../engine/venues/fault-injection/fault-injecting-venue.js';
import { type Fault, randomFaults } from '../../engine/venues/fault-injection/fault-plan.js';
import { PaperVenue } from '../../engine/venues/simulated/paper-venue.js';
import { VenueStateError } from '../../engine/venues/simulated/venue-state.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { configMarketRules, executionCostBps } from '../../engine/config/market-rules.js';
import { nonTerminalOrders } from '../../projections/orders/orders-projection.js';
import { isAtVenue } from '../../projections/orders/order-status.js';
import { listRuns } from '../../projections/run-index-projection.js';
import { configHash } from '../../replay/backtest/backtest-config.js';
import type { Bar } from '../../engine/bar.js';
import { DataError, openBarSource } from '../../replay/data/index.js';
import { resolveEngineConfig } from '../config-file.js';
import { InputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { acquireLock, lockFileFor } from '../lock.js';
import { atomicStateFile, gitCommit, parseDuration, realSleeper, systemClock, wallStopwatch } from '../live-ports.js';
import { EngineMetrics, type MetricsServer, startMetricsServer } from '../metrics-server.js';
import { openStore, parseStoreTarget } from '../open-store.js';
import { intArg, jsonOption, type RegisterCommand } from '../program.js';
import { mountStatusPage } from '../status-page/mount.js';

interface Stage7Options {
  venue: 'sim';
  config?: string;
  profile?: string;
  arm?: boolean;
  cycles?: number;
  interval?: number;
  seed?: string;
  metricsPort?: number;
  venueState?: string;
  json?: boolean;
}

/**
 * `engine stage7-run --venue sim`: a live paper run. Takes the single-instance lock of the database
 * (a second process exits 3 naming the holder), brings the projections up to date, resumes the last
 * live run if it never ended (a crash) or starts a new one, reconciles every order that is not terminal
 * before the first cycle, then runs one cycle per interval until --cycles or SIGINT/SIGTERM (the cycle
 * in progress finishes, RunEnded is appended). Without --arm every order is denied DRY_RUN.
 */
export const registerStage7Run: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('stage7-run')
      .description('live paper run against the simulated venue: cycles on an interval, unknown orders reconciled, crash-safe restarts')
      .addOption(new Option('--venue <name>', 'venue adapter').choices(['sim']).makeOptionMandatory())
      .option('--config <file>', 'engine configuration file (JSON with profiles)')
      .option('--profile <name>', 'configuration profile: dev, paper, prod (default paper)')
      .option('--arm', 'send orders (without it: dry run, every order denied DRY_RUN)')
      .option('--cycles <n>', 'stop after n cycles (default: until SIGINT/SIGTERM)', intArg('--cycles', 0))
      .option('--interval <duration>', 'time between cycles, e.g. 20ms, 1s, 1m (config live.intervalMs)', durationArg)
      .option('--seed <s>', 'seed of the engine randomness of a new run (default: random, recorded)')
      .option('--metrics-port <port>', 'serve Prometheus /metrics and /healthz on 127.0.0.1:<port> (0: any free port)', intArg('--metrics-port', 0))
      .option('--venue-state <file>', 'the simulated venue state file (config live.sim.statePath, default <db>.venue.json)'),
  ).action(
    cli.action<Stage7Options>(async ({ global, out, logger, signal, commandPath }, opts) => {
      const requested = resolveEngineConfig({
        command: 'stage7-run',
        ...(opts.config !== undefined ? { file: opts.config } : {}),
        ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      });
      const requestedSetup = await liveSetup(requested.config, opts.interval);

      const target = parseStoreTarget(global.db);
      const lock = acquireLock(lockFileFor(target), { command: commandPath });
      const opened = await openStore(global.db, { access: 'write', create: true });
      let server: MetricsServer | null = null;
      try {
        // Projections first: they say which run to resume.
        const runner = new ProjectionRunner({ store: opened.store, checkpoints: opened.checkpoints() });
        let rebuilt;
        try {
          rebuilt = await runner.catchUp();
        } catch (err) {
          // A checkpoint that cannot be used is only a cache: fold the whole log instead.
          logger.warn({ err }, 'projection checkpoint unusable: rebuilding the projections from the log');
          rebuilt = await runner.rebuild();
        }
        const unfinished = runner
          .query((s) => listRuns(s.runs))
          .filter((r) => r.mode === 'live' && r.venue === 'sim' && r.startedAt !== null && r.endedAt === null)
          .sort((a, b) => b.lastPosition - a.lastPosition)[0];
        const resume = unfinished !== undefined;
        // A resumed run goes on with the configuration it recorded, whatever the file says now.
        const recordedStart = unfinished ? await runStartedOf(opened.store, unfinished.runId) : null;
        const { config, live, strategy, recorded } = recordedStart ? await resumedSetup(recordedStart.config) : requestedSetup;
        const profile = recordedStart ? String((recordedStart.config as { profile?: unknown }).profile ?? requested.profile) : requested.profile;
        if (recordedStart && recordedStart.configHash !== configHash(effectiveConfig(requestedSetup.config, requestedSetup.live, requested.profile))) {
          logger.warn({ runId: unfinished?.runId }, 'the configuration differs from the one the unfinished run recorded: resuming with the recorded one');
        }
        const statePath = opts.venueState ?? live.sim.statePath ?? (target.kind === 'sqlite' ? `${target.path}.venue.json` : path.resolve('engine-venue.json'));
        const barIntervalMs = live.barIntervalMs ?? live.intervalMs;
        const venueRandom = new SeededRandom(live.sim.seed);
        let paper: PaperVenue;
        try {
          paper = new PaperVenue(
            {
              ...paperVenueConfigFrom(config, venueRandom.fork('venue')),
              ackLatencyMs: live.sim.ackLatencyMs,
              ...(recorded ? { recorded: recorded.bars } : {}),
              delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            },
            atomicStateFile(statePath),
          );
        } catch (err) {
          if (err instanceof VenueStateError) throw new InputError(err.message);
          throw err;
        }
        const faults = live.sim.faults;
        // A new draw sequence per engine start (the walk step moves on), reproducible from the state file.
        const faultRandom = venueRandom.fork(`faults/${venueHistoryLength(paper)}`);
        const venue = faults.rate === '0' || faults.kinds.length === 0 ? paper : new FaultInjectingVenue(paper, randomFaults(() => faultRandom.next(), Number(faults.rate), faults.kinds.map((k) => faultOf(k, faults))));

        const leftOver = runner.query((s) => nonTerminalOrders(s.orders)).filter((x) => x.runId !== unfinished?.runId && !isAtVenue(x.status));
        if (leftOver.length > 0) {
          logger.warn({ orders: leftOver.map((x) => ({ runId: x.runId, clientOrderId: x.clientOrderId, status: x.status })) }, 'ended runs left orders unresolved: check them at the venue');
        }
        const runId = unfinished?.runId ?? `live-${randomBytes(6).toString('hex')}`;
        const seed = opts.seed ?? randomBytes(8).toString('hex');
        const json = effectiveConfig(config, live, profile);
        const initialCash = (await paper.balances())[config.quoteAsset] ?? new Decimal(config.initialCash);
        const log = logger.child({ runId });
        log.info({ resume, profile, statePath, projectionsFrom: rebuilt.startedFrom, events: rebuilt.eventsApplied, armed: opts.arm === true }, resume ? 'resuming the unfinished live run' : 'starting a live run');

        const metrics = new EngineMetrics();
        if (opts.metricsPort !== undefined) {
          server = await startMetricsServer(
            metrics,
            () => {
              const since = metrics.secondsSinceLastCycle(Date.now());
              const ok = since === null || since * 1000 < Math.max(5_000, 5 * live.intervalMs);
              return { ok, detail: { runId, secondsSinceLastCycle: since } };
            },
            opts.metricsPort,
          );
          mountStatusPage(server, { db: global.db, runId, slo: config.slo, logger: log });
          log.info({ port: server.port }, 'metrics listening on 127.0.0.1');
        }

        const result = await runLive({
          store: opened.store,
          runId,
          resume,
          runStarted: {
            mode: 'live',
            strategy: strategy.name,
            params: { ...strategy.params },
            symbol: config.symbol,
            venue: 'sim',
            seed,
            config: json,
            configHash: configHash(json),
            data: null,
            eventsMode: 'full',
            initialCash: initialCash.toFixed(),
            quoteAsset: config.quoteAsset,
            packageVersion: program.version() ?? '0.0.0',
            gitCommit: gitCommit(),
            armed: opts.arm === true,
          },
          seed: resume ? (unfinished?.seed ?? seed) : seed,
          rules: configMarketRules(config),
          quoteAsset: config.quoteAsset,
          venue,
          market: { next: async () => paper.tick(systemClock.now()) },
          clock: systemClock,
          stopwatch: wallStopwatch,
          sleeper: realSleeper,
          policy: createRiskPolicy(config.risk, { executionCostBps: executionCostBps(config) }),
          strategy,
          // Arming belongs to the process: a resumed run is armed only when this process says --arm.
          armed: opts.arm === true,
          intervalMs: live.intervalMs,
          cycles: opts.cycles ?? null,
          reconcilePolicy: live.reconcile,
          rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
          backoff: live.backoff,
          packageVersion: program.version() ?? '0.0.0',
          gitCommit: gitCommit(),
          signal,
          onAppended: (e: AnyNewEvent) => metrics.observe(e, Date.now()),
          logger,
        });
        await runner.catchUp();
        const summary = {
          runId: result.runId,
          resumed: result.resumed,
          ended: result.ended,
          cycles: result.cycles,
          lastCycleSeq: result.lastCycleSeq,
          recoveredOrders: result.recoveredOrders,
          eventsAppended: result.eventsAppended,
          venueState: statePath,
        };
        if (opts.json) await out.json(summary);
        else await out.line(`${result.runId} ${result.ended.toLowerCase()} after ${result.cycles} cycles (${result.eventsAppended} events${result.resumed ? ', resumed' : ''})`);
        return ExitCode.OK;
      } finally {
        await server?.close();
        await opened.close();
        lock.release();
      }
    }),
  );
};

function venueHistoryLength(paper: PaperVenue): number {
  return paper.fills().length + paper.received().length;
}

function faultOf(kind: LiveConfig['sim']['faults']['kinds'][number], f: LiveConfig['sim']['faults']): Fault {
  switch (kind) {
    case 'rate-limited':
      return { kind, times: f.rateLimitedTimes, retryAfterMs: f.retryAfterMs };
    case 'lost-ack':
      return { kind, hiddenQueries: f.lostAckHiddenQueries };
    case 'duplicate-fills':
      return { kind, copies: f.duplicateCopies };
    default:
      return { kind };
  }
}

interface LiveSetup {
  config: EngineConfig;
  live: LiveConfig;
  strategy: Strategy;
  recorded: { bars: Bar[]; intervalMs: number | null } | null;
}

/** Everything the configuration decides before the run starts, checked (bad input: exit 2). */
async function liveSetup(config: EngineConfig, interval: number | undefined): Promise<LiveSetup> {
  const recorded = config.live.sim.csv === null ? null : await loadCsv(config.live.sim.csv, config.symbol);
  const csvIntervalMs = recorded && recorded.intervalMs !== null ? Math.max(1, Math.round(recorded.intervalMs / config.live.sim.csvSpeed)) : null;
  const live: LiveConfig = { ...config.live, intervalMs: interval ?? csvIntervalMs ?? config.live.intervalMs };
  let strategy: Strategy;
  try {
    strategy = createStrategy(config.strategy.name, config.strategy.params);
  } catch (err) {
    if (err instanceof StrategyConfigError) throw new InputError(err.message);
    throw err;
  }
  return { config, live, strategy, recorded };
}

/** What RunStarted records as the configuration (and hashes). */
function effectiveConfig(config: EngineConfig, live: LiveConfig, profile: string): never {
  return JSON.parse(canonicalJson({ ...config, live, venue: 'sim', profile })) as never;
}

/** A resumed run's setup: its recorded configuration, paced as it recorded (live.intervalMs is the effective interval). */
async function resumedSetup(recorded: unknown): Promise<LiveSetup> {
  const config = configFromRecord(recorded);
  return liveSetup(config, config.live.intervalMs);
}

/** The engine configuration inside a recorded RunStarted.config. */
function configFromRecord(recorded: unknown): EngineConfig {
  const { venue: _venue, profile: _profile, ...rest } = recorded as Record<string, unknown>;
  return CompleteEngineConfigSchema.parse(rest);
}

async function runStartedOf(store: EventStore, runId: string): Promise<EventData<'RunStarted'> | null> {
  for await (const e of store.readStream(runStream(runId), { maxCount: 1 })) {
    const t = toTypedEvent(e);
    if (t.type === 'RunStarted') return t.data;
    break;
  }
  return null;
}

/** The CSV the paper venue replays, read whole and checked first (a bad file is bad input: exit 2). */
async function loadCsv(file: string, symbol: string): Promise<{ bars: Bar[]; intervalMs: number | null }> {
  try {
    const source = openBarSource(file, { symbol });
    const scan = await source.scan();
    if (scan.barCount === 0) throw new InputError(`${file}: no bars to replay`);
    const bars: Bar[] = [];
    for await (const bar of source.bars()) bars.push(bar);
    return { bars, intervalMs: scan.intervalMs };
  } catch (err) {
    if (err instanceof DataError) throw new InputError(err.message);
    throw err;
  }
}

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError(`--interval must be a duration such as 20ms, 1s or 1m, got "${value}"`);
  return ms;
}

