import { StoreDamagedError } from '../../events/errors.js';
import type { EventStore } from '../../events/store/port.js';

/** Whether the event at `position` (or, if it is missing, the next one) can be read. */
async function readable(store: EventStore, position: number): Promise<boolean> {
  try {
    for await (const _record of store.readRecords({ fromPosition: position - 1, maxCount: 1 })) break;
    return true;
  } catch (err) {
    if (err instanceof StoreDamagedError) return false;
    throw err;
  }
}

/**
 * The first run of positions that cannot be read, looking from `from` up to `to` (inclusive), found
 * with single-row reads: linearly for its start (a failed page read names no row), by doubling steps
 * and bisection for its end, so even a lost interior page (a large range) costs a few dozen reads.
 * Null when every position in the window reads.
 */
export async function unreadableRange(store: EventStore, from: number, to: number, window: number): Promise<{ first: number; last: number } | null> {
  let first = -1;
  for (let p = from; p <= Math.min(to, from + window - 1); p++) {
    if (!(await readable(store, p))) {
      first = p;
      break;
    }
  }
  if (first < 0) return null;
  let bad = first;
  let step = 1;
  let good = -1;
  while (bad + step <= to) {
    if (await readable(store, bad + step)) {
      good = bad + step;
      break;
    }
    bad += step;
    step *= 2;
  }
  if (good < 0) {
    if (to > bad && (await readable(store, to))) good = to;
    else return { first, last: to };
  }
  // bad is unreadable, good is readable: the last unreadable position lies in [bad, good - 1].
  while (good - bad > 1) {
    const mid = Math.floor((bad + good) / 2);
    if (await readable(store, mid)) good = mid;
    else bad = mid;
  }
  return { first, last: bad };
}
