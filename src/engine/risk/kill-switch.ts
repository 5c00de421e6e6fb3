import { createEvent, toTypedEvent, type AnyStoredEvent } from '../../events/event-factory.js';
import type { EventMetadata } from '../../events/envelope.js';
import { ExpectedVersionConflictError } from '../../events/errors.js';
import type { EventStore } from '../../events/store/port.js';

/**
 * The kill switch lives in its own control stream, apart from any run, so an operator can engage it
 * while a run is going: the running engine folds the stream at the start of each cycle (readKillSwitch)
 * and, from that cycle on, refuses new exposure (KILL_SWITCH) while letting exposure-reducing orders out.
 */
export const KILL_SWITCH_STREAM = 'control-kill-switch';

export interface KillSwitchState {
  engaged: boolean;
  reason: string | null;
  by: string | null;
  /** Engine-clock time of the last change (ISO), null when never touched. */
  since: string | null;
  /** Last version of the control stream: the expectedVersion for the next append. */
  version: number | 'no_stream';
}

export const KILL_SWITCH_INITIAL: KillSwitchState = { engaged: false, reason: null, by: null, since: null, version: 'no_stream' };

export function evolveKillSwitch(s: KillSwitchState, e: AnyStoredEvent): KillSwitchState {
  switch (e.type) {
    case 'KillSwitchEngaged':
      return { engaged: true, reason: e.data.reason, by: e.data.by, since: e.metadata.at, version: e.streamVersion };
    case 'KillSwitchReleased':
      return { engaged: false, reason: e.data.reason, by: e.data.by, since: e.metadata.at, version: e.streamVersion };
    default:
      return { ...s, version: e.streamVersion };
  }
}

export async function readKillSwitch(store: EventStore): Promise<KillSwitchState> {
  let s = KILL_SWITCH_INITIAL;
  for await (const e of store.readStream(KILL_SWITCH_STREAM)) s = evolveKillSwitch(s, toTypedEvent(e));
  return s;
}

export interface KillSwitchChange {
  action: 'engage' | 'release';
  reason: string;
  by: string;
  eventId: string;
  metadata: EventMetadata;
}

export type KillSwitchResult =
  | { changed: true; state: KillSwitchState }
  /** Already in the requested position: nothing appended. */
  | { changed: false; state: KillSwitchState };

/**
 * Engage or release, appending with the stream version just read so two operators cannot interleave
 * unnoticed; on a conflict it re-reads and decides again (a bounded number of times).
 */
export async function changeKillSwitch(store: EventStore, change: KillSwitchChange, attempts = 3): Promise<KillSwitchResult> {
  for (let i = 1; ; i++) {
    const state = await readKillSwitch(store);
    const wantEngaged = change.action === 'engage';
    if (state.engaged === wantEngaged) return { changed: false, state };
    const type = wantEngaged ? 'KillSwitchEngaged' : 'KillSwitchReleased';
    const event = createEvent(type, change.eventId, { reason: change.reason, by: change.by }, change.metadata);
    try {
      const r = await store.append(KILL_SWITCH_STREAM, [event], state.version);
      return {
        changed: true,
        state: { engaged: wantEngaged, reason: change.reason, by: change.by, since: change.metadata.at, version: r.nextExpectedVersion },
      };
    } catch (err) {
      if (!(err instanceof ExpectedVersionConflictError) || i >= attempts) throw err;
    }
  }
}
