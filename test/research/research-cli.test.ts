import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync as runCliWithin, startCli } from '../cli/run-cli.js';
import { PROJECT_ROOT, tempDir } from '../support.js';

/**
 * The research workflow as a newcomer runs it, through the real CLI (child processes, a real SQLite file): their own
 * strategy file on two instruments, a sweep with walk-forward, and every kind of bad input refused before anything
 * is appended.
 */

const tmp = tempDir('engine-research-cli-');
afterAll(() => tmp.cleanup());

const A = 'synthetic:bars=900,interval=1d,seed=41,symbol=AAA,drift=0.15';
const B = 'synthetic:bars=900,interval=1d,seed=42,symbol=BBB,price=50';
const SYN = 'synthetic:bars=1500,interval=1d,seed=43';
const example = (name: string) => path.join(PROJECT_ROOT, 'examples', name);
const db = (name: string) => path.join(tmp.dir, name);
/** Whole research runs on a loaded 2-core machine take a while: a generous bound per command. */
const runCliAsync = (args: readonly string[], o: { timeoutMs?: number } = {}) => runCliWithin(args, { timeoutMs: o.timeoutMs ?? 150_000 });
const oneLine = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

function file(name: string, text: string): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, text);
  return p;
}

/** A strategy that is fine for `from` bars, then does what `then` says. */
function strategyThat(then: string, from = 0): string {
  return `import { defineStrategy, buy } from 'engine/strategy';
export default defineStrategy({
  name: 'probe-me',
  params: {},
  init: () => 0,
  onBar(n, market, account) {
    if (n >= ${from}) { ${then} }
    return { state: n + 1, intents: n % 50 === 0 ? [buy('1', { rationale: 'every 50 bars' })] : [] };
  },
});
`;
}

