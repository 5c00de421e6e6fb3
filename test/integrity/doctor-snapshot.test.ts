import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDoctor } from '../../src/cli/commands/doctor.js';
import type { DoctorCheck } from '../../src/cli/doctor/check.js';
import { DOCTOR_CHECKS } from '../../src/cli/doctor/checks.js';
import { integrityCheck } from '../../src/cli/doctor/integrity-check.js';
import { createLogger } from '../../src/cli/logger.js';
import { Output } from '../../src/cli/output.js';
import { createCli } from '../../src/cli/program.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import type { EventDataInput } from '../../src/events/catalog.js';
import { createEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { runCliAsync } from '../cli/run-cli.js';
import { PROJECT_ROOT, tempDir } from '../support.js';
import { headOf } from './tamper.js';

/**
 * Issue 13 item 11: `engine doctor` read the log afresh in every check, so while a writer appended,
 * integrity vouched for one set of events and replay for another. It now reads one snapshot (one read
 * transaction on SQLite) for the whole report.
 */
const tmp = tempDir('engine-doctor-snapshot-');
afterAll(() => tmp.cleanup());

const BT = ['backtest', '--data', 'synthetic:bars=400,interval=1h,seed=17', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=3', '--param', 'slow=9', '--seed', '4', '--json', '--log-level', 'warn'];
let pristine: string;
let runId: string;
beforeAll(async () => {
  pristine = path.join(tmp.dir, 'pristine.db');
  const r = await runCliAsync([...BT, '--db', pristine]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  runId = (JSON.parse(r.stdout) as { runId: string }).runId;
});

interface Check {
  name: string;
  status: string;
  figures: Record<string, unknown>;
}

/** Another writer on the same file: a new run starts and a burst of events lands in the middle of the report. */
function writerCheck(db: string): DoctorCheck {
  return {
    name: 'writer',
    async run() {
      const store = SqliteEventStore.open(db);
      try {
        const meta = (i: number): EventMetadata => ({ runId: 'ghost', mode: 'backtest', cycleId: null, causationId: null, at: new Date(Date.UTC(2030, 0, 1) + i * 1000).toISOString() });
        const started = createEvent('RunStarted', 'ghost:start', {
          mode: 'backtest', strategy: 'sma-cross', params: {}, symbol: 'GHOST', venue: 'sim', seed: '1', config: {}, configHash: '0'.repeat(64),
          data: null, eventsMode: 'full', initialCash: '1', quoteAsset: 'USDT', packageVersion: '0', gitCommit: null, armed: false,
        }, meta(0));
        await store.append('run-ghost', [started, ...Array.from({ length: 999 }, (_, i) => createEvent('CycleStarted', `ghost:${i}`, { cycleSeq: i, killSwitch: false } as EventDataInput<'CycleStarted'>, meta(i + 1)))], 'no_stream');
      } finally {
        await store.close();
      }
      return { name: 'writer', status: 'PASS', figures: {}, detail: '1000 events appended by another connection' };
    },
  };
}

async function doctorInProcess(db: string): Promise<{ code: number; json: { snapshot: { position: number; hash: string }; checks: Check[] } }> {
  let stdout = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void ((stdout += chunk.toString()), done()) });
  const errors: string[] = [];
  const cli = createCli({ version: '0.0.0', makeLogger: (level) => createLogger({ level, pretty: false }), writeErrLine: (l) => void errors.push(l), out: new Output(sink) });
  registerDoctor(cli.program, cli);
  const code = await cli.run(['node', 'engine', 'doctor', '--db', db, '--json', '--log-level', 'silent']);
  expect(errors).toEqual([]);
  return { code, json: JSON.parse(stdout) as { snapshot: { position: number; hash: string }; checks: Check[] } };
}

describe('engine doctor reads one snapshot', () => {
  it('a writer appending between its checks changes nothing the report says', async () => {
    const db = path.join(tmp.dir, 'in-process.db');
    copyFileSync(pristine, db);
    const before = headOf(db);
    // The report's checks, with a writer after the integrity check and a second integrity check at the end.
    const again: DoctorCheck = { name: 'integrity-again', run: async (ctx) => ({ ...(await integrityCheck.run(ctx)), name: 'integrity-again' }) };
    const original = [...DOCTOR_CHECKS];
    DOCTOR_CHECKS.splice(DOCTOR_CHECKS.indexOf(integrityCheck) + 1, 0, writerCheck(db));
    DOCTOR_CHECKS.push(again);
    let report;
    try {
      report = await doctorInProcess(db);
    } finally {
      DOCTOR_CHECKS.splice(0, DOCTOR_CHECKS.length, ...original);
    }
    expect(headOf(db).position).toBe(before.position + 1000);
    const { code, json } = report;
    const check = (name: string) => json.checks.find((c) => c.name === name)!;
    expect(json.snapshot).toEqual(before);
    // Before and after the writer, integrity vouches for the same events, ending at the same hash.
    expect(check('integrity').figures).toMatchObject({ events: before.position, lastPosition: before.position, headHash: before.hash.slice(0, 16) });
    expect(check('integrity-again').figures).toEqual(check('integrity').figures);
    // Parity and SLOs speak of the log the snapshot holds: the writer's run is not there.
    expect(check('parity').figures).toMatchObject({ runs: 1, replayed: 1, diverged: 0 });
    expect(check('slo').figures).toMatchObject({ run: runId });
    expect(code).toBe(0);
  });

  it('a writer in another process appending throughout: every figure is about the snapshot the report names', async () => {
    const db = path.join(tmp.dir, 'concurrent.db');
    copyFileSync(pristine, db);
    const script = `
      const { SqliteEventStore } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'dist/src/events/store/sqlite/sqlite-event-store.js'))});
      const { createEvent } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'dist/src/events/event-factory.js'))});
      const store = SqliteEventStore.open(process.argv[1]);
      let v = 'no_stream';
      for (let b = 0; ; b++) {
        const batch = Array.from({ length: 200 }, (_, i) => createEvent('CycleStarted', 'w' + b + ':' + i, { cycleSeq: b * 200 + i, killSwitch: false }, { runId: 'writer', mode: 'live', cycleId: null, causationId: null, at: '2030-01-01T00:00:00.000Z' }));
        v = (await store.append('writer', batch, v)).nextExpectedVersion;
        if (b === 0) process.stdout.write('writing\\n');
        await new Promise((r) => setTimeout(r, 2));
      }`;
    const writer = spawn(process.execPath, ['--input-type=module', '-e', script, db], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => writer.on('exit', () => resolve()));
    try {
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      const r = await runCliAsync(['doctor', '--json', '--db', db]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { snapshot: { position: number; hash: string }; checks: Check[] };
      const integrity = json.checks.find((c) => c.name === 'integrity')!;
      expect(integrity.status).toBe('PASS');
      expect(integrity.figures).toMatchObject({ events: json.snapshot.position, lastPosition: json.snapshot.position, headHash: json.snapshot.hash.slice(0, 16) });
      expect(json.checks.find((c) => c.name === 'parity')!.figures).toMatchObject({ runs: 1, diverged: 0 });
      // The writer went on after the snapshot was taken.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(headOf(db).position).toBeGreaterThan(json.snapshot.position);
    } finally {
      writer.kill('SIGKILL');
      await exited;
    }
  });
});
