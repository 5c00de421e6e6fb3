import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SealedCheckpointStore } from '../../src/events/anchor.js';
import { canonicalJson } from '../../src/events/canonical.js';
import { UntrustedCheckpointError } from '../../src/events/errors.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { sha256Hex } from '../../src/projections/fingerprint.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { buildFixtureLog, FIXTURE_EVENT_COUNT } from '../cli/fixture-log.js';
import { runCliAsync } from '../cli/run-cli.js';
import { CLI, tempDir } from '../support.js';

/**
 * Issue 13 item 7: a checkpoint is a cache of the projections, and a forged one made stage7-run start
 * a new run instead of resuming an unfinished one. A checkpoint is now trusted only when the event at
 * its position has its hash, and, under ENGINE_LOG_KEY, when its seal verifies; otherwise it is
 * ignored with a warning and the projections are rebuilt from the log.
 */
const KEY = 'k'.repeat(16) + '-checkpoint-test-key';
const tmp = tempDir('engine-checkpoint-trust-');
afterAll(() => tmp.cleanup());
let seq = 0;

type CheckpointRow = { name: string; position: number; hash: string; fingerprint: string; state: string; seal: string | null };

/** Writes a checkpoint row around the store (triggers dropped), as someone with the file can. */
function plant(db: string, row: CheckpointRow): void {
  const raw = new Database(db);
  try {
    for (const t of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>) raw.exec(`DROP TRIGGER "${t.name}"`);
    raw.prepare('INSERT INTO projection_checkpoints (name, position, hash, fingerprint, state, seal) VALUES (@name, @position, @hash, @fingerprint, @state, @seal)').run(row);
  } finally {
    raw.close();
  }
}

function hashAt(db: string, position: number): string {
  const raw = new Database(db, { readonly: true });
  try {
    return (raw.prepare('SELECT hash FROM events WHERE position = ?').get(position) as { hash: string }).hash;
  } finally {
    raw.close();
  }
}

/** A state that claims to be at `position`: the state of an earlier point, relabelled, with a matching fingerprint. */
function relabelled(state: string, position: number): { state: string; fingerprint: string } {
  const s = JSON.parse(state) as { position: number };
  s.position = position;
  const text = canonicalJson(s);
  return { state: text, fingerprint: sha256Hex(text) };
}

