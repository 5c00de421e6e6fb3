import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, lockFileFor } from '../../src/cli/lock.js';
import { parseStoreTarget } from '../../src/cli/open-store.js';
import { EsdbStandIn } from '../support/esdb-standin/index.js';
import { headOf, withRaw } from '../integrity/tamper.js';
import { CLI, tempDir } from '../support.js';
import { cli, errorLines, leftovers, placeless, recordsOf, until } from './support.js';

/**
 * Issue 14 item 2: `engine store copy` moves a log between stores with every event's id, stream, stream
 * version, data, metadata and hashes, in global order; resumable (a rerun after a kill copies only what
 * is missing); at the end the destination verifies and its head is the source's. SQLite -> EventStoreDB
 * (the in-process stand-in: a real gRPC server on 127.0.0.1 that the real client talks to) -> SQLite,
 * with a SIGKILL in the middle of each copy. The CLI runs as a child process.
 */
const KEY = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
const tmp = tempDir('engine-store-copy-');
afterAll(() => tmp.cleanup());
let seq = 0;
const file = (name: string) => path.join(tmp.dir, `${++seq}-${name}`);
const env = { ENGINE_LOG_KEY: KEY };

/** A log of several streams interleaved: two backtests and the kill switch's control stream between them. */
let source: string;
beforeAll(async () => {
  source = file('source.db');
  const bt = (seed: string) => ['backtest', '--data', `synthetic:bars=250,interval=1h,seed=${seed}`, '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=8', '--seed', '1', '--db', source, '--log-level', 'warn'];
  for (const args of [bt('31'), ['kill-switch', 'engage', '--reason', 'drill', '--db', source], bt('32'), ['kill-switch', 'release', '--reason', 'drill over', '--db', source]]) {
    const r = await cli(args, env);
    expect(r.code, r.stderr).toBe(0);
  }
});

/** Events of ours in the stand-in (not its system events, chain-head claims or signed heads). */
function eventsIn(node: EsdbStandIn): number {
  return node.log.all.filter((r) => !r.stream.startsWith('$') && !r.stream.startsWith('engine-')).length;
}

function sqliteHeadPosition(db: string): number {
  try {
    return headOf(db)?.position ?? 0;
  } catch {
    return 0; // not created yet, or its schema not yet written
  }
}

describe('engine store copy SQLite -> EventStoreDB -> SQLite', () => {
  let node: EsdbStandIn;
  beforeEach(async () => {
    node = await EsdbStandIn.start();
  });
  afterEach(async () => {
    await node.stop();
  });

  it('identical events and head hash both ways, each copy killed (SIGKILL) in the middle and rerun', async () => {
    const original = await recordsOf(source);
    const total = original.length;
    expect(new Set(original.map((r) => r.stream)).size).toBeGreaterThanOrEqual(3);

    // SQLite -> EventStoreDB, killed once about a third of the events are there.
    const toEsdb = ['store', 'copy', '--from', source, '--to', node.connectionString, '--batch', '10', '--log-level', 'warn'];
    const first = cli(toEsdb, env);
    await until('part of the copy to land', () => eventsIn(node) >= total / 3);
    first.kill('SIGKILL');
    expect((await first).signal).toBe('SIGKILL');
    const partial = await recordsOf(node.connectionString);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(total);
    // What a kill leaves is whole batches: a prefix of the source.
    expect(partial.map(placeless)).toEqual(original.slice(0, partial.length).map(placeless));

    const rerun = await cli(toEsdb, env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`(${partial.length} were there already), ${total} in all`);
    expect(rerun.stdout).toMatch(/verified: storage SKIP, integrity PASS, anchor PASS; the heads' hashes are equal/);
    const inEsdb = await recordsOf(node.connectionString);
    expect(inEsdb.map(placeless)).toEqual(original.map(placeless));
    expect(inEsdb.at(-1)!.hash).toBe(original.at(-1)!.hash);
    const esdbDoctor = await cli(['doctor', '--json', '--db', node.connectionString], env);
    const esdbChecks = (JSON.parse(esdbDoctor.stdout) as { checks: Array<{ name: string; status: string }> }).checks;
    expect(esdbChecks.filter((c) => ['integrity', 'anchor'].includes(c.name)).map((c) => c.status)).toEqual(['PASS', 'PASS']);

    // EventStoreDB -> a new SQLite file, killed in the middle too.
    const back = file('back.db');
    const toSqlite = ['store', 'copy', '--from', node.connectionString, '--to', back, '--batch', '10', '--log-level', 'warn'];
    const second = cli(toSqlite, env);
    await until('part of the copy back to land', () => sqliteHeadPosition(back) >= total / 3);
    second.kill('SIGKILL');
    expect((await second).signal).toBe('SIGKILL');
    const partialBack = await recordsOf(back);
    expect(partialBack.length).toBeLessThan(total);
    expect(partialBack).toEqual(original.slice(0, partialBack.length));

    const rerunBack = await cli(toSqlite, env);
    expect(rerunBack.code, rerunBack.stderr).toBe(0);
    // Every event, byte for byte, at the same positions (SQLite positions are contiguous), and the same head.
    expect(await recordsOf(back)).toEqual(original);
    expect(headOf(back)).toEqual(headOf(source));
    const doctor = await cli(['doctor', '--db', back], env);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);

    // A rerun after the end copies nothing and appends nothing.
    const again = await cli(toSqlite, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`0 events copied (${total} were there already)`);
    expect(await recordsOf(back)).toEqual(original);
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('a destination holding another log is refused before anything is written (exit 2)', async () => {
    const other = file('other.db');
    expect((await cli(['backtest', '--data', 'synthetic:bars=60,interval=1h,seed=4', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--db', other])).code).toBe(0);
    const bytes = readFileSync(other);
    const r = await cli(['store', 'copy', '--from', source, '--to', other]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/already holds a log that is not a part of .*source\.db.*nothing was written/)]);
    expect(readFileSync(other).equals(bytes)).toBe(true);

    // Into EventStoreDB: the stand-in holds another log.
    expect((await cli(['store', 'copy', '--from', other, '--to', node.connectionString, '--log-level', 'warn'])).code).toBe(0);
    const held = eventsIn(node);
    const r2 = await cli(['store', 'copy', '--from', source, '--to', node.connectionString]);
    expect(r2.code).toBe(2);
    expect(errorLines(r2.stderr)).toEqual([expect.stringContaining('already holds a log that is not a part of')]);
    expect(eventsIn(node)).toBe(held);
  });
});

/** util-linux `script` runs a command on a pseudo-terminal: the way to see what a person at a terminal sees. */
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('engine store copy at a terminal', () => {
  it.skipIf(!HAS_SCRIPT)('shows a progress bar that ends at every event; without a terminal, none', async () => {
    const total = (await recordsOf(source)).length;
    const to = file('tty.db');
    const command = [process.execPath, CLI, 'store', 'copy', '--from', source, '--to', to, '--batch', '25', '--log-level', 'warn'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ENGINE_LOG_LEVEL: '', ENGINE_LOG_KEY: '' }, timeout: 60_000 });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`store copy \\[[^\\]]+\\] 100% ${total}/${total} events`));
    expect(await recordsOf(to)).toEqual(await recordsOf(source));
    const piped = await cli(['store', 'copy', '--from', source, '--to', file('piped.db'), '--log-level', 'warn']);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
  });
});

