import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Option } from 'commander';
import type { AnyNewEvent } from '../../events/event-factory.js';
import { runLive } from '../../engine/live/live-run.js';
import type { CcxtVenueId, VenueCredentials } from '../../engine/venues/ccxt/exchange-factory.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../engine/venues/ccxt/venue-defaults.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { listRuns } from '../../projections/run-index-projection.js';
import { configHash } from '../../replay/backtest/backtest-config.js';
import { resolveEngineConfig } from '../config-file.js';
import { InputError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { acquireRunLock } from '../lock.js';
import { gitCommit, realSleeper, systemClock, wallStopwatch } from '../live-ports.js';
import { EngineMetrics, type MetricsServer, startMetricsServer } from '../metrics-server.js';
import { openStore, parseStoreTarget } from '../open-store.js';
import { type CommandIo, intArg, jsonOption, type RegisterCommand } from '../program.js';
import { mountStatusPage } from '../status-page/mount.js';
import { scrubCredentials } from '../venue/venue-cli-errors.js';
import { reconcileLeftovers } from '../live/leftover-orders.js';
import { effectiveConfig, type LiveSetup, liveSetup, resumedSetup, runStartedOf } from '../live/live-config.js';
import { type PreparedVenue, prepareRealVenue } from '../live/real-venue.js';
import { runPolicy } from '../live/recorded-run.js';
import { openLiveVenue, type VenueChoice } from '../live/live-venue.js';
import { checkRegularFileIfPresent, checkVenueFlags, durationArg, leftoverOrders } from '../live/stage7-flags.js';

type VenueName = 'sim' | CcxtVenueId;

interface Stage7Options {
  venue: VenueName;
  market?: string;
  venueUrl?: string;
  venueCredentials?: string;
  venueTimeout?: number;
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
 * `engine stage7-run`: a live run against the simulated venue or a real one (Binance spot, BTCTurk
 * through ccxt). Takes the run lock of the database (a second process exits 3 naming the holder),
 * brings the projections up to date, resumes the last live run if it never ended (a crash; only on the
 * venue it started on) or starts a new one after reconciling what ended runs left open at the venue,
 * reconciles every order that is not terminal before the first cycle, then runs one cycle per interval
 * until --cycles or SIGINT/SIGTERM. Without --arm every order is denied DRY_RUN (a real venue's
 * markets and balances are still read); armed, a real venue's read-only preflight must pass first.
 */
export const registerStage7Run: RegisterCommand = (program, cli) => {
  jsonOption(
    program
      .command('stage7-run')
      .description('live run against the simulated venue or a real one (binance, btcturk): cycles on an interval, unknown orders reconciled, crash-safe restarts')
      .addOption(new Option('--venue <name>', 'venue adapter').choices(['sim', 'binance', 'btcturk']).makeOptionMandatory())
      .option('--market <BASE/QUOTE>', 'the market to trade at a real venue, e.g. BTC/USDT (the sim venue trades the config symbol)')
      .option('--venue-url <url>', "a real venue's API origin: a loopback address (an emulator) or the venue's own production host")
      .option('--venue-credentials <file>', 'JSON file (mode 0600) with {"apiKey","secret"}; default ENGINE_<VENUE>_API_KEY/_SECRET')
      .option('--venue-timeout <duration>', 'per-request timeout at a real venue (default 10s)', (v) => durationArg('--venue-timeout', v))
      .option('--config <file>', 'engine configuration file (JSON with profiles)')
      .option('--profile <name>', 'configuration profile: dev, paper, prod (default paper)')
      .option('--arm', 'send orders (without it: dry run, every order denied DRY_RUN)')
      .option('--cycles <n>', 'stop after n cycles (default: until SIGINT/SIGTERM)', intArg('--cycles', 0))
      .option('--interval <duration>', 'time between cycles, e.g. 20ms, 1s, 1m (config live.intervalMs)', (v) => durationArg('--interval', v))
      .option('--seed <s>', 'seed of the engine randomness of a new run (default: random, recorded)')
      .option('--metrics-port <port>', 'serve Prometheus /metrics and /healthz on 127.0.0.1:<port> (0: any free port)', intArg('--metrics-port', 0))
      .option('--venue-state <file>', 'the simulated venue state file (config live.sim.statePath, default <db>.venue.json)'),
  ).action(
    cli.action<Stage7Options>(async (io, opts) => {
      let creds: VenueCredentials | undefined;
      try {
        return await stage7Run(io, opts, (c) => (creds = c), program.version() ?? '0.0.0');
      } catch (err) {
        // A last guard: no error line leaves the process with a key in it.
        if (creds && err instanceof Error) err.message = scrubCredentials(err.message, creds);
        throw err;
      }
    }),
  );
};

async function stage7Run(
  { global, out, logger, signal, commandPath }: CommandIo,
  opts: Stage7Options,
  onCredentials: (c: VenueCredentials) => void,
  packageVersion: string,
): Promise<ExitCode> {
  checkVenueFlags(opts);
  const requested = resolveEngineConfig({
    command: 'stage7-run',
    ...(opts.config !== undefined ? { file: opts.config } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  });
  const requestedSetup = await liveSetup(requested.config, opts.interval);
  const target = parseStoreTarget(global.db);
  const statePath = opts.venueState ?? requested.config.live.sim.statePath ?? (target.kind === 'sqlite' ? `${target.path}.venue.json` : path.resolve('engine-venue.json'));
  if (opts.venue === 'sim') checkRegularFileIfPresent('--venue-state', statePath);
  // The URL and the keys are checked before the log is opened.
  const prepared: PreparedVenue | null =
    opts.venue === 'sim'
      ? null
      : prepareRealVenue({
          venue: opts.venue,
          ...(opts.venueUrl !== undefined ? { venueUrl: opts.venueUrl } : {}),
          ...(opts.venueCredentials !== undefined ? { credentialsFile: opts.venueCredentials } : {}),
          env: process.env,
          timeoutMs: opts.venueTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
          armed: opts.arm === true,
          clock: systemClock,
        });
  if (prepared) onCredentials(prepared.credentials);

  const lock = acquireRunLock(global.db, commandPath);
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
    const runs = runner.query((s) => listRuns(s.runs)).filter((r) => r.mode === 'live' && r.startedAt !== null);
    const unfinished = runs.filter((r) => r.endedAt === null).sort((a, b) => b.lastPosition - a.lastPosition)[0];
    if (unfinished && unfinished.venue !== opts.venue) {
      throw new InputError(`live run ${unfinished.runId} was left unfinished on venue ${unfinished.venue}: a run resumes only on its own venue (run it with --venue ${unfinished.venue} to finish it)`);
    }
    const resume = unfinished !== undefined;
    // A resumed run goes on with the configuration it recorded, whatever the file says now.
    const recordedStart = unfinished ? await runStartedOf(opened.store, unfinished.runId) : null;
    const recordedMarket = (recordedStart?.data.config as { market?: { symbol?: string } } | undefined)?.market?.symbol;
    if (recordedStart && opts.market !== undefined && recordedMarket !== undefined && recordedMarket !== opts.market) {
      throw new InputError(`live run ${unfinished!.runId} trades ${recordedMarket}, not ${opts.market}: a run resumes only on its own market`);
    }
    const setup: LiveSetup = recordedStart ? await resumedSetup(recordedStart.data.config, recordedStart.data.strategySource) : requestedSetup;
    const profile = recordedStart ? String((recordedStart.data.config as { profile?: unknown }).profile ?? requested.profile) : requested.profile;

    const log = logger;
    const armed = opts.arm === true;
    const choice: VenueChoice = prepared ? { kind: 'real', prepared, symbol: recordedMarket ?? opts.market! } : { kind: 'sim', statePath };
    const { venue, market, config, live, rules, initialCash, recordedConfig: json, openFor } = await openLiveVenue(choice, setup, profile, recordedStart, logger);
    if (recordedStart && recordedStart.data.configHash !== configHash(effectiveConfig(requestedSetup.config, requestedSetup.live, requested.profile))) {
      log.warn({ runId: unfinished?.runId }, 'the configuration differs from the one the unfinished run recorded: resuming with the recorded one');
    }

    const metrics = new EngineMetrics();
    const onAppended = (e: AnyNewEvent) => metrics.observe(e, Date.now());
    if (!resume) {
      const leftovers = leftoverOrders(runner, runs, opts.venue);
      if (leftovers.length > 0 && !armed) {
        log.warn({ runs: leftovers }, 'ended runs left orders without a verdict at this venue: an armed run reconciles them before it starts');
      } else if (leftovers.length > 0) {
        await reconcileLeftovers(leftovers, { store: opened.store, openVenue: openFor, armed, signal, logger: log, packageVersion, gitCommit: gitCommit(), onAppended });
      }
    }

    const runId = unfinished?.runId ?? `live-${randomBytes(6).toString('hex')}`;
    const seed = opts.seed ?? randomBytes(8).toString('hex');
    const runLog = log.child({ runId });
    runLog.info(
      { resume, profile, venue: opts.venue, ...(opts.venue === 'sim' ? { statePath } : { market: rules.symbol }), projectionsFrom: rebuilt.startedFrom, events: rebuilt.eventsApplied, armed },
      resume ? 'resuming the unfinished live run' : 'starting a live run',
    );
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
      runLog.info({ port: server.port }, 'metrics listening on 127.0.0.1');
    }

    const result = await runLive({
      store: opened.store,
      runId,
      resume,
      runStarted: {
        mode: 'live',
        strategy: setup.strategy.name,
        params: { ...setup.strategy.params },
        ...(setup.strategyFile ? { strategySource: setup.strategyFile } : {}),
        symbol: config.symbol,
        venue: opts.venue,
        seed,
        config: json,
        configHash: configHash(json),
        data: null,
        eventsMode: 'full',
        initialCash: initialCash.toFixed(),
        quoteAsset: config.quoteAsset,
        packageVersion,
        gitCommit: gitCommit(),
        armed,
      },
      seed: resume ? (unfinished?.seed ?? seed) : seed,
      rules,
      quoteAsset: config.quoteAsset,
      venue,
      market,
      clock: systemClock,
      stopwatch: wallStopwatch,
      sleeper: realSleeper,
      policy: runPolicy({ config }),
      strategy: setup.strategy,
      // Arming belongs to the process: a resumed run is armed only when this process says --arm.
      armed,
      intervalMs: live.intervalMs,
      cycles: opts.cycles ?? null,
      reconcilePolicy: live.reconcile,
      rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
      backoff: live.backoff,
      packageVersion,
      gitCommit: gitCommit(),
      signal,
      onAppended,
      logger: log,
    });
    await runner.catchUp();
    const summary = {
      runId: result.runId,
      venue: opts.venue,
      resumed: result.resumed,
      ended: result.ended,
      cycles: result.cycles,
      lastCycleSeq: result.lastCycleSeq,
      recoveredOrders: result.recoveredOrders,
      eventsAppended: result.eventsAppended,
      ...(opts.venue === 'sim' ? { venueState: statePath } : { market: rules.symbol }),
    };
    if (opts.json) await out.json(summary);
    else await out.line(`${result.runId} ${result.ended.toLowerCase()} after ${result.cycles} cycles (${result.eventsAppended} events${result.resumed ? ', resumed' : ''})`);
    return ExitCode.OK;
  } finally {
    await server?.close();
    await opened.close();
    lock.release();
  }
}

