import v8 from 'node:v8';

/**
 * A backtest keeps little (an equity point per bar in typed arrays, its trades), yet V8 lets the old
 * generation grow to several times what is live before it collects, because the run allocates fast and
 * collections are cheap. Growing the limit by at most 30% over the live size after each full collection keeps
 * the year of minute bars around 250 MB peak instead of about 350 MB, for a few percent more CPU (measured by
 * `node dist/bench/run.js --only year`). Full mode too, now that its buffered events are encoded outside the
 * JS heap (StoreRunLog with an append thread): when they were kept as objects until their batch was full, most
 * of them reached the old generation and the extra full collections cost about a third more CPU. Process-wide:
 * the append thread's heap is capped the same way, and so is every worker of a sweep (with allocation-site
 * pretenuring on, 30% had cost a sweep on 2 workers a third more CPU than 100%; without it they measured the
 * same: 11.2-11.6 s against 11.1-12.1 s for 4 runs of 300,000 bars, 332-339 against 361 MB). The flag is read
 * at each collection, so setting it now takes effect.
 */
export function favourMemoryOverGcTime(): void {
  v8.setFlagsFromString('--heap-growing-percent=30');
  keepPerBarObjectsYoung();
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
