import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { Bar } from '../../engine/bar.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../engine/clocks.js';
import type { RiskConfig } from '../../engine/config/schema.js';
import { createRunDecider, recordingFor } from '../../engine/decider/index.js';
import { NO_WAIT, type RunPorts, type RunStart } from '../../engine/driver/ports.js';
import { RunDriver } from '../../engine/driver/run-driver.js';
import type { Clock, MarketData } from '../../engine/ports.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { createStrategy } from '../../engine/strategies/index.js';
import type { Strategy } from '../../engine/strategy.js';
import { instrumentAssets } from '../../projections/fill-valuation.js';
import { openStrategy } from '../strategy-file/index.js';
import { openRecordedSource } from '../sweep/windowed-source.js';
import { configHash } from '../backtest/backtest-config.js';
import { DataError, openBarSource } from '../data/index.js';
import { type Divergence, DivergenceFound, ParityLog, ProcessEnded } from './parity-log.js';
import { RecordedCursor } from './recorded-cursor.js';
import { RunNotFoundError, openRecordedRun } from './recorded-run.js';
import { DatasetMarket, RecordedClock, RecordedMarket, recordedKillSwitch } from './replay-market.js';
import { ReplayVenue } from './replay-venue.js';
import { type ReplaySettings, replaySettingsFrom } from './run-settings.js';

/** Builds the strategy a run recorded (by name and parameters); tests may supply their own. */
export type StrategyFactory = (name: string, params: Readonly<Record<string, string>>) => Strategy;

export interface ReplayOptions {
  /** Replay with this risk section instead of the recorded one ("what would this limit have done"). */
  risk?: RiskConfig;
  /** Where the override came from, for the report (e.g. "limits.json#paper"). */
  riskSource?: string;
  /** Decisions-mode backtests: read the dataset from here instead of the recorded source. */
  dataPath?: string;
  /** A run of a user's strategy file: read it from here instead of the recorded path (its sha256 must match). */
  strategyPath?: string;
  strategyFor?: StrategyFactory;
}

/**
 * PARITY: every recorded decision re-derived identically. DIVERGED: the first difference, both sides.
 * INCOMPLETE: parity up to where the run's last process stopped without ending it (killed, or still running).
 */
export type ParityVerdict = 'PARITY' | 'DIVERGED' | 'INCOMPLETE';

export interface ParityReport {
  runId: string;
  mode: string;
  eventsMode: 'full' | 'decisions';
  verdict: ParityVerdict;
  /** Recorded events compared (run lifecycle events are not re-derived). */
  recordedEvents: number;
  matched: number;
  /** Strategy cycles replayed. */
  cycles: number;
  /** Live runs: process segments (1 + restarts). */
  segments: number;
  /** The process segment (1-based) the first divergence fell in. */
  divergenceSegment: number | null;
  divergence: Divergence | null;
  fingerprints: { recorded: string; rederived: string };
  config: { recordedHash: string; source: string; riskOverridden: boolean; riskHash: string };
  /** The engine that recorded the run (RunStarted). */
  recordedBy: { packageVersion: string; gitCommit: string | null };
  data: { source: string; hash: string; verified: boolean } | null;
}

/** The log or the data cannot support a replay (exit 2): named run missing, dataset missing or changed. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

/**
 * Replay-parity (DESIGN.md): the run driver again, with the run's recorded inputs as its ports (the
 * snapshots or the verified dataset, the recorded venue answers, the recorded engine times and kill
 * switch), the CURRENT decider, and a log that compares instead of appending. Each process of a live run
 * is replayed as it ran: the first from RunStarted, each restart from the fold of the events the log held
 * when it resumed. Nothing is appended to the log.
 */
