import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a bench module hands back to bench/run.ts for the summary table. */
export interface BenchRow {
  /** e.g. "SqliteEventStore.append" or "raw better-sqlite3 insert". */
  label: string;
  events: number;
  seconds: number;
}

export interface BenchRatio {
  label: string;
  /** ours / baseline, in throughput. */
  value: number;
  goal: number;
}

export interface BenchResult {
  rows: BenchRow[];
  ratios: BenchRatio[];
  /** Free-form lines printed under the table (sizes, settings). */
  notes?: string[];
}

export interface BenchContext {
  /** How many events each bench should process (--events N / BENCH_EVENTS). */
  events: number;
  log(line: string): void;
}

export interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** A temp directory removed by cleanup(). */
export function benchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Accumulates time spent inside timed regions only (setup between regions is excluded). */
export class Stopwatch {
  private total = 0n;
  time<T>(fn: () => T): T {
    const t0 = process.hrtime.bigint();
    try {
      return fn();
    } finally {
      this.total += process.hrtime.bigint() - t0;
    }
  }
  async timeAsync<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      this.total += process.hrtime.bigint() - t0;
    }
  }
  get seconds(): number {
    return Number(this.total) / 1e9;
  }
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

export function perSecond(events: number, seconds: number): number {
  return seconds > 0 ? events / seconds : Number.POSITIVE_INFINITY;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Wall and CPU time and peak RSS of one whole node process (`/usr/bin/time` where it exists). */
export interface ProcessFigures {
  /** Wall seconds of the whole process. */
  seconds: number;
  /** User + system CPU seconds of the whole process (NaN without /usr/bin/time): steadier than wall time on a shared machine. */
  cpu: number;
  peakRssMb: number | null;
  stdout: string;
}

const TIME = '/usr/bin/time';

/** Runs `node ...args` to its end; throws with the tail of its stderr unless it exits 0. */
export function measureProcess(args: string[]): ProcessFigures {
  const withTime = existsSync(TIME);
  const cmd = withTime ? TIME : process.execPath;
  const argv = withTime ? ['-f', 'BENCH_MAXRSS_KB=%M BENCH_CPU=%U+%S', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const kb = /BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1];
  const cpu = /BENCH_CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return { seconds, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN, peakRssMb: kb === undefined ? null : Number(kb) / 1024, stdout: r.stdout };
}