describe('ProjectionRunner trusts a checkpoint only at a point of this chain', () => {
  let db: string;
  beforeEach(async () => {
    db = path.join(tmp.dir, `runner-${++seq}.db`);
    await buildFixtureLog(db);
  });

  async function withStore<T>(fn: (store: SqliteEventStore) => Promise<T>): Promise<T> {
    const store = SqliteEventStore.open(db);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  it('a genuine checkpoint names its chain point and is resumed from', async () => {
    const saved = await withStore(async (store) => {
      await new ProjectionRunner({ store, checkpoints: store.checkpoints(), checkpointEvery: 0 }).rebuild();
      return store.checkpoints().load('projections');
    });
    expect(saved).toMatchObject({ position: FIXTURE_EVENT_COUNT, hash: hashAt(db, FIXTURE_EVENT_COUNT) });
    const r = await withStore((store) => new ProjectionRunner({ store, checkpoints: store.checkpoints() }).catchUp());
    expect(r).toMatchObject({ startedFrom: 'checkpoint', eventsApplied: 0, position: FIXTURE_EVENT_COUNT });
  });

  it('a checkpoint whose hash is not the one at its position is refused, and doctor says so', async () => {
    // The state of position 10 relabelled as the head's, with the hash the checkpoint had at 10.
    const at10 = await withStore(async (store) => {
      const cps = new Map<number, CheckpointRow>();
      const runner = new ProjectionRunner({ store, checkpoints: { load: async () => null, save: async (c) => void cps.set(c.position, { ...c, seal: null }) }, checkpointEvery: 10 });
      await runner.rebuild();
      return cps.get(10)!;
    });
    plant(db, { ...at10, ...relabelled(at10.state, FIXTURE_EVENT_COUNT), position: FIXTURE_EVENT_COUNT });
    const r = await runCliAsync(['doctor', '--json', '--db', db]);
    expect(r.code).toBe(1);
    const projections = (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; figures: Record<string, unknown>; detail: string }> }).checks.find((c) => c.name === 'projections')!;
    expect(projections).toMatchObject({ status: 'FAIL', figures: { verdict: 'UNTRUSTED' } });
    await withStore(async (store) => {
      const runner = new ProjectionRunner({ store, checkpoints: store.checkpoints() });
      const err = await runner.catchUp().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(UntrustedCheckpointError);
      expect((err as Error).message).toMatch(new RegExp(`event at position ${FIXTURE_EVENT_COUNT} has hash .*the log was rewritten, or the checkpoint forged`));
      expect(runner.position).toBe(0);
      // The caller's answer: rebuild from the log (which saves a true checkpoint over it).
      expect((await runner.rebuild()).position).toBe(FIXTURE_EVENT_COUNT);
      expect((await runner.verifyCheckpoint()).status).toBe('OK');
    });
  });

  it('a checkpoint behind which the log was cut short is refused', async () => {
    await withStore(async (store) => void (await new ProjectionRunner({ store, checkpoints: store.checkpoints(), checkpointEvery: 0 }).rebuild()));
    const raw = new Database(db);
    raw.exec('DROP TRIGGER events_refuse_delete');
    raw.prepare('DELETE FROM events WHERE position = ?').run(FIXTURE_EVENT_COUNT);
    raw.close();
    await withStore(async (store) => {
      await expect(new ProjectionRunner({ store, checkpoints: store.checkpoints() }).catchUp()).rejects.toThrow(/no event at checkpoint position 17/);
    });
  });

  it('under the log key: a forged checkpoint at a true chain point is refused for its missing seal; a sealed one is trusted only under the same key', async () => {
    await withStore(async (store) => {
      const sealed = new SealedCheckpointStore(store.checkpoints(), KEY);
      await new ProjectionRunner({ store, checkpoints: sealed, checkpointEvery: 0 }).rebuild();
      expect((await new ProjectionRunner({ store, checkpoints: sealed }).catchUp()).startedFrom).toBe('checkpoint');
      const other = new SealedCheckpointStore(store.checkpoints(), KEY + 'x');
      await expect(new ProjectionRunner({ store, checkpoints: other }).catchUp()).rejects.toThrow(/seal does not verify under ENGINE_LOG_KEY/);
    });
    // Someone with the file (not the key) plants an earlier state at the true head, hash and fingerprint right.
    const genesis = await withStore(async (store) => {
      const runner = new ProjectionRunner({ store, checkpoints: null });
      return canonicalJson(runner.snapshot());
    });
    plant(db, { name: 'projections', position: FIXTURE_EVENT_COUNT, hash: hashAt(db, FIXTURE_EVENT_COUNT), ...relabelled(genesis, FIXTURE_EVENT_COUNT), seal: null });
    await withStore(async (store) => {
      const sealed = new SealedCheckpointStore(store.checkpoints(), KEY);
      await expect(new ProjectionRunner({ store, checkpoints: sealed }).catchUp()).rejects.toThrow(/carries no seal/);
      expect((await new ProjectionRunner({ store, checkpoints: sealed }).verifyCheckpoint()).status).toBe('UNTRUSTED');
      // Without the key the same forgery names a true chain point: only a rebuild (engine doctor) shows it.
      expect((await new ProjectionRunner({ store, checkpoints: store.checkpoints() }).verifyCheckpoint()).status).toBe('MISMATCH');
    });
  });
});

