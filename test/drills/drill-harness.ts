import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { canonicalJson } from '../../src/events/canonical.js';
import { type AnyStoredEvent, toTypedEvent } from '../../src/events/event-factory.js';
import type { EventStore } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../src/engine/clocks.js';
import { runStream } from '../../src/engine/ids.js';
import { type LiveRunResult, runLive } from '../../src/engine/live/live-run.js';
import type { MarketSnapshot } from '../../src/engine/ports.js';
import { configMarketRules, executionCostBps } from '../../src/engine/config/market-rules.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { FaultInjectingVenue } from '../../src/engine/venues/fault-injection/fault-injecting-venue.js';
import type { FaultPlan } from '../../src/engine/venues/fault-injection/fault-plan.js';
import { PaperVenue } from '../../src/engine/venues/simulated/paper-venue.js';
import { paperVenueConfigFrom } from '../../src/engine/venues/simulated/paper-venue-config.js';
import { configHash } from '../../src/replay/backtest/backtest-config.js';
import { parseConfigText } from '../../src/cli/config-file.js';
import { CLI, PROJECT_ROOT } from '../support.js';

/**
 * A drill: the live loop of `engine stage7-run` (runLive, the same cycle, reconciler and submitter)
 * against the paper venue behind the fault injector, on a manual clock that only the loop's sleeper
 * moves, so every drill is seeded and deterministic. The configuration is a real config file: the run
 * records it in RunStarted (so `engine replay` and doctor's parity check can rebuild the run), and
 * `engine doctor --config <it> --profile paper` judges the SLOs by it.
 */
export const START = Date.UTC(2026, 2, 2, 14, 0, 0);
export const PROFILE = 'paper';

export interface DrillOptions {
  dir: string;
  name: string;
  /** The config file's `base` section (the drill's profile is `paper`). */
  config: Record<string, unknown>;
  faults: FaultPlan;
  cycles: number;
  /** Rewrites the snapshot the engine sees in cycle n (0-based): e.g. a feed that arrives late. */
  feed?: (snapshot: MarketSnapshot, n: number) => MarketSnapshot;
  /** Called with the store whenever the loop waits (between cycles): an operator acting meanwhile. */
  between?: (store: EventStore, now: number) => Promise<void>;
}

export interface Drill {
  db: string;
  configFile: string;
  runId: string;
  result: LiveRunResult;
  events: AnyStoredEvent[];
}

export async function runDrill(o: DrillOptions): Promise<Drill> {
  const configFile = path.join(o.dir, `${o.name}.json`);
  writeFileSync(configFile, JSON.stringify({ base: o.config }, null, 2));
  const config = parseConfigText(configFile, readFileSync(configFile, 'utf8'), PROFILE);
  const db = path.join(o.dir, `${o.name}.db`);
  const store = SqliteEventStore.open(db, { create: true });
  const live = config.live;
  const clock = new ManualClock(START);
  const venueRandom = new SeededRandom(live.sim.seed);
  const stateText: { text: string | null } = { text: null };
  const paper = new PaperVenue(
    paperVenueConfigFrom(config, venueRandom.fork('venue')),
    { path: '(memory)', read: () => stateText.text, write: (t) => (stateText.text = t) },
  );
  const venue = new FaultInjectingVenue(paper, o.faults);
  const strategy = createStrategy(config.strategy.name, config.strategy.params);
  let n = 0;
  const market = { next: async () => (o.feed ? o.feed(paper.tick(clock.now()), n++) : paper.tick(clock.now())) };
  const recorded = JSON.parse(canonicalJson({ ...config, venue: 'sim', profile: PROFILE })) as never;
  const runId = `drill-${o.name}`;
  try {
    const result = await runLive({
      store,
      runId,
      resume: false,
      runStarted: {
        mode: 'live',
        strategy: strategy.name,
        params: { ...strategy.params },
        symbol: config.symbol,
        venue: 'sim',
        seed: `seed-${o.name}`,
        config: recorded,
        configHash: configHash(recorded),
        data: null,
        eventsMode: 'full',
        initialCash: config.initialCash,
        quoteAsset: config.quoteAsset,
        packageVersion: '0.0.0-drill',
        gitCommit: null,
        armed: true,
      },
      seed: `seed-${o.name}`,
      rules: configMarketRules(config),
      quoteAsset: config.quoteAsset,
      venue,
      market,
      clock,
      stopwatch: zeroStopwatch,
      sleeper: {
        sleep: async (ms) => {
          clock.set(clock.now() + ms);
          await o.between?.(store, clock.now());
        },
      },
      policy: createRiskPolicy(config.risk, { executionCostBps: executionCostBps(config) }),
      strategy,
      armed: true,
      intervalMs: live.intervalMs,
      cycles: o.cycles,
      reconcilePolicy: live.reconcile,
      rateLimitWindowMs: config.risk.rateLimit?.windowMs ?? null,
      backoff: live.backoff,
      signal: new AbortController().signal,
    });
    const events: AnyStoredEvent[] = [];
    for await (const e of store.readStream(runStream(runId))) events.push(toTypedEvent(e));
    return { db, configFile, runId, result, events };
  } finally {
    await store.close();
  }
}

/** The risk-mode transitions a run recorded, as "FROM->TO REASON". */
export function transitions(events: readonly AnyStoredEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'RiskModeChanged' ? [`${e.data.from}->${e.data.to} ${e.data.reasonCode}`] : []));
}

export interface DoctorCheckJson {
  name: string;
  status: string;
  figures: Record<string, unknown>;
  detail: string;
}

/** `engine doctor --run <id> --config <file> --profile paper --json` as a child process. */
export function doctor(d: Drill): Promise<{ code: number; checks: DoctorCheckJson[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, '--log-level', 'warn', 'doctor', '--run', d.runId, '--config', d.configFile, '--profile', PROFILE, '--json', '--db', d.db],
      { cwd: PROJECT_ROOT },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, checks: stdout ? (JSON.parse(stdout) as { checks: DoctorCheckJson[] }).checks : [], stderr });
      },
    );
  });
}
