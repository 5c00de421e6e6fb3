import v8 from 'node:v8';

/**
 * A backtest keeps little (an equity point per bar in typed arrays, its trades), yet V8 lets the old
 * generation grow to several times what is live before it collects, because the run allocates fast and
 * collections are cheap. Growing the limit by at most 30% over the live size after each full collection keeps
 * the year of minute bars around 250 MB peak instead of about 350 MB, for a few percent more CPU (measured by
 * `node dist/bench/run.js --only year`). Full mode too, now that its buffered events are encoded outside the
 * JS heap (StoreRunLog with an append thread): when they were kept as objects until their batch was full, most
 * of them reached the old generation and the extra full collections cost about a third more CPU. Process-wide:
 * the append thread's heap is capped the same way. The flag is read at each collection, so setting it now
 * takes effect.
 */
export function favourMemoryOverGcTime(): void {
  v8.setFlagsFromString('--heap-growing-percent=30');
}