describe('engine stage7-run resumes its unfinished run, whatever checkpoint was planted', () => {
  let db: string;
  let cfg: string;
  beforeEach(() => {
    db = path.join(tmp.dir, `live-${++seq}.db`);
    cfg = path.join(tmp.dir, `live-${seq}.json`);
    writeFileSync(cfg, JSON.stringify({ base: { strategy: { name: 'sma-cross', params: { fast: 1, slow: 2, atr: 1 } }, risk: { rateLimit: null } } }));
  });

  /** A live run killed (SIGKILL) after a few cycles: unfinished in the log. */
  async function killedRun(env: Record<string, string>): Promise<string> {
    const child = spawn(process.execPath, [CLI, 'stage7-run', '--venue', 'sim', '--config', cfg, '--interval', '20ms', '--db', db, '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, ENGINE_LOG_LEVEL: '', ...env },
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    let runId: string | null = null;
    while (runId === null) {
      if (Date.now() > deadline) throw new Error('no cycles completed in time');
      await new Promise((r) => setTimeout(r, 50));
      try {
        const raw = new Database(db, { readonly: true, fileMustExist: true });
        const row = raw.prepare("SELECT json_extract(metadata, '$.runId') AS runId, count(*) AS n FROM events WHERE type = 'CycleCompleted'").get() as { runId: string | null; n: number };
        raw.close();
        if (row.n >= 3) runId = row.runId;
      } catch {
        // not created yet
      }
    }
    child.kill('SIGKILL');
    await exited;
    return runId;
  }

  /** The checkpoint stage7-run saved before its run (position 0), relabelled as the head: "no run is unfinished". */
  function forgeNothingUnfinished(hashOf: (head: number) => string): void {
    const raw = new Database(db, { readonly: true });
    const head = (raw.prepare('SELECT max(position) AS p FROM events').get() as { p: number }).p;
    const saved = raw.prepare("SELECT state FROM projection_checkpoints WHERE name = 'projections' ORDER BY id DESC LIMIT 1").get() as { state: string };
    raw.close();
    expect((JSON.parse(saved.state) as { position: number }).position).toBe(0);
    plant(db, { name: 'projections', position: head, hash: hashOf(head), ...relabelled(saved.state, head), seal: null });
  }

  async function restart(env: Record<string, string>): Promise<{ summary: { runId: string; resumed: boolean }; stderr: string }> {
    const r = await runCliAsync(['stage7-run', '--venue', 'sim', '--config', cfg, '--cycles', '1', '--interval', '5ms', '--json', '--db', db], { env });
    expect(r.code, r.stderr).toBe(0);
    return { summary: JSON.parse(r.stdout) as { runId: string; resumed: boolean }, stderr: r.stderr };
  }

  it('without the key: a checkpoint naming a hash the log does not hold at its position is ignored with a warning', async () => {
    const runId = await killedRun({});
    forgeNothingUnfinished((head) => hashAt(db, head - 1));
    const { summary, stderr } = await restart({});
    expect(summary).toMatchObject({ runId, resumed: true });
    expect(stderr).toContain('projection checkpoint unusable: rebuilding the projections from the log');
    expect(stderr).toContain('is not trusted');
  });

  it('under ENGINE_LOG_KEY: a forged checkpoint at the true head, hash and fingerprint right, is ignored for its missing seal', async () => {
    const env = { ENGINE_LOG_KEY: KEY };
    const runId = await killedRun(env);
    forgeNothingUnfinished((head) => hashAt(db, head));
    const { summary, stderr } = await restart(env);
    expect(summary).toMatchObject({ runId, resumed: true });
    expect(stderr).toContain('carries no seal');
  });

  it('(for contrast) a genuine checkpoint is used: no warning', async () => {
    const runId = await killedRun({ ENGINE_LOG_KEY: KEY });
    const { summary, stderr } = await restart({ ENGINE_LOG_KEY: KEY });
    expect(summary).toMatchObject({ runId, resumed: true });
    expect(stderr).not.toContain('projection checkpoint unusable');
  });
});
