/** The event envelope (DESIGN.md "Events"). */

export const RUN_MODES = ['backtest', 'live', 'replay'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface EventMetadata {
  runId: string;
  mode: RunMode;
  /** Correlation id: every event a cycle causes carries its cycle id; null outside cycles. */
  cycleId: string | null;
  /** The event id of the event that caused this one, when there is one. */
  causationId: string | null;
  /** Engine clock time (ISO-8601, UTC, millisecond precision): bar time in backtests. */
  at: string;
}

/** An event as the engine creates it, before the store has placed it. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  eventId: string;
  type: TType;
  schemaVersion: number;
  data: TData;
  metadata: EventMetadata;
}

/** An event as the store holds it: placed in its stream and in the global order, and chained. */
export interface StoredEvent<TType extends string = string, TData = unknown> extends NewEvent<TType, TData> {
  /** 1-based position in the whole log, assigned by the store. */
  globalPosition: number;
  stream: string;
  /** 0-based position within the stream (EventStoreDB revisions start at 0 too). */
  streamVersion: number;
  prevHash: string;
  hash: string;
}