describe('engine store copy refuses bad input: one line, exit 2, nothing written at the destination', () => {
  it('a source that fails integrity', async () => {
    const broken = file('broken.db');
    writeFileSync(broken, readFileSync(source));
    withRaw(broken, (raw) => raw.prepare("UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = 40").run());
    const to = file('from-broken.db');
    const r = await cli(['store', 'copy', '--from', broken, '--to', to]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^engine store copy: --from .*broken\.db: its integrity check fails: chain broken at position 40 .*nothing was copied$/)]);
    expect(existsSync(to)).toBe(false);
  });

  it('an esdb:// that refuses, as destination or as source', async () => {
    const refusing = 'esdb://127.0.0.1:9?tls=false&defaultDeadline=2000';
    const to = await cli(['store', 'copy', '--from', source, '--to', refusing]);
    expect(to.code).toBe(2);
    expect(errorLines(to.stderr)).toEqual([expect.stringMatching(/^engine store copy: cannot open event store esdb:\/\/127\.0\.0\.1:9.*unreachable/)]);
    const out = file('never.db');
    const from = await cli(['store', 'copy', '--from', refusing, '--to', out]);
    expect(from.code).toBe(2);
    expect(errorLines(from.stderr)).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a destination in a missing folder, or the source itself', async () => {
    const missing = path.join(tmp.dir, 'nowhere', 'copy.db');
    const r = await cli(['store', 'copy', '--from', source, '--to', missing]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/--to .*copy\.db: the folder .*nowhere does not exist/)]);
    expect(existsSync(path.dirname(missing))).toBe(false);
    const same = await cli(['store', 'copy', '--from', source, '--to', path.relative(process.cwd(), source)]);
    expect(same.code).toBe(2);
    expect(errorLines(same.stderr)).toEqual([expect.stringContaining('--from and --to are the same store')]);
  });

  it('a destination whose run lock is held: exit 3', async () => {
    const to = file('locked.db');
    const lock = acquireLock(lockFileFor(parseStoreTarget(to)), { command: 'engine stage7-run (test)' });
    try {
      const r = await cli(['store', 'copy', '--from', source, '--to', to]);
      expect(r.code).toBe(3);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/the run lock .* is held by pid/)]);
      // The lock lives on the database file itself, so the holder created it (empty); the copy wrote nothing.
      expect(statSync(to).size).toBe(0);
      expect(existsSync(to + '-wal')).toBe(false);
    } finally {
      lock.release();
    }
  });
});