export async function replayRun(store: EventStore, runId: string, options: ReplayOptions = {}): Promise<ParityReport> {
  const opened = await openRecordedRun(store, runId).catch((err: Error) => {
    if (err instanceof RunNotFoundError) throw new ReplayInputError(err.message);
    throw err;
  });
  const started = opened.started.data;
  let settings: ReplaySettings;
  try {
    settings = replaySettingsFrom(started, options.risk);
  } catch (err) {
    throw new ReplayInputError(`run ${runId}: ${(err as Error).message}`);
  }
  let strategyFor: StrategyFactory;
  try {
    if (options.strategyFor) strategyFor = options.strategyFor;
    else if (settings.strategy.file) {
      const opened = await openStrategy(options.strategyPath ?? settings.strategy.file.path, settings.strategy.params, settings.strategy.file.sha256);
      strategyFor = (_name, params) => opened.withParams(params);
    } else strategyFor = (name, params) => createStrategy(name, params);
    strategyFor(settings.strategy.name, settings.strategy.params);
  } catch (err) {
    throw new ReplayInputError(`run ${runId}: cannot rebuild its strategy: ${(err as Error).message}`);
  }

  const backtest = started.mode === 'backtest';
  const decisionsOnly = backtest && started.eventsMode === 'decisions';
  let data: ParityReport['data'] = null;
  let dataset: { sources: Array<{ symbol: string; bars: AsyncIterable<Bar> }>; intervalMs: number } | null = null;
  if (decisionsOnly) {
    const verified = await verifiedDataset(started.data, started.symbol, settings.tz, options.dataPath);
    const sources = [{ symbol: started.symbol, bars: verified.bars }];
    for (const ref of started.moreData ?? []) sources.push({ symbol: ref.symbol, bars: (await verifiedDataset(ref, ref.symbol, settings.tz, undefined)).bars });
    dataset = { sources, intervalMs: verified.intervalMs };
    data = { source: verified.source, hash: verified.hash, verified: true };
  } else if (started.data) {
    data = { source: started.data.source, hash: started.data.hash, verified: false };
  }

  // Live runs are held in memory: each restart folds the whole prefix. Backtests are streamed.
  const cursor = backtest ? new RecordedCursor(opened.events) : new RecordedCursor(await collect(opened.events));
  const log = new ParityLog(cursor);
  const barClock = new ManualClock(0);
  const clock: Clock = decisionsOnly ? barClock : new RecordedClock(cursor);
  const market: MarketData = dataset
    ? new DatasetMarket(dataset.sources, { interval: started.data?.interval ?? null, intervalMs: dataset.intervalMs, clock: barClock, cursor })
    : new RecordedMarket(cursor, log);

  let divergence: Divergence | null = null;
  let incomplete = false;
  let cycles = 0;
  let segment = 0;
  let start: RunStart = { kind: 'new', started };
  try {
    for (;;) {
      segment++;
      const decider = createRunDecider({
        runId,
        mode: started.mode,
        recording: recordingFor(started.mode, started.eventsMode),
        instruments: Object.fromEntries(
          settings.instruments.map((symbol) => [symbol, { rules: { ...settings.rules, ...instrumentAssetsAsRules(symbol, settings.quoteAsset) }, assets: instrumentAssets(symbol, settings.quoteAsset) }]),
        ),
        primarySymbol: settings.symbol,
        strategy: strategyFor(settings.strategy.name, settings.strategy.params),
        policy: createRiskPolicy(settings.risk, { executionCostBps: settings.executionCostBps }),
        reconcile: settings.reconcile,
        maxSubmitAttempts: settings.backoff.maxAttempts,
        rateLimitWindowMs: settings.risk.rateLimit?.windowMs ?? null,
      });
      let driver: RunDriver | null = null;
      const ports: RunPorts = {
        log,
        market,
        venue: new ReplayVenue(cursor, log, () => driver!.state),
        clock,
        stopwatch: zeroStopwatch,
        sleeper: NO_WAIT,
        killSwitch: backtest ? async () => false : recordedKillSwitch(cursor),
        random: new SeededRandom('replay'),
      };
      driver = new RunDriver(decider, ports, {
        start,
        cycles: null,
        intervalMs: settings.intervalMs,
        closeDown: backtest ? { drain: false, flatten: true, cancelReason: 'END_OF_DATA' } : { drain: true, flatten: false, cancelReason: 'run ended: nothing is left working at the venue' },
        backoff: settings.backoff,
        onCycle: () => cycles++,
      });
      try {
        await cursor.prefetch();
        await driver.run();
      } catch (err) {
        if (!(err instanceof ProcessEnded)) throw err;
        if (cursor.peek()?.type !== 'RunResumed') {
          incomplete = true;
          break;
        }
      }
      // A later process took the run over (after a crash, or reopened it to reconcile what it left open).
      await cursor.prefetch();
      const next = cursor.peek();
      if (next?.type !== 'RunResumed') break;
      start = { kind: 'resume', purpose: next.data.purpose, armed: next.data.armed, packageVersion: next.data.packageVersion, gitCommit: next.data.gitCommit };
    }
    if (!incomplete && divergence === null) {
      await cursor.prefetch();
      const rest = cursor.peek();
      if (rest) {
        divergence = {
          position: rest.globalPosition,
          index: log.compared,
          recorded: { type: rest.type, cycleId: rest.metadata.cycleId, at: rest.metadata.at, data: rest.data },
          rederived: null,
          fields: ['(not re-derived)'],
        };
      }
    }
  } catch (err) {
    if (!(err instanceof DivergenceFound)) throw err;
    divergence = err.divergence;
  }
  // Read the rest of the log (after a divergence) for the recorded fingerprint and count.
  for await (const _ of opened.events) void _;

  const recorded = opened.tally.fingerprints.digest();
  return {
    runId,
    mode: started.mode,
    eventsMode: started.eventsMode,
    verdict: divergence !== null ? 'DIVERGED' : incomplete ? 'INCOMPLETE' : 'PARITY',
    recordedEvents: opened.tally.events,
    matched: log.compared,
    cycles,
    segments: opened.tally.segments,
    divergenceSegment: divergence === null ? null : segment,
    divergence,
    fingerprints: { recorded: recorded.decisionFingerprint, rederived: log.fingerprints.digest().decisionFingerprint },
    recordedBy: { packageVersion: started.packageVersion, gitCommit: started.gitCommit },
    config: {
      recordedHash: started.configHash,
      source: options.risk ? (options.riskSource ?? 'override') : 'recorded',
      riskOverridden: options.risk !== undefined,
      riskHash: configHash(JSON.parse(JSON.stringify(settings.risk))),
    },
    data,
  };
}