describe('engine backtest: a strategy file on several instruments', { timeout: 300_000 }, () => {
  it('trades both instruments on one account; the per-instrument figures add up to the fills; replay PARITY; doctor passes', async () => {
    const log = db('two.db');
    const r = await runCliAsync(['--db', log, 'backtest', '--data', `AAA=${A}`, '--data', `BBB=${B}`, '--strategy', example('pairs-rotation.ts'), '--param', 'look=15', '--seed', '3', '--json']);
    expect(r.stderr.split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      runId: string;
      instruments: Array<{ symbol: string; fills: number; fees: string; netProfit: string; trades: number }>;
      trades: Array<{ symbol: string; pnl: string; openAtEnd?: boolean }>;
      metrics: { totalFees: string };
    };
    expect(out.instruments.map((i) => i.symbol)).toEqual(['AAA', 'BBB']);
    for (const i of out.instruments) expect(i.fills).toBeGreaterThan(0);
    // Every fee was paid by one instrument; every round trip belongs to one.
    expect(out.instruments.reduce((s, i) => s.plus(i.fees), new Decimal(0)).eq(out.metrics.totalFees)).toBe(true);
    for (const i of out.instruments) {
      const own = out.trades.filter((t) => t.symbol === i.symbol);
      expect(own.length).toBe(i.trades);
      // A trip's P&L divides by an average cost (Decimal, 20 significant digits): the sums agree far below a cent.
      expect(own.reduce((s, t) => s.plus(t.pnl), new Decimal(0)).minus(i.netProfit).abs().lt('1e-9')).toBe(true);
    }
    const replay = await runCliAsync(['--db', log, 'replay', '--run', out.runId]);
    expect([replay.code, replay.stdout]).toEqual([0, expect.stringContaining('PARITY')]);
    const doctor = await runCliAsync(['--db', log, 'doctor']);
    expect(doctor.code).toBe(0);
    const summary = await runCliAsync(['--db', log, 'backtest', '--data', `AAA=${A}`, '--data', `BBB=${B}`, '--strategy', example('pairs-rotation.ts'), '--param', 'look=15', '--seed', '3']);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/Per instrument[^\n]*\n\s+instrument\s+fills[^\n]*\n\s+AAA\s+\d+[^\n]*\n\s+BBB\s+\d+/);
    expect(summary.stdout).toContain('already recorded');
  });

  it.each([
    ['a file that does not exist', ['--strategy', './nowhere/strategy.ts', '--data', SYN, '--symbol', 'SYN'], /nowhere\/strategy\.ts: cannot read the strategy file/],
    ['a file that does not compile (its line named)', ['--strategy', 'BROKEN', '--data', SYN, '--symbol', 'SYN'], /broken\.ts:\d+:\d+: Unexpected end of file/],
    ['a throw on the first bars', ['--strategy', 'THROWS', '--data', SYN, '--symbol', 'SYN'], /throws\.ts.*onBar threw: boom.*nothing was appended/],
    ['a malformed intent', ['--strategy', 'MALFORMED', '--data', SYN, '--symbol', 'SYN'], /malformed\.ts.*qty must be > 0/],
    ['an unknown parameter', ['--strategy', example('tutorial-trend.ts'), '--param', 'perod=3', '--data', SYN, '--symbol', 'SYN'], /has no param "perod"/],
    ['two --data without a name', ['--strategy', 'sma-cross', '--data', SYN, '--data', A, '--symbol', 'SYN'], /only one --data may go without a symbol/],
    ['one instrument twice', ['--strategy', 'sma-cross', '--data', `AAA=${A}`, '--data', `aaa=${B}`], /instrument aaa given twice/],
    ['an unnamed --data without --symbol', ['--strategy', 'sma-cross', '--data', SYN], /needs --symbol/],
  ])('refuses %s: one line, exit 2, no database created', async (_what, args, message) => {
    const strategies: Record<string, string> = {
      BROKEN: file('broken.ts', "import { defineStrategy } from 'engine/strategy';\n\nexport default defineStrategy({ name: 'x', params: {}, init: () => 0, onBar(s) { return { state: s } ;\n"),
      THROWS: file('throws.ts', strategyThat("throw new Error('boom');", 5)),
      MALFORMED: file('malformed.ts', strategyThat("return { state: n + 1, intents: [buy('-1', { rationale: 'bad' })] };", 3)),
    };
    const log = db(`bad-${Math.random().toString(36).slice(2)}.db`);
    const r = await runCliAsync(['--db', log, 'backtest', '--seed', '1', ...args.map((a) => strategies[a] ?? a)]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(message)]);
    expect(existsSync(log)).toBe(false);
  });

  it('a strategy that throws after the trial bars: the run is recorded up to there, ends ERROR naming the file and line, exit 1', async () => {
    const text = strategyThat("if (n === 700) throw new Error('late failure');", 0);
    const late = file('late.ts', text);
    const line = text.split('\n').findIndex((l) => l.includes('late failure')) + 1;
    const log = db('late.db');
    const r = await runCliAsync(['--db', log, 'backtest', '--seed', '1', '--strategy', late, '--data', SYN, '--symbol', 'SYN']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(new RegExp(`ended ERROR: .*late\\.ts:${line}.*late failure`))]);
    const runs = await runCliAsync(['--db', log, 'runs', '--json']);
    const listed = JSON.parse(runs.stdout) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed[0])).toContain('ERROR');
    expect((await runCliAsync(['--db', log, 'doctor'])).code).not.toBe(70);
  });
});

