import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, fmtInt, measureProcess, type BenchModule, type BenchResult, type ProcessFigures } from './support.js';

/**
 * Issue 15, "a sweep keeps every core busy": N runs on every core take about N/cores of one run's time. Whole
 * processes, side by side in one bench run, on seeded synthetic one-minute bars (no CSV: the loader has its
 * own row in `year`), sma-cross in decisions mode (the sweep's default):
 *
 *   one      `engine backtest` of one grid point
 *   w1       `engine sweep` of 2 x cores grid points, --workers 1
 *   wN       the same sweep, --workers <cores>
 *
 * Each configuration runs BENCH_SWEEP_REPEATS times (default 2), interleaved, on a fresh log; the best wall
 * time of each is kept (the machine is shared). CPU seconds (user + system, /usr/bin/time) are reported too.
 * The sweep's runs must have the ids of the backtest and of each other (same runs, same data, same config).
 *
 *   node dist/bench/run.js --only sweep          BENCH_SWEEP_BARS=100000 for a quicker run (default 300,000)
 */
const DEFAULT_BARS = 300_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'src/cli/main.js');


export const sweepBench: BenchModule = {
  name: 'sweep',
  async run({ log }): Promise<BenchResult> {
    const bars = Number(process.env.BENCH_SWEEP_BARS ?? DEFAULT_BARS);
    const repeats = Number(process.env.BENCH_SWEEP_REPEATS ?? 2);
    if (!Number.isInteger(bars) || bars < 1000) throw new Error(`BENCH_SWEEP_BARS must be an integer >= 1000, got ${process.env.BENCH_SWEEP_BARS}`);
    if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`BENCH_SWEEP_REPEATS must be a positive integer, got ${process.env.BENCH_SWEEP_REPEATS}`);
    const cores = os.availableParallelism();
    const runs = 2 * cores;
    const data = ['--data', `synthetic:bars=${bars},interval=1m,seed=9`, '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1'];
    const grid = ['--grid', `fast=5..${5 * runs}:5`];
    log(`${fmtInt(bars)} bars per run, ${runs} runs, ${cores} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const tmp = benchDir('bench-sweep-');
    try {
      let n = 0;
      const db = () => path.join(tmp.dir, `log-${n++}.db`);
      const best: Record<'one' | 'w1' | 'wN', ProcessFigures[]> = { one: [], w1: [], wN: [] };
      const ids: Record<string, string[]> = {};
      for (let i = 0; i < repeats; i++) {
        const one = measureProcess([CLI, 'backtest', ...data, '--param', 'fast=5', '--events', 'decisions', '--db', db(), '--json', '--log-level', 'warn']);
        best.one.push(one);
        ids.one = [(JSON.parse(one.stdout) as { runId: string }).runId];
        for (const [key, workers] of [['w1', 1], ['wN', cores]] as const) {
          const f = measureProcess([CLI, 'sweep', ...data, ...grid, '--workers', String(workers), '--db', db(), '--json', '--log-level', 'warn']);
          best[key].push(f);
          const out = JSON.parse(f.stdout) as { runs: Array<{ runId: string; skipped: boolean }>; failures: unknown[] };
          if (out.runs.length !== runs || out.failures.length > 0 || out.runs.some((r) => r.skipped)) throw new Error(`sweep --workers ${workers} did not run ${runs} runs: ${f.stdout.slice(0, 500)}`);
          ids[key] = out.runs.map((r) => r.runId).sort();
        }
        log(`round ${i + 1}: one run ${fig(best.one[i]!)}; sweep --workers 1 ${fig(best.w1[i]!)}; --workers ${cores} ${fig(best.wN[i]!)}`);
      }
      if (ids.w1!.join() !== ids.wN!.join() || !ids.w1!.includes(ids.one![0]!)) throw new Error('the sweeps and the backtest did not record the same runs');
      const min = (fs: ProcessFigures[], k: 'seconds' | 'cpu') => Math.min(...fs.map((f) => f[k]));
      const one = min(best.one, 'seconds');
      const w1 = min(best.w1, 'seconds');
      const wN = min(best.wN, 'seconds');
      const cpu = { one: min(best.one, 'cpu'), w1: min(best.w1, 'cpu'), wN: min(best.wN, 'cpu') };
      return {
        rows: [
          { label: 'engine backtest, one run (wall, bars)', events: bars, seconds: one },
          { label: `engine sweep, ${runs} runs, --workers 1 (wall, bars)`, events: bars * runs, seconds: w1 },
          { label: `engine sweep, ${runs} runs, --workers ${cores} (wall, bars)`, events: bars * runs, seconds: wN },
        ],
        // Every ratio reads "goal met when >= goal"; the ideal of both is the number of cores.
        ratios: [
          { label: `${runs} x one run / sweep of ${runs} on ${cores} workers, wall (target ~ cores)`, value: (runs * one) / wN, goal: 0.9 * cores },
          { label: `sweep --workers 1 / --workers ${cores}, wall (target ~ cores)`, value: w1 / wN, goal: 0.9 * cores },
        ],
        notes: [
          `cpu s: one run ${cpu.one.toFixed(2)}, sweep --workers 1 ${cpu.w1.toFixed(2)} (${(cpu.w1 / runs).toFixed(2)} a run), --workers ${cores} ${cpu.wN.toFixed(2)} (${(cpu.wN / runs).toFixed(2)} a run)`,
          `peak RSS MB: one run ${mb(best.one)}, sweep --workers 1 ${mb(best.w1)}, --workers ${cores} ${mb(best.wN)}`,
          `best of ${repeats} interleaved rounds; load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        ],
      };
    } finally {
      tmp.cleanup();
    }
  },
};

const fig = (f: ProcessFigures) => `${f.seconds.toFixed(2)} s (${f.cpu.toFixed(2)} s cpu)`;
const mb = (fs: ProcessFigures[]) => {
  const known = fs.map((f) => f.peakRssMb).filter((x): x is number => x !== null);
  return known.length === 0 ? '?' : Math.max(...known).toFixed(0);
};

