import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedLines } from '../backtest/cli-support.js';
import { CLI, tempDir } from '../support.js';

/**
 * The CLI against generated hostile input (issue 13, "a fuzzer that keeps it so"): malformed CSVs,
 * synthetic specs, configuration files, flags and --db files, run through the real CLI as child
 * processes. For every case:
 *   - the exit code is 0 or 2: never 70 (internal error), never a hang past a bound;
 *   - exit 2 prints a message, and the log is exactly as it was (nothing appended);
 *   - stderr never carries a raw control byte;
 *   - a database that is an event log afterwards passes `engine doctor`.
 * By default (CI) a bounded number of cases from a fixed seed, so a run is reproducible;
 * ENGINE_FUZZ_RUNS=n for a long run (a fresh seed each time, printed on failure), and
 * ENGINE_FUZZ_SEED to replay one.
 */
const RUNS = Number(process.env.ENGINE_FUZZ_RUNS ?? 20);
const FIXED_SEED = 1313;
const SEED =
  process.env.ENGINE_FUZZ_SEED !== undefined ? Number(process.env.ENGINE_FUZZ_SEED) : process.env.ENGINE_FUZZ_RUNS === undefined ? FIXED_SEED : undefined;
/** A case that has not ended by then hangs (a healthy one takes about a second). */
const CASE_TIMEOUT_MS = 30_000;

const tmp = tempDir('engine-fuzz-');
afterAll(() => tmp.cleanup());
let caseNo = 0;
let ranCases = 0;
/** Exit codes seen, per property: how much of the input got through to a run (0) vs refused (2). */
const exits: Record<string, Record<string, number>> = { backtest: {}, other: {} };
function tally(which: 'backtest' | 'other', code: number | null): void {
  const key = String(code);
  exits[which]![key] = (exits[which]![key] ?? 0) + 1;
}
/** A valid event log with one backtest run in it, copied for the cases that start from a used log. */
let usedLog: string;

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function cli(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // A NUL byte cannot travel in argv: the OS would cut the argument there.
      [CLI, '--log-level', 'error', ...args.map((a) => a.replaceAll('\u0000', ''))],
      { cwd, env: { ...process.env, ENGINE_GIT_COMMIT: 'fuzz', ENGINE_LOG_LEVEL: '' }, timeout: CASE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; signal?: string | null }) | null;
        resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  usedLog = path.join(tmp.dir, 'used.db');
  const r = await cli(['backtest', '--data', 'synthetic:bars=80,interval=1d,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--db', usedLog], tmp.dir);
  expect(r.code, r.stderr).toBe(0);
});

// ---------------------------------------------------------------- generators

const junk = fc.oneof(
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-1', '0', '1e999', '1e-30', '0x10', '1,5', '"', '""', '\u0000', '\u001b[2J', '\r', '\uFEFF', '9'.repeat(60), '١٢٣'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const dateText = fc.oneof(
  fc.constantFrom('9999-12-31', '0000-01-01', '1969-12-31', '2024-02-30', '2024-13-01', '1/2/2024', '01/02/24', '2024-01-01T00:00:00Z', '2024-01-01 10:00', '1704067200', '1704067200000', '1704067200000000', '2024-03-10 02:30', '2024-01-01 11-PM', '99999999999999999999'),
  junk,
);

