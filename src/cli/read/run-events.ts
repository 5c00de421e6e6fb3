import { type AnyStoredEvent, toTypedEvent } from '../../events/event-factory.js';
import { type DecodeMode, decoderFor } from '../../projections/decode.js';
import type { EventStore } from '../../events/store/port.js';
import type { RunRef } from './as-of.js';

/**
 * The run's events up to global position `upTo`, upcast and validated, in log order; only `types` when given
 * (filtered by the store, so a read of a few types skips the market data of a long backtest without decoding it).
 */
export async function* runEvents(store: EventStore, run: RunRef, upTo: number, types?: readonly string[], decode: DecodeMode = 'validate'): AsyncIterable<AnyStoredEvent> {
  const typed = decoderFor(decode);
  if (types === undefined) {
    for await (const e of store.readStream(run.stream)) {
      if (e.globalPosition > upTo) return;
      yield typed(e);
    }
    return;
  }
  for await (const e of store.readAll({ fromPosition: run.firstPosition - 1, types })) {
    if (e.globalPosition > upTo) return;
    if (e.metadata.runId === run.runId) yield toTypedEvent(e);
  }
}
