import { appendBench } from './append.js';
import { backtestBench } from './backtest.js';
import { esdbBench } from './esdb.js';
import { oplogBench } from './oplog.js';
import { indicatorsBench } from './indicators.js';
import { rebuildBench } from './rebuild.js';
import { sweepBench } from './sweep.js';
import { yearBench } from './year.js';
import { fmtInt, perSecond, rssMb, type BenchModule, type BenchResult } from './support.js';

/**
 * `npm run bench`: runs every registered bench in turn and prints one table.
 * Add a bench with one import and one entry in BENCHES (a BenchModule from ./support.ts).
 *
 *   node dist/bench/run.js [--events N] [--only name[,name]]     (or BENCH_EVENTS=N)
 */
const BENCHES: BenchModule[] = [appendBench, rebuildBench, backtestBench, esdbBench, oplogBench, indicatorsBench, yearBench, sweepBench];

const DEFAULT_EVENTS = 1_000_000;

function parseArgs(argv: string[]): { events: number; only: string[] | null } {
  let events = process.env.BENCH_EVENTS ? Number(process.env.BENCH_EVENTS) : DEFAULT_EVENTS;
  let only: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--events' || a.startsWith('--events=')) events = Number(value().replaceAll('_', '').replaceAll(',', ''));
    else if (a === '--only' || a.startsWith('--only=')) only = value().split(',');
    else throw new Error(`unknown argument ${a} (use --events N, --only name)`);
  }
  if (!Number.isInteger(events) || events < 1) throw new Error(`--events must be a positive integer, got ${events}`);
  return { events, only };
}

async function main(): Promise<void> {
  const { events, only } = parseArgs(process.argv.slice(2));
  const selected = BENCHES.filter((b) => only === null || only.includes(b.name));
  if (selected.length === 0) throw new Error(`no bench named ${only?.join(', ')}; have: ${BENCHES.map((b) => b.name).join(', ')}`);
  console.log(`bench: ${fmtInt(events)} events, node ${process.version}, ${process.platform}/${process.arch}`);
  const results: Array<{ name: string; result: BenchResult; rss: number }> = [];
  for (const bench of selected) {
    console.log(`\n== ${bench.name}`);
    const result = await bench.run({ events, log: (line) => console.log(`  ${line}`) });
    results.push({ name: bench.name, result, rss: rssMb() });
  }
  console.log('\n' + table(results));
  const missed = results.flatMap((r) => r.result.ratios).filter((r) => r.value < r.goal);
  if (missed.length > 0) console.log(`\nbelow goal: ${missed.map((r) => `${r.label} ${r.value.toFixed(2)} < ${r.goal}`).join('; ')}`);
}

function table(results: Array<{ name: string; result: BenchResult; rss: number }>): string {
  const lines: string[][] = [['bench', 'measured', 'events', 'seconds', 'events/s']];
  for (const { name, result } of results) {
    for (const row of result.rows) {
      lines.push([name, row.label, fmtInt(row.events), row.seconds.toFixed(2), fmtInt(perSecond(row.events, row.seconds))]);
    }
    for (const ratio of result.ratios) {
      lines.push([name, `ratio ${ratio.label}`, '', '', `${ratio.value.toFixed(3)} (goal >= ${ratio.goal})`]);
    }
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const render = (l: string[]) => l.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  const out = [render(lines[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(render)];
  for (const { name, result, rss } of results) {
    for (const note of result.notes ?? []) out.push(`${name}: ${note}`);
    out.push(`${name}: rss after run ${rssMb() > 0 ? rss.toFixed(0) : '?'} MB`);
  }
  return out.join('\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