type Mutation =
  | { kind: 'field'; row: number; col: number; value: string }
  | { kind: 'date'; row: number; value: string }
  | { kind: 'duplicate' | 'delete' | 'blank-after'; row: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'raw'; offset: number; bytes: number[] }
  | { kind: 'header'; value: string }
  | { kind: 'crlf' | 'bom' | 'unclosed-quote' | 'extra-column' | 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), row: fc.nat(80), col: fc.integer({ min: 1, max: 5 }), value: junk }),
  fc.record({ kind: fc.constant('date' as const), row: fc.nat(80), value: dateText }),
  fc.record({ kind: fc.constantFrom('duplicate' as const, 'delete' as const, 'blank-after' as const), row: fc.nat(80) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(80), b: fc.nat(80) }),
  fc.record({ kind: fc.constant('raw' as const), offset: fc.nat(4000), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('header' as const), value: fc.constantFrom('date,open,high,low,close', 'date,open,open,low,close,volume', 'time,o,h,l,c,v', 'Date,Symbol,Open,High,Low,Close,Volume', 'x,y,z', '', 'date;open;high;low;close;volume') }),
  fc.record({ kind: fc.constantFrom('crlf' as const, 'bom' as const, 'unclosed-quote' as const, 'extra-column' as const, 'truncate' as const), at: fc.nat(4000) }),
);

function baseRows(n: number, newestFirst: boolean): string[] {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = 100 + ((i * 7) % 23);
    rows.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${p},${p + 3},${p - 3},${p + 1},${1000 + i}`);
  }
  return newestFirst ? rows.reverse() : rows;
}

function applyMutations(rows: string[], header: string, mutations: readonly Mutation[]): Buffer {
  let lines = [header, ...rows];
  let tail: (b: Buffer) => Buffer = (b) => b;
  for (const m of mutations) {
    const at = (r: number) => 1 + (lines.length > 1 ? r % (lines.length - 1) : 0);
    switch (m.kind) {
      case 'field': {
        const i = at(m.row);
        const cells = (lines[i] ?? '').split(',');
        cells[m.col] = m.value;
        lines[i] = cells.join(',');
        break;
      }
      case 'date': {
        const i = at(m.row);
        const cells = (lines[i] ?? '').split(',');
        cells[0] = m.value;
        lines[i] = cells.join(',');
        break;
      }
      case 'duplicate':
        lines.splice(at(m.row), 0, lines[at(m.row)] ?? '');
        break;
      case 'delete':
        if (lines.length > 2) lines.splice(at(m.row), 1);
        break;
      case 'blank-after':
        lines.splice(at(m.row) + 1, 0, '');
        break;
      case 'swap': {
        const a = at(m.a);
        const b = at(m.b);
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        break;
      }
      case 'header':
        lines[0] = m.value;
        break;
      case 'unclosed-quote': {
        const i = at(m.at);
        lines[i] = `"${lines[i] ?? ''}`;
        break;
      }
      case 'extra-column': {
        const i = at(m.at);
        lines[i] = `${lines[i] ?? ''},extra`;
        break;
      }
      case 'crlf':
        lines = lines.map((l) => `${l}\r`);
        break;
      case 'bom':
        lines[0] = `\uFEFF${lines[0] ?? ''}`;
        break;
      case 'raw':
      case 'truncate': {
        const previous = tail;
        tail =
          m.kind === 'raw'
            ? (b) => {
                const x = previous(b);
                const o = x.length === 0 ? 0 : m.offset % x.length;
                return Buffer.concat([x.subarray(0, o), Buffer.from(m.bytes), x.subarray(o)]);
              }
            : (b) => {
                const x = previous(b);
                return x.subarray(0, x.length === 0 ? 0 : m.at % x.length);
              };
        break;
      }
    }
  }
  return tail(Buffer.from(lines.join('\n') + '\n', 'utf8'));
}

const csvData = fc
  .record({
    rows: fc.integer({ min: 0, max: 80 }),
    newestFirst: fc.boolean(),
    mutations: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
  })
  .map(({ rows, newestFirst, mutations }) => ({ kind: 'csv' as const, bytes: applyMutations(baseRows(rows, newestFirst), 'date,open,high,low,close,volume', mutations) }));

