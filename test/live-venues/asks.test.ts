import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changeKillSwitch } from '../../src/engine/risk/kill-switch.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';
import { runEngine } from './harness.js';

const tmp = tempDir('engine-live-asks-');

/**
 * The simulated venue's state file goes through the shared atomic writer: on a full disk (a 64 KiB
 * tmpfs; root only, skipped where mounting is not allowed) stage7-run exits 74 with one line, the
 * previous state stays whole and no temporary file is left.
 */
const tiny = path.join(tmp.dir, 'tiny');
mkdirSync(tiny);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', tiny]).status === 0;
if (!mounted) console.warn('cannot mount a tmpfs here (not root?): skipping the full-disk venue-state test');
afterAll(() => {
  if (mounted) spawnSync('umount', [tiny]);
  tmp.cleanup();
});

describe.skipIf(!mounted)('stage7-run --venue sim on a full disk', () => {
  it('exits 74 with one line; the state file is the last whole one; no temporary file', async () => {
    writeFileSync(path.join(tiny, 'filler'), Buffer.alloc(60 * 1024));
    const state = path.join(tiny, 'venue.json');
    const r = await runEngine(['stage7-run', '--venue', 'sim', '--venue-state', state, '--cycles', '5', '--interval', '10ms'], { db: path.join(tmp.dir, 'full.db') });
    expect(r.code, r.stderr).toBe(74);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    expect(lines).toEqual([expect.stringMatching(/cannot write .*venue\.json: no space left on the device \(ENOSPC\)/)]);
    expect(readdirSync(tiny).sort()).toEqual(['filler', 'venue.json']);
    expect(() => JSON.parse(readFileSync(state, 'utf8'))).not.toThrow();
  }, 60_000);
});

describe('engine kill-switch status', () => {
  it('prints a stored reason with control bytes escaped (a log written by another tool)', async () => {
    const db = path.join(tmp.dir, 'ks.db');
    const store = SqliteEventStore.open(db);
    await changeKillSwitch(store, {
      action: 'engage',
      reason: 'bad\u001b[31m red\u0007 bell\nsecond line',
      by: 'ops\u001b]0;title\u0007',
      eventId: 'ks-1',
      metadata: { runId: 'control', mode: 'live', cycleId: null, causationId: null, at: '2026-01-01T00:00:00.000Z' },
    });
    await store.close();
    const r = await runEngine(['kill-switch', 'status'], { db });
    expect(r.code, r.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('bad\\x1b[31m red\\x07 bell | second line');
    expect(r.stdout).toContain('by ops\\x1b]0;title\\x07');
  });
});
