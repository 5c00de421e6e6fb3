import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSyntheticCsv } from './year-csv.js';
import { benchDir, fmtInt, measureProcess, type BenchModule, type BenchResult, type ProcessFigures } from './support.js';

/**
 * Issue 15, side by side in one run, each side a whole process on the same CSV (a year of one-minute bars
 * from the seeded generator, written to a temp folder), sma-cross 20/50:
 *
 *   floor      raw better-sqlite3: read the CSV with split(','), insert one ~200-byte row per bar
 *              (WAL, 1000-row transactions, the store's own pragmas)
 *   peer       grademark: CSV parse (data-forge), SMA signals, its backtest (in memory, float prices)
 *   full       `engine backtest --events full`
 *   decisions  `engine backtest --events decisions` (and again on a quarter of the bars: RSS constant in bars)
 *   csv        the CSV loader's validating scan, rows/s (no store)
 *   rebuild    projection rebuild of the full run's log with full validation vs raw read + JSON.parse (CPU)
 *
 * and what bounds each target from below, so the gap can be read in the same run:
 *   rows       raw better-sqlite3 inserting the rows the full run stored (read beforehand, same schema and
 *              pragmas, 1000-row transactions), timed in the process against the floor's own loop
 *   split      a process that only reads the CSV and splits its lines and fields (no number parsed)
 *   start-up   `engine backtest --help`: node and the backtest command's code, nothing run
 *
 * Peak RSS of each process from /usr/bin/time (process.resourceUsage().maxRSS where it is absent).
 *
 *   node dist/bench/run.js --only year          BENCH_BARS=100000 for a quick run (default 525,600)
 */
const DEFAULT_BARS = 525_600;
const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
const CLI = path.join(ROOT, 'src/cli/main.js');
const FAST = '20';
const SLOW = '50';