const syntheticData = fc
  .array(
    fc.oneof(
      fc.constantFrom('bars=1', 'bars=50', 'bars=300', 'bars=0', 'bars=-5', 'bars=ten', 'interval=1ms', 'interval=1w', 'interval=0m', 'interval=5x', 'start=9999-12-01T00:00:00Z', 'start=0000-01-01', 'start=yesterday', 'seed=a b', 'seed=7', 'symbol=SYN', 'symbol=ABC', 'price=0', 'price=1e3', 'price=99999999999999', 'decimals=9', 'decimals=0', 'drift=11', 'drift=-1', 'vol=6', 'vol=0', 'jumps=20000', 'colour=red', '=x', 'bars', 'bars=5,bars=6'),
      junk.map((j) => `seed=${j}`),
    ),
    { maxLength: 4 },
  )
  // Without bars= a spec runs the default 10,000 bars: legitimate, but too slow for a bounded case.
  .map((parts) => ({ kind: 'synthetic' as const, spec: `synthetic:${parts.some((p) => p.startsWith('bars')) ? '' : 'bars=400,'}${parts.join(',')}` }));

/** --data that is not a file of text: each must be refused at once, never waited on. */
const specialData = fc.constantFrom('directory', 'fifo', 'missing', '/dev/zero', '/dev/null', 'the-db').map((which) => ({ kind: 'path' as const, which }));

/** Each config field is usually sound (so that runs get through) and sometimes hostile. */
const mostly = <T>(sound: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: sound }, { weight: 1, arbitrary: hostile });
const money = mostly(
  fc.constantFrom('"100000"', '"250000.50"', '5000', '1000.5', '"0.1"'),
  fc.oneof(fc.constantFrom('"0"', '"-5"', '"1e3"', '"abc"', '12345678901234567890123', '0.1', '1e400', 'null', 'true', '"  7 "', '10.000000000000000001'), fc.integer({ min: -10, max: 1e9 }).map(String)),
);
const bps = mostly(fc.constantFrom('10', '0', '10000', '0.5', '25'), fc.oneof(fc.constantFrom('10001', '-1', '"5"', '1e5', 'null'), fc.integer({ min: 0, max: 20_000 }).map(String)));

const configText = fc
  .record({
    initialCash: fc.option(money, { nil: undefined }),
    feeBps: fc.option(bps, { nil: undefined }),
    strategy: fc.option(
      mostly(
        fc.constantFrom('{"name":"sma-cross"}', '{"name":"sma-cross","params":{"fast":"3","slow":"9"}}', '{"name":"donchian-breakout","params":{"entry":5}}'),
        fc.constantFrom('{"name":"nope"}', '{"name":"sma-cross","params":{"fast":"0"}}', '{"params":{"colour":"red"}}'),
      ),
      { nil: undefined },
    ),
    duplicate: mostly(fc.constant(false), fc.constant(true)),
    unknown: mostly(fc.constant(false), fc.constant(true)),
    cut: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat(300) }),
    profile: fc.option(mostly(fc.constantFrom('"dev": {}', '"prod": {"initialCash": "5"}'), fc.constantFrom('"dev": null', '"nope": {}')), { nil: undefined }),
  })
  .map((c) => {
    const fields: string[] = [];
    if (c.initialCash !== undefined) fields.push(`"initialCash": ${c.initialCash}`);
    if (c.feeBps !== undefined) fields.push(`"simulation": {"feeBps": ${c.feeBps}}`);
    if (c.strategy !== undefined) fields.push(`"strategy": ${c.strategy}`);
    if (c.duplicate && fields[0] !== undefined) fields.push(fields[0]);
    if (c.unknown) fields.push('"colour": "red"');
    const text = `{"base": {${fields.join(', ')}}${c.profile !== undefined ? `, "profiles": {${c.profile}}` : ''}}`;
    return c.cut === undefined ? text : text.slice(0, c.cut % (text.length + 1));
  });

