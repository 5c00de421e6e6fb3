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
  keepPerBarObjectsYoung();
}

/**
 * A sweep's worker threads share the process's cores with one another and with the writer, so a
 * cap as tight as a backtest's costs more there: each worker's collections keep the other cores busy too
 * (concurrent marking, sweeping). Measured on this 2-core machine, a sweep of 4 runs of 300,000 synthetic bars
 * on 2 workers (bench/sweep.ts's), the percentage set to 30, 60 and 100 in turn: 30% took 15.9 s and 28.9 s
 * of CPU, 60% 12.4 s and 22.3 s, 100% 12.3 s and 21.6 s, for 381, 400 and 418 MB peak RSS. V8's own heuristic (no flag)
 * was no faster than 100% (12.0 s) and took 549 MB.
 */
export function favourMemoryOverGcTimeInASweep(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}

/**
 * V8 allocates an allocation site's objects straight into the old generation once most of those it sampled
 * survived a young collection ("allocation-site pretenuring"). In a backtest that feedback misleads it: a
 * bar's objects live for one or two bars, but those sampled while a batch of bars or events was still being
 * worked through look long-lived, and from then on a per-bar site fills the old generation with garbage that
 * only full collections free. Whether it happened depended on timing: the same 300,000-bar run took 15 full
 * collections and 7 s of CPU, or 65 and 11 s. Without it: 13 every time, 6.1-6.9 s, 180 instead of 190-210 MB
 * (the runs in the note of issue 15). Read when V8 processes the feedback, so setting it now takes effect.
 */
export function keepPerBarObjectsYoung(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
