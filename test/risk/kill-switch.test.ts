import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { changeKillSwitch, KILL_SWITCH_STREAM, readKillSwitch } from '../../src/engine/risk/kill-switch.js';

const meta = (at: string) => ({ runId: 'control', mode: 'live' as const, cycleId: null, causationId: null, at });

describe('kill switch control stream', () => {
  it('engage / release fold to the current state; engaging twice appends nothing', async () => {
    const store = new MemoryEventStore();
    expect((await readKillSwitch(store)).engaged).toBe(false);
    const a = await changeKillSwitch(store, { action: 'engage', reason: 'incident', by: 'ops', eventId: 'e1', metadata: meta('2024-01-01T00:00:00.000Z') });
    expect(a.changed).toBe(true);
    const b = await changeKillSwitch(store, { action: 'engage', reason: 'again', by: 'ops', eventId: 'e2', metadata: meta('2024-01-01T00:01:00.000Z') });
    expect(b.changed).toBe(false);
    expect(await readKillSwitch(store)).toMatchObject({ engaged: true, reason: 'incident', version: 0 });
    await changeKillSwitch(store, { action: 'release', reason: 'fixed', by: 'ops', eventId: 'e3', metadata: meta('2024-01-01T01:00:00.000Z') });
    expect(await readKillSwitch(store)).toMatchObject({ engaged: false, reason: 'fixed', version: 1, since: '2024-01-01T01:00:00.000Z' });
    expect(await store.streamVersion(KILL_SWITCH_STREAM)).toBe(1);
  });

  it('a concurrent change between read and append is detected by expectedVersion and re-decided', async () => {
    const store = new MemoryEventStore();
    const realAppend = store.append.bind(store);
    let raced = false;
    store.append = async (stream, events, expected) => {
      if (!raced) {
        raced = true; // another operator engages first
        const { createEvent } = await import('../../src/events/event-factory.js');
        await realAppend(stream, [createEvent('KillSwitchEngaged', 'other', { reason: 'other op', by: 'x' }, meta('2024-01-01T00:00:00.000Z'))], 'no_stream');
      }
      return realAppend(stream, events, expected);
    };
    const r = await changeKillSwitch(store, { action: 'engage', reason: 'mine', by: 'me', eventId: 'e1', metadata: meta('2024-01-01T00:00:01.000Z') });
    expect(r.changed).toBe(false); // re-read: already engaged by the other operator
    expect(await readKillSwitch(store)).toMatchObject({ engaged: true, reason: 'other op', version: 0 });
  });
});