/** Flags a careful user gives: the runs that get through must leave a log doctor passes. */
const usualFlag = fc.oneof(
  fc.tuple(fc.constant('--fee-bps'), fc.constantFrom('0', '5', '25.5', '10000')),
  fc.tuple(fc.constant('--slippage-bps'), fc.constantFrom('0', '2', '50')),
  fc.tuple(fc.constant('--param'), fc.constantFrom('fast=3', 'slow=9', 'fast=2')),
  fc.tuple(fc.constant('--fill'), fc.constantFrom('close', 'next-open')),
  fc.tuple(fc.constant('--events'), fc.constantFrom('full', 'decisions')),
  fc.tuple(fc.constant('--tz'), fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata')),
  fc.tuple(fc.constant('--initial-cash'), fc.constantFrom('1000', '1000000', '0.5')),
  fc.tuple(fc.constant('--participation-cap'), fc.constantFrom('0.5', '1', '0.01')),
  fc.tuple(fc.constant('--strategy'), fc.constantFrom('sma-cross', 'donchian-breakout')),
  fc.tuple(fc.constant('--report'), fc.constantFrom('report.html', 'sub/../report.html')),
);

const hostileFlag = fc.oneof(
  fc.tuple(fc.constant('--fee-bps'), fc.constantFrom('5', '10001', '-1', 'abc', '1e3', '', '10000', '0.0001')),
  fc.tuple(fc.constant('--slippage-bps'), fc.constantFrom('5', '10000', '20000', 'x')),
  fc.tuple(fc.constant('--param'), fc.constantFrom('fast=3', 'fast=3', 'slow=9', 'fast=0', 'fast=99999999999', '=x', 'x', 'colour=red', 'fast=')),
  fc.tuple(fc.constant('--fill'), fc.constantFrom('close', 'next-open', 'never')),
  fc.tuple(fc.constant('--events'), fc.constantFrom('full', 'decisions', 'some')),
  fc.tuple(fc.constant('--tz'), fc.constantFrom('UTC', 'America/New_York', 'Mars/Base', '')),
  fc.tuple(fc.constant('--initial-cash'), fc.constantFrom('1000', '0', '-1', '1e6', '9'.repeat(50), '0.0000001')),
  fc.tuple(fc.constant('--participation-cap'), fc.constantFrom('0', '0.5', '1', '1.5')),
  fc.tuple(fc.constant('--seed'), fc.constantFrom('7', 'a b', '', 'x'.repeat(70))),
  fc.tuple(fc.constant('--symbol'), fc.constantFrom('SYN', 'ABC', '', 'BTC/USD')),
  fc.tuple(fc.constant('--strategy'), fc.constantFrom('sma-cross', 'donchian-breakout', 'nope')),
  fc.tuple(fc.constant('--profile'), fc.constantFrom('dev', 'prod', 'nope')),
  fc.tuple(fc.constant('--report'), fc.constantFrom('report.html', '@db', '@data', '@config', '.', 'missing/r.html', '@db-wal')),
);

type DbKind = 'fresh' | 'used' | 'empty' | 'garbage' | 'text' | 'directory' | 'symlink-used' | 'dangling-symlink' | 'truncated-used';
const dbKind = fc.oneof(
  { weight: 7, arbitrary: fc.constantFrom<DbKind>('fresh', 'used', 'symlink-used') },
  { weight: 3, arbitrary: fc.constantFrom<DbKind>('empty', 'garbage', 'text', 'directory', 'dangling-symlink', 'truncated-used') },
);

// ---------------------------------------------------------------- one case

interface Case {
  data: { kind: 'csv'; bytes: Buffer } | { kind: 'synthetic'; spec: string } | { kind: 'path'; which: string };
  config: string | undefined;
  flags: Array<[string, string]>;
  db: DbKind;
}

function prepareDb(dir: string, kind: DbKind): string {
  const db = path.join(dir, 'engine.db');
  switch (kind) {
    case 'fresh':
      break;
    case 'used':
      copyFileSync(usedLog, db);
      break;
    case 'empty':
      writeFileSync(db, '');
      break;
    case 'garbage':
      writeFileSync(db, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) % 256)));
      break;
    case 'text':
      writeFileSync(db, 'date,open,high,low,close,volume\n');
      break;
    case 'directory':
      mkdirSync(db);
      break;
    case 'symlink-used':
      copyFileSync(usedLog, path.join(dir, 'real.db'));
      symlinkSync(path.join(dir, 'real.db'), db);
      break;
    case 'dangling-symlink':
      symlinkSync(path.join(dir, 'not-yet.db'), db);
      break;
    case 'truncated-used': {
      const bytes = readFileSync(usedLog);
      writeFileSync(db, bytes.subarray(0, Math.floor(bytes.length / 2)));
      break;
    }
  }
  return db;
}