function instrumentAssetsAsRules(symbol: string, quoteAsset: string) {
  const a = instrumentAssets(symbol, quoteAsset);
  return { symbol, baseAsset: a.base, quoteAsset: a.quote };
}

async function collect(events: AsyncIterable<AnyStoredEvent>): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function verifiedDataset(
  ref: { source: string; hash: string; interval: string | null } | null,
  symbol: string,
  tz: string,
  dataPath: string | undefined,
): Promise<{ bars: AsyncIterable<Bar>; intervalMs: number; source: string; hash: string }> {
  if (!ref) throw new ReplayInputError('this decisions-mode run recorded no dataset reference: it cannot be replayed');
  const spec = dataPath ?? ref.source;
  try {
    const source = openRecordedSource(spec, (s) => openBarSource(s, { tz, symbol }));
    const scan = await source.scan();
    if (scan.hash !== ref.hash) {
      throw new ReplayInputError(`${spec}: the dataset changed since the run (sha256 ${scan.hash.slice(0, 16)}..., recorded ${ref.hash.slice(0, 16)}...); pass --data with the original file`);
    }
    return { bars: source.bars(), intervalMs: scan.intervalMs ?? 0, source: spec, hash: scan.hash };
  } catch (err) {
    if (err instanceof ReplayInputError) throw err;
    if (err instanceof DataError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ReplayInputError(`${spec}: cannot read the run's dataset (${(err as Error).message}); pass --data <file> with the original data`);
    }
    throw err;
  }
}