describe('engine sweep', { timeout: 300_000 }, () => {
  const grid = ['--grid', 'fast=5..15:5', '--grid', 'slow=20,30'];
  const base = ['--data', SYN, '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1'];

  it('every grid point is its own recorded run, ranked by the metric; a rerun skips them all; the report has the heatmap', async () => {
    const log = db('sweep.db');
    const report = path.join(tmp.dir, 'sweep.html');
    const r = await runCliAsync(['--db', log, 'sweep', ...base, ...grid, '--metric', 'totalReturn', '--workers', '2', '--json', '--report', report]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { runs: Array<{ rank: number; runId: string; params: Record<string, string>; value: number | null; skipped: boolean; figures: { totalReturn: number } }> };
    expect(out.runs.map((x) => `${x.params.fast}/${x.params.slow}`).sort()).toEqual(['10/20', '10/30', '15/20', '15/30', '5/20', '5/30']);
    const values = out.runs.map((x) => x.figures.totalReturn);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(out.runs.every((x) => !x.skipped)).toBe(true);
    const listed = JSON.parse((await runCliAsync(['--db', log, 'runs', '--json'])).stdout) as Array<{ runId?: string; id?: string }>;
    const ids = new Set(listed.map((x) => x.runId ?? x.id));
    for (const x of out.runs) expect([...ids].some((id) => String(id).endsWith(x.runId) || x.runId.endsWith(String(id)))).toBe(true);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg class="heatmap"');
    expect((html.match(/<rect /g) ?? []).length).toBe(6);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);

    const again = await runCliAsync(['--db', log, 'sweep', ...base, ...grid, '--metric', 'totalReturn', '--json']);
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout) as typeof out;
    expect(second.runs.every((x) => x.skipped)).toBe(true);
    expect(second.runs.map((x) => x.runId)).toEqual(out.runs.map((x) => x.runId));
    // The human summary says how many runs beat holding: the runs whose excess over buy and hold is positive.
    const human = await runCliAsync(['--db', log, 'sweep', ...base, ...grid, '--metric', 'totalReturn']);
    const beat = (JSON.parse(again.stdout) as { runs: Array<{ figures: { excessReturnOverHold: number } }> }).runs.filter((x) => x.figures.excessReturnOverHold > 0).length;
    expect(human.stdout).toMatch(new RegExp(`buy and hold on the same data returned -?[\\d.]+%: ${beat} of 6 runs beat it`));
    const replay = await runCliAsync(['--db', log, 'replay', '--run', out.runs[0]!.runId]);
    expect(replay.code).toBe(0);
  });

  it('walk-forward: chosen parameters per window, the stitched out-of-sample result, and the verdict against buy and hold', async () => {
    const log = db('wf.db');
    const r = await runCliAsync(['--db', log, 'sweep', ...base, ...grid, '--walk-forward', 'train=1y,test=6m']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Out of sample/);
    expect(r.stdout).toMatch(/stitched\s+return -?\d/);
    expect(r.stdout).toMatch(/buy and hold over the same test windows -?[\d.]+%: the strategy (BEAT|did NOT beat) it/);
    const json = await runCliAsync(['--db', log, 'sweep', ...base, ...grid, '--walk-forward', 'train=1y,test=6m', '--json']);
    const out = JSON.parse(json.stdout) as { walkForward: { windows: Array<{ train: { to: string }; test: { from: string }; chosen: Record<string, string>; testRunId: string }> } };
    const windows = out.walkForward.windows;
    expect(windows.length).toBeGreaterThan(3);
    for (const w of windows) {
      expect(w.test.from).toBe(w.train.to); // out of sample: the test window starts where its train window ends
      expect(['5', '10', '15']).toContain(w.chosen.fast);
      expect(w.testRunId).toMatch(/\S/);
    }
  });

  it.each([
    ['a grid with no points', ['--grid', 'fast=10..5:1'], /the range has no points/],
    ['an unparseable range', ['--grid', 'fast=5...9'], /expected name=from\.\.to:step/],
    ['no grid', [], /--grid is required/],
    ['a parameter the strategy does not have', ['--grid', 'speed=1..3:1'], /strategy refuses every point .*speed/],
    ['a walk-forward window longer than the data', [...grid, '--walk-forward', 'train=5y,test=1y'], /do not fit in the data/],
    ['an unparseable walk-forward', [...grid, '--walk-forward', 'train=2 years'], /--walk-forward/],
  ])('refuses %s: one line, exit 2, no database created', async (_what, args, message) => {
    const log = db(`sweep-bad-${Math.random().toString(36).slice(2)}.db`);
    const r = await runCliAsync(['--db', log, 'sweep', ...base, ...args]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(message)]);
    expect(existsSync(log)).toBe(false);
  });

  it('a sweep run records exactly what `engine backtest` records for the same run, on one worker or two', async () => {
    const data = ['--data', 'synthetic:bars=6000,interval=1h,seed=45', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1'];
    const points = ['--grid', 'fast=5..20:5', '--grid', 'slow=30'];
    const sweeps = await Promise.all(['1', '2'].map(async (workers) => {
      const log = db(`sweep-w${workers}.db`);
      const r = await runCliAsync(['--db', log, 'sweep', ...data, ...points, '--workers', workers, '--json']);
      expect(r.code).toBe(0);
      return { log, runs: (JSON.parse(r.stdout) as { runs: Array<{ runId: string; params: Record<string, string> }> }).runs };
    }));
    const [one, two] = sweeps;
    expect(one!.runs).toHaveLength(4);
    // The log's own columns (positions, the chain's hashes) follow the order the workers finished in; every row of a run is the same.
    for (const x of one!.runs) expect(runRows(two!.log, x.runId)).toEqual(runRows(one!.log, x.runId));
    const point = one!.runs.find((x) => x.params.fast === '15')!;
    const log = db('sweep-vs-backtest.db');
    const bt = await runCliAsync(['--db', log, 'backtest', ...data, '--param', 'fast=15', '--param', 'slow=30', '--events', 'decisions', '--json']);
    expect(bt.code).toBe(0);
    const backtest = JSON.parse(bt.stdout) as { runId: string; decisionFingerprint: string };
    expect(backtest.runId).toBe(point.runId);
    const rows = runRows(log, point.runId);
    expect(rows.length).toBeGreaterThan(500); // more than one append batch crossed from the worker
    expect(runRows(one!.log, point.runId)).toEqual(rows);
    for (const s of sweeps) {
      const replay = await runCliAsync(['--db', s.log, 'replay', '--run', point.runId, '--json']);
      expect(JSON.parse(replay.stdout)).toMatchObject({ verdict: 'PARITY', fingerprints: { recorded: backtest.decisionFingerprint } });
      expect((await runCliAsync(['--db', s.log, 'doctor'])).code).toBe(0); // the hash chain holds
    }
  });

  it('Ctrl-C keeps the finished runs (exit 130); the rerun skips them and finishes the rest', async () => {
    const log = db('interrupt.db');
    const big = ['--data', 'synthetic:bars=10000,interval=1h,seed=44', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--grid', 'fast=5..40:5', '--grid', 'slow=50,60', '--workers', '1'];
    const child = startCli(['--db', log, 'sweep', ...big, '--json']);
    // Interrupt once the first run has finished (its RunEnded is in the log).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const runs = existsSync(log) ? await runCliAsync(['--db', log, 'runs', '--json']) : null;
      const done = runs && runs.code === 0 ? (JSON.parse(runs.stdout) as unknown[]).filter((x) => JSON.stringify(x).includes('COMPLETED')).length : 0;
      if (done >= 1 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    child.child.kill('SIGINT');
    const code = await child.exited;
    expect(code).toBe(130);
    const again = await runCliAsync(['--db', log, 'sweep', ...big, '--json'], { timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { runs: Array<{ skipped: boolean }> };
    expect(out.runs).toHaveLength(16);
    const skipped = out.runs.filter((x) => x.skipped).length;
    expect(skipped).toBeGreaterThanOrEqual(1);
    expect(skipped).toBeLessThan(16);
    expect((await runCliAsync(['--db', log, 'doctor'])).code).toBe(0);
  }, 360_000);
});

/** A run's events as its log stores them, in stream order, without the columns that depend on other streams (position, hashes). */
function runRows(file: string, runId: string): unknown[] {
  const d = new Database(file, { readonly: true });
  try {
    return d.prepare('SELECT stream_version, event_id, type, schema_version, data, metadata FROM events WHERE stream = ? ORDER BY stream_version').all(`run-${runId}`);
  } finally {
    d.close();
  }
}