/** What the log holds, as a comparable value: the stored events, or the bytes of a file that is not a log. */
async function logState(db: string): Promise<string> {
  if (!existsSync(db)) return 'absent';
  if (!statSync(db).isFile()) return 'not a file';
  try {
    return JSON.stringify(await storedLines(db));
  } catch {
    return `bytes:${readFileSync(db).toString('base64')}`;
  }
}

/** Whatever the exit code, a log's events are still there afterwards, in order (appends only add). */
async function expectNothingLost(db: string, before: string, context: string): Promise<void> {
  if (!before.startsWith('[')) return;
  const was = JSON.parse(before) as string[];
  const now = await logState(db);
  expect(now.startsWith('['), `the log is gone: ${context}`).toBe(true);
  expect((JSON.parse(now) as string[]).slice(0, was.length), `stored events changed: ${context}`).toEqual(was);
}

async function isEventLog(db: string): Promise<boolean> {
  try {
    return existsSync(db) && statSync(db).isFile() && (await storedLines(db)).length > 0;
  } catch {
    return false;
  }
}

async function runCase(c: Case): Promise<void> {
  const dir = path.join(tmp.dir, `case-${++caseNo}`);
  mkdirSync(dir);
  try {
    const db = prepareDb(dir, c.db);
    const dataPath = path.join(dir, 'data.csv');
    let data = dataPath;
    if (c.data.kind === 'csv') writeFileSync(dataPath, c.data.bytes);
    else if (c.data.kind === 'synthetic') data = c.data.spec;
    else if (c.data.which === 'directory') mkdirSync(dataPath);
    else if (c.data.which === 'fifo') execFileSync('mkfifo', [dataPath]);
    else if (c.data.which === 'the-db') data = db;
    else if (c.data.which !== 'missing') data = c.data.which;
    const configPath = path.join(dir, 'engine.json');
    if (c.config !== undefined) writeFileSync(configPath, c.config);
    const args = ['backtest', '--db', db, '--data', data, '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--json'];
    if (c.config !== undefined) args.push('--config', configPath);
    for (const [name, value] of c.flags) {
      const v = value === '@db' ? db : value === '@db-wal' ? `${db}-wal` : value === '@data' ? dataPath : value === '@config' ? configPath : value;
      const at = args.indexOf(name);
      if (at >= 0 && name !== '--param') args[at + 1] = v;
      else args.push(name, v);
    }
    const before = await logState(db);
    const r = await cli(args, dir);
    ranCases++;
    tally('backtest', r.code);
    if (process.env.ENGINE_FUZZ_VERBOSE === '1') console.info(`exit ${r.code}: ${r.stderr.split('\n')[0]?.slice(0, 160)}`);
    const context = `backtest ${JSON.stringify(args.slice(1))}\nexit ${r.code} signal ${r.signal}\nstderr: ${r.stderr.slice(0, 2000)}`;
    expect(r.signal, `hung past ${CASE_TIMEOUT_MS} ms: ${context}`).toBeNull();
    expect([0, 2], context).toContain(r.code);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr, context).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    if (r.code === 2) {
      expect(r.stderr.trim(), context).not.toBe('');
      expect(r.stdout, context).toBe('');
      expect(await logState(db), `exit 2 but the log changed: ${context}`).toBe(before);
    }
    await expectNothingLost(db, before, context);
    if (await isEventLog(db)) {
      const doctor = await cli(['doctor', '--db', db], dir);
      expect(doctor.code, `doctor after: ${context}\ndoctor: ${doctor.stdout}${doctor.stderr}`).toBe(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const backtestCase: fc.Arbitrary<Case> = fc.record({
  data: fc.oneof({ weight: 6, arbitrary: csvData }, { weight: 2, arbitrary: syntheticData }, { weight: 1, arbitrary: specialData }),
  config: fc.option(configText, { nil: undefined, freq: 2 }),
  flags: fc.array(fc.oneof({ weight: 2, arbitrary: usualFlag }, { weight: 1, arbitrary: hostileFlag }), { maxLength: 2 }),
  db: dbKind,
});

describe('fuzz: engine backtest on hostile input', () => {
  it(`exit 0 or 2, nothing appended on 2, doctor passes (${RUNS} cases; ENGINE_FUZZ_RUNS for more)`, async () => {
    await fc.assert(fc.asyncProperty(backtestCase, runCase), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true });
    console.info(`fuzz: backtest cases by exit code ${JSON.stringify(exits['backtest'])}`);
  }, Math.max(120_000, RUNS * 4 * CASE_TIMEOUT_MS / 10));
});

// ---------------------------------------------------------------- the other commands that take user text

const otherCase = fc.oneof(
  fc.record({ kind: fc.constant('config-check' as const), config: configText }),
  fc.record({ kind: fc.constant('kill-switch' as const), reason: fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.constantFrom('x'.repeat(501), ' ', '--', 'ok')), db: dbKind }),
  fc.record({ kind: fc.constant('read' as const), command: fc.constantFrom(['runs'], ['events', 'ls'], ['doctor'], ['kill-switch', 'status'], ['events', 'ls', '--json']), db: dbKind }),
);

describe('fuzz: config check, kill-switch and read commands on hostile input', () => {
  it(`exit 0 or 2, nothing appended on 2 (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(otherCase, async (c) => {
        const dir = path.join(tmp.dir, `other-${++caseNo}`);
        mkdirSync(dir);
        try {
          let args: string[];
          let db: string | null = null;
          if (c.kind === 'config-check') {
            writeFileSync(path.join(dir, 'c.json'), c.config);
            args = ['config', 'check', '--config', 'c.json'];
          } else {
            db = prepareDb(dir, c.db);
            args = c.kind === 'kill-switch' ? ['kill-switch', 'engage', '--reason', c.reason, '--db', db] : [...c.command, '--db', db];
          }
          const before = db === null ? '' : await logState(db);
          const r = await cli(args, dir);
          ranCases++;
          tally('other', r.code);
          const context = `${JSON.stringify(args).slice(0, 300)}\nexit ${r.code} signal ${r.signal}\nstderr: ${r.stderr.slice(0, 2000)}`;
          expect(r.signal, context).toBeNull();
          expect([0, 2], context).toContain(r.code);
          // eslint-disable-next-line no-control-regex
          expect(r.stderr, context).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
          if (r.code === 2 && db !== null) expect(await logState(db), context).toBe(before);
          if (db !== null) await expectNothingLost(db, before, context);
          if (db !== null && (await isEventLog(db))) {
            const doctor = await cli(['doctor', '--db', db], dir);
            expect(doctor.code, `doctor after: ${context}\n${doctor.stdout}${doctor.stderr}`).toBe(0);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true },
    );
    console.info(`fuzz: other cases by exit code ${JSON.stringify(exits['other'])}; ${ranCases} CLI cases in all`);
  }, Math.max(120_000, RUNS * 4 * CASE_TIMEOUT_MS / 10));
});
