import type { EventStore } from '../../events/store/port.js';

export interface RunStart {
  runId: string;
  mode: string;
  eventsMode: string;
  /** Global position of its RunStarted. */
  position: number;
}

/**
 * The runs in the log, oldest first, by their RunStarted. Reads only the type and metadata of each
 * event (no data validation): a damaged row is the integrity check's business, not this one's.
 */
export async function runStarts(store: EventStore): Promise<RunStart[]> {
  const out: RunStart[] = [];
  for await (const e of store.readAll()) {
    if (e.type !== 'RunStarted') continue;
    const d = e.data as { mode?: string; eventsMode?: string };
    out.push({ runId: e.metadata.runId, mode: d.mode ?? '?', eventsMode: d.eventsMode ?? '?', position: e.globalPosition });
  }
  return out;
}
