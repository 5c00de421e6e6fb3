import { type AnyStoredEvent, toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { Bar } from '../../engine/bar.js';
import type { RiskConfig } from '../../engine/config/schema.js';
import { KILL_SWITCH_STREAM } from '../../engine/risk/kill-switch.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { createStrategy } from '../../engine/strategies/index.js';
import { configHash } from '../backtest/backtest-config.js';
import { DataError, openBarSource } from '../data/index.js';
import { type Divergence, DivergenceFound, ParitySink, RecordedCursor } from './cursor.js';
import { type RecordedRun, RunNotFoundError, cycleSeqOf, openRecordedRun, recordedCycles } from './recorded-run.js';
import { replayBacktest } from './replay-backtest.js';
import type { StrategyFactory } from './replay-env.js';
import { liveSegments, replayLive } from './replay-live.js';
import { replaySettingsFrom } from './run-settings.js';

export interface ReplayOptions {
  /** Replay with this risk section instead of the recorded one ("what would this limit have done"). */
  risk?: RiskConfig;
  /** Where the override came from, for the report (e.g. "limits.json#paper"). */
  riskSource?: string;
  /** Decisions-mode backtests: read the dataset from here instead of the recorded source. */
  dataPath?: string;
  strategyFor?: StrategyFactory;
}

export interface ParityReport {
  runId: string;
  mode: string;
  eventsMode: 'full' | 'decisions';
  verdict: 'PARITY' | 'DIVERGED';
  /** Recorded events compared (RunStarted and RunEnded are not re-derived). */
  recordedEvents: number;
  matched: number;
  cycles: number;
  /** Live runs: process segments (1 + restarts). */
  segments: number;
  /** Live runs: the process segment (1-based) the first divergence fell in, and the cycle its process started at. */
  divergenceSegment: { segment: number; startedAtCycle: number } | null;
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
 * Replay-parity (DESIGN.md): the run's recorded inputs (snapshots or the verified dataset, venue
 * answers, engine times) through the CURRENT engine code with the recorded configuration, or another
 * risk section; every re-derived event is compared, in order, with the recorded one. Nothing is
 * appended to the log.
 */
export async function replayRun(store: EventStore, runId: string, options: ReplayOptions = {}): Promise<ParityReport> {
  const opened = await openRecordedRun(store, runId).catch((err: Error) => {
    if (err instanceof RunNotFoundError) throw new ReplayInputError(err.message);
    throw err;
  });
  const started = opened.started.data;
  let settings;
  try {
    settings = replaySettingsFrom(started, options.risk);
  } catch (err) {
    throw new ReplayInputError(`run ${runId}: ${(err as Error).message}`);
  }
  const policy = createRiskPolicy(settings.risk);
  const strategyFor: StrategyFactory = options.strategyFor ?? ((name, params) => createStrategy(name, params));
  try {
    strategyFor(settings.strategy.name, settings.strategy.params);
  } catch (err) {
    throw new ReplayInputError(`run ${runId}: cannot rebuild its strategy: ${(err as Error).message}`);
  }
  let segments = 1;
  let cycles = 0;
  let data: ParityReport['data'] = null;
  let divergence: Divergence | null = null;
  let sink: ParitySink;
  let cursor: RecordedCursor;
  let startupSeqs: number[] = [];

  try {
    if (started.mode === 'backtest') {
      let bars: AsyncIterable<Bar> | null = null;
      let intervalMs: number | null = null;
      if (started.eventsMode === 'decisions') {
        const verified = await verifiedDataset(started.data, started.symbol, settings.tz, options.dataPath);
        bars = verified.bars;
        intervalMs = verified.intervalMs;
        data = { source: verified.source, hash: verified.hash, verified: true };
      } else if (started.data) {
        data = { source: started.data.source, hash: started.data.hash, verified: false };
      }
      cursor = new RecordedCursor(opened.events, runId);
      sink = new ParitySink(cursor);
      cycles = (await replayBacktest({ runId, started, settings, policy, strategyFor, cursor, sink, bars, intervalMs })).cycles;
    } else {
      // Live runs are replayed from memory: each restart folds the whole prefix (resumeRun).
      const events: AnyStoredEvent[] = [];
      for await (const e of opened.events) events.push(e);
      const run: RecordedRun = { runId, started: opened.started, events, ended: opened.tally.ended, all: [opened.started, ...events] };
      const { cut, startups } = liveSegments(recordedCycles(runId, events), run.ended !== null);
      startupSeqs = [...startups].sort((a, b) => a - b);
      cursor = new RecordedCursor(events, runId);
      sink = new ParitySink(cursor, new Set([...cut].map((s) => `${runId}:c${s}`)));
      const killSwitchEvents: AnyStoredEvent[] = [];
      for await (const e of store.readStream(KILL_SWITCH_STREAM)) killSwitchEvents.push(toTypedEvent(e));
      const r = await replayLive({ run, settings, policy, strategyFor, cursor, sink, killSwitchEvents });
      cycles = r.cycles;
      segments = r.segments;
    }
    await cursor.fillNext();
    const rest = cursor.peek();
    if (rest) {
      divergence = {
        position: rest.globalPosition,
        index: cursor.index,
        recorded: { type: rest.type, cycleId: rest.metadata.cycleId, at: rest.metadata.at, data: rest.data },
        rederived: null,
        fields: ['(not re-derived)'],
      };
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
    verdict: divergence === null ? 'PARITY' : 'DIVERGED',
    recordedEvents: opened.tally.events,
    matched: sink!.compared,
    cycles,
    segments,
    divergence,
    divergenceSegment: segmentOf(divergence, runId, startupSeqs),
    fingerprints: { recorded: recorded.decisionFingerprint, rederived: sink!.fingerprints.digest().decisionFingerprint },
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

function segmentOf(d: Divergence | null, runId: string, startups: readonly number[]): ParityReport['divergenceSegment'] {
  if (d === null || startups.length === 0) return null;
  const seq = cycleSeqOf(runId, d.recorded?.cycleId ?? d.rederived?.cycleId ?? null);
  if (seq === null) return null;
  const before = startups.filter((s) => s <= seq);
  return before.length === 0 ? null : { segment: before.length, startedAtCycle: before[before.length - 1]! };
}

async function verifiedDataset(
  ref: { source: string; hash: string; interval: string | null } | null,
  symbol: string,
  tz: string,
  dataPath: string | undefined,
): Promise<{ bars: AsyncIterable<Bar>; intervalMs: number | null; source: string; hash: string }> {
  if (!ref) throw new ReplayInputError('this decisions-mode run recorded no dataset reference: it cannot be replayed');
  const spec = dataPath ?? ref.source;
  try {
    const source = openBarSource(spec, { tz, symbol });
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