export const yearBench: BenchModule = {
  name: 'year',
  async run({ log }): Promise<BenchResult> {
    const bars = Number(process.env.BENCH_BARS ?? DEFAULT_BARS);
    if (!Number.isInteger(bars) || bars < 1000) throw new Error(`BENCH_BARS must be an integer >= 1000, got ${process.env.BENCH_BARS}`);
    const tmp = benchDir('bench-year-');
    try {
      const csv = path.join(tmp.dir, 'year.csv');
      writeSyntheticCsv(csv, bars);
      log(`${fmtInt(bars)} bars, ${(statSync(csv).size / 2 ** 20).toFixed(1)} MB CSV`);
      const quarter = path.join(tmp.dir, 'quarter.csv');
      writeSyntheticCsv(quarter, Math.floor(bars / 4));

      const floor = measureProcess([SELF, 'floor', csv, path.join(tmp.dir, 'floor.db')]);
      log(`floor (raw better-sqlite3): ${floor.seconds.toFixed(2)} s, ${rss(floor)}`);
      const peer = measureProcess([SELF, 'grademark', csv]);
      log(`peer (grademark): ${peer.seconds.toFixed(2)} s, ${rss(peer)}; ${peer.stdout.trim()}`);
      const fullDb = path.join(tmp.dir, 'full.db');
      const full = measureProcess([CLI, ...backtestArgs(csv, fullDb, 'full')]);
      const fullOut = JSON.parse(full.stdout) as { events: number; fingerprint: string; decisionFingerprint: string };
      log(`engine full: ${full.seconds.toFixed(2)} s, ${rss(full)}, ${fmtInt(fullOut.events)} events`);
      const decisions = measureProcess([CLI, ...backtestArgs(csv, path.join(tmp.dir, 'decisions.db'), 'decisions')]);
      const decOut = JSON.parse(decisions.stdout) as { events: number; decisionFingerprint: string };
      log(`engine decisions: ${decisions.seconds.toFixed(2)} s, ${rss(decisions)}, ${fmtInt(decOut.events)} events`);
      if (decOut.decisionFingerprint !== fullOut.decisionFingerprint) throw new Error('full and decisions modes made different decisions');
      const decQuarter = measureProcess([CLI, ...backtestArgs(quarter, path.join(tmp.dir, 'quarter.db'), 'decisions')]);
      log(`engine decisions, a quarter of the bars: ${decQuarter.seconds.toFixed(2)} s, ${rss(decQuarter)}`);
      const scan = JSON.parse(measureProcess([SELF, 'csv', csv]).stdout) as { scanSeconds: number; scanCpuSeconds: number; barsSeconds: number; barsCpuSeconds: number; rows: number };
      log(
        `csv: scan ${scan.scanSeconds.toFixed(2)} s (${fmtInt(scan.rows / scan.scanSeconds)} rows/s; CPU ${scan.scanCpuSeconds.toFixed(2)} s, ${fmtInt(scan.rows / scan.scanCpuSeconds)} rows/s), ` +
          `bars pass ${scan.barsSeconds.toFixed(2)} s (CPU ${scan.barsCpuSeconds.toFixed(2)} s)`,
      );
      const rebuild = JSON.parse(measureProcess([SELF, 'rebuild', fullDb, String(fullOut.events)]).stdout) as { raw: number; validate: number };
      log(`rebuild (cpu): validated ${rebuild.validate.toFixed(2)} s, raw read + JSON.parse ${rebuild.raw.toFixed(2)} s`);
      const floorLoop = (JSON.parse(floor.stdout) as { loopSeconds: number }).loopSeconds;
      const ourRows = JSON.parse(measureProcess([SELF, 'rows', fullDb, path.join(tmp.dir, 'rows.db')]).stdout) as { rows: number; insertSeconds: number };
      log(`our rows, raw insert: ${ourRows.insertSeconds.toFixed(2)} s for ${fmtInt(ourRows.rows)} rows; the floor's loop ${floorLoop.toFixed(2)} s`);
      const split = measureProcess([SELF, 'split', csv]);
      const startUp = measureProcess([CLI, 'backtest', '--help']);
      log(`read + split the CSV: ${split.seconds.toFixed(2)} s; engine backtest start-up: ${startUp.seconds.toFixed(2)} s`);

      const ratio = (a: number, b: number) => a / b;
      return {
        rows: [
          { label: 'floor: raw better-sqlite3, one row per bar (wall)', events: bars, seconds: floor.seconds },
          { label: 'peer: grademark, CSV + SMA + backtest (wall)', events: bars, seconds: peer.seconds },
          { label: 'engine backtest --events full (wall)', events: bars, seconds: full.seconds },
          { label: 'engine backtest --events decisions (wall)', events: bars, seconds: decisions.seconds },
          { label: 'CSV validating scan (rows)', events: scan.rows, seconds: scan.scanSeconds },
          { label: 'rebuild, full validation (cpu, events)', events: fullOut.events, seconds: rebuild.validate },
          { label: 'raw read + JSON.parse (cpu, events)', events: fullOut.events, seconds: rebuild.raw },
          { label: "bound: the full run's rows, raw insert only (in-process)", events: ourRows.rows, seconds: ourRows.insertSeconds },
          { label: "bound: the floor's split + insert loop (in-process)", events: bars, seconds: floorLoop },
          { label: 'bound: read + split the CSV, no engine (wall)', events: bars, seconds: split.seconds },
          { label: 'bound: engine backtest start-up, nothing run (wall)', events: 0, seconds: startUp.seconds },
        ],
        // Every ratio reads "goal met when >= goal".
        ratios: [
          { label: 'floor time / full time, wall (target: full <= 1.5x floor)', value: ratio(floor.seconds, full.seconds), goal: 1 / 1.5 },
          { label: 'floor time / full time, cpu', value: ratio(floor.cpu, full.cpu), goal: 1 / 1.5 },
          { label: 'grademark time / decisions time, wall (target >= 3)', value: ratio(peer.seconds, decisions.seconds), goal: 3 },
          { label: 'grademark time / decisions time, cpu', value: ratio(peer.cpu, decisions.cpu), goal: 3 },
          { label: 'CSV scan, million rows/s (target >= 1)', value: scan.rows / scan.scanSeconds / 1e6, goal: 1 },
          { label: 'CSV scan, million rows per CPU second', value: scan.rows / scan.scanCpuSeconds / 1e6, goal: 1 },
          { label: 'rebuild validated / raw, throughput (target >= 0.5)', value: ratio(rebuild.raw, rebuild.validate), goal: 0.5 },
          { label: 'full-mode peak RSS headroom, 300 MB / RSS (target >= 1)', value: full.peakRssMb === null ? NaN : 300 / full.peakRssMb, goal: 1 },
        ],
        notes: [
          `wall: full is ${(full.seconds / floor.seconds).toFixed(2)}x the floor; grademark takes ${(peer.seconds / decisions.seconds).toFixed(2)}x the time of decisions mode`,
          `cpu s: floor ${floor.cpu.toFixed(2)}, grademark ${peer.cpu.toFixed(2)}, full ${full.cpu.toFixed(2)}, decisions ${decisions.cpu.toFixed(2)} (full ${(full.cpu / floor.cpu).toFixed(2)}x the floor)`,
          `peak RSS MB: floor ${mb(floor)}, grademark ${mb(peer)}, full ${mb(full)}, decisions ${mb(decisions)}, decisions on a quarter of the bars ${mb(decQuarter)}`,
          `CSV bars pass (Decimal bars for the engine) ${scan.barsSeconds.toFixed(2)} s; ${fmtInt(fullOut.events)} events in the full run, ${fmtInt(decOut.events)} in decisions`,
          `bounds: inserting the full run's own rows, nothing else, takes ${(ourRows.insertSeconds / floorLoop).toFixed(2)}x the floor's loop (full-mode target: 1.5x the floor in all)`,
          `bounds: the decisions-mode target leaves ${(peer.seconds / 3).toFixed(2)} s (grademark / 3) for the whole process; start-up ${startUp.seconds.toFixed(2)} s + the CSV bars pass ${scan.barsSeconds.toFixed(2)} s alone take ${(startUp.seconds + scan.barsSeconds).toFixed(2)} s (reading and splitting the file, no engine: ${split.seconds.toFixed(2)} s)`,
        ],
      };
    } finally {
      tmp.cleanup();
    }
  },
};

function backtestArgs(csv: string, db: string, events: 'full' | 'decisions'): string[] {
  return ['backtest', '--data', csv, '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', `fast=${FAST}`, '--param', `slow=${SLOW}`, '--seed', '1', '--events', events, '--db', db, '--json', '--log-level', 'warn'];
}

const rss = (p: ProcessFigures) => `${p.cpu.toFixed(2)} s cpu, ${p.peakRssMb === null ? 'peak RSS ?' : `peak RSS ${p.peakRssMb.toFixed(0)} MB`}`;
const mb = (p: ProcessFigures) => (p.peakRssMb === null ? '?' : p.peakRssMb.toFixed(0));


// --- the children -------------------------------------------------------------------------------------

async function floorChild(csv: string, db: string): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const { applyPragmas } = await import('../src/events/store/sqlite/schema.js');
  const d = new Database(db);
  applyPragmas(d);
  d.exec('CREATE TABLE rows (position INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  const insert = d.prepare('INSERT INTO rows (position, payload) VALUES (?, ?)');
  const batch = d.transaction((rows: Array<[number, string]>) => {
    for (const r of rows) insert.run(r[0], r[1]);
  });
  const t0 = process.hrtime.bigint();
  const lines = readFileSync(csv, 'utf8').split('\n');
  let rows: Array<[number, string]> = [];
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const f = line.split(',');
    // ~200 bytes: the bar and padding in the shape of an event row.
    const payload = `{"type":"Bar","time":"${f[0]}","open":"${f[1]}","high":"${f[2]}","low":"${f[3]}","close":"${f[4]}","volume":"${f[5]}","run":"floor","seq":${n}}`.padEnd(200, ' ');
    rows.push([++n, payload]);
    if (rows.length === 1000) {
      batch.immediate(rows);
      rows = [];
    }
  }
  if (rows.length > 0) batch.immediate(rows);
  d.close();
  console.log(JSON.stringify({ rows: n, loopSeconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
}

/** The rows a full run stored, inserted again with nothing else to do: what the log's format costs SQLite. */
async function rowsChild(fromDb: string, db: string): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const { applyPragmas, createSchema } = await import('../src/events/store/sqlite/schema.js');
  const from = new Database(fromDb, { readonly: true });
  const stored = from.prepare('SELECT position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash FROM events ORDER BY position').raw().all() as unknown[][];
  from.close();
  const d = new Database(db);
  applyPragmas(d);
  createSchema(d);
  const insert = d.prepare('INSERT INTO events (position, stream, stream_version, event_id, type, schema_version, data, metadata, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const batch = d.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < stored.length; i += 1000) batch.immediate(stored.slice(i, i + 1000));
  d.close();
  console.log(JSON.stringify({ rows: stored.length, insertSeconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
}

/** Reading the CSV into fields and nothing more: what any JavaScript reader of the file pays. */
function splitChild(csv: string): void {
  let fields = 0;
  for (const line of readFileSync(csv, 'utf8').split('\n')) if (line !== '') fields += line.split(',').length;
  console.log(JSON.stringify({ fields }));
}

async function grademarkChild(csv: string): Promise<void> {
  const dataForge = await import('data-forge');
  const { backtest } = await import('grademark');
  const fast = Number(FAST);
  const slow = Number(SLOW);
  const frame = dataForge.fromCSV(readFileSync(csv, 'utf8'));
  const raw = frame.toArray() as Array<Record<string, string>>;
  const closes: number[] = [];
  let sumFast = 0;
  let sumSlow = 0;
  const bars = raw.map((r, i) => {
    const close = Number(r.close);
    closes.push(close);
    sumFast += close - (i >= fast ? closes[i - fast]! : 0);
    sumSlow += close - (i >= slow ? closes[i - slow]! : 0);
    return {
      time: new Date(r.date!),
      open: Number(r.open),
      high: Number(r.high),
      low: Number(r.low),
      close,
      volume: Number(r.volume),
      fast: i >= fast - 1 ? sumFast / fast : NaN,
      slow: i >= slow - 1 ? sumSlow / slow : NaN,
    };
  });
  type B = (typeof bars)[number];
  const series = new dataForge.DataFrame<number, B>(bars).skip(slow);
  const trades = backtest<B, B, object, number>(
    {
      entryRule: (enter, args) => {
        if (args.bar.fast > args.bar.slow) enter();
      },
      exitRule: (exit, args) => {
        if (args.bar.fast < args.bar.slow) exit();
      },
    },
    series,
  );
  console.log(JSON.stringify({ bars: bars.length, trades: trades.length }));
}

async function csvChild(csv: string): Promise<void> {
  const { openBarSource } = await import('../src/replay/data/index.js');
  const source = openBarSource(csv, { symbol: 'SYN' });
  const cpu = (from: NodeJS.CpuUsage): number => {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1e6;
  };
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const scan = await source.scan();
  const t1 = process.hrtime.bigint();
  const scanCpuSeconds = cpu(c0);
  const c1 = process.cpuUsage();
  let n = 0;
  for await (const b of source.bars()) if (b.close) n++;
  const t2 = process.hrtime.bigint();
  const barsCpuSeconds = cpu(c1);
  if (n !== scan.barCount) throw new Error(`bars pass gave ${n} bars, the scan ${scan.barCount}`);
  // CPU seconds beside the wall seconds: the machine is shared, and wall time there is mostly other people's.
  console.log(JSON.stringify({ rows: scan.barCount, scanSeconds: Number(t1 - t0) / 1e9, scanCpuSeconds, barsSeconds: Number(t2 - t1) / 1e9, barsCpuSeconds }));
}

async function rebuildChild(db: string, events: number): Promise<void> {
  const { timeRaw, timeRebuild } = await import('./rebuild.js');
  let raw = Infinity;
  let validate = Infinity;
  for (let round = 0; round < 2; round++) {
    raw = Math.min(raw, timeRaw(db, events).cpu);
    validate = Math.min(validate, (await timeRebuild(db, events, 'validate')).timing.cpu);
  }
  console.log(JSON.stringify({ raw, validate }));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [kind, a, b] = process.argv.slice(2);
  if (kind === 'floor') await floorChild(a!, b!);
  else if (kind === 'grademark') await grademarkChild(a!);
  else if (kind === 'csv') await csvChild(a!);
  else if (kind === 'rebuild') await rebuildChild(a!, Number(b));
  else if (kind === 'rows') await rowsChild(a!, b!);
  else if (kind === 'split') splitChild(a!);
  else {
    const r = await yearBench.run({ events: 0, log: (l) => console.log(l) });
    console.log(JSON.stringify(r, null, 2));
  }
}

