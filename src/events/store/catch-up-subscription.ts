import type { StoredEvent } from '../envelope.js';
import type { SubscribeOptions, Subscription } from './port.js';

/** One page of the log after a position, already filtered by type. */
export interface LogPage {
  events: StoredEvent[];
  /** The last global position the page looked at (filtered-out events count as looked at). */
  scannedTo: number;
  /** True when the page was full, i.e. more may follow at once. */
  full: boolean;
}

export type PageReader = (afterPosition: number) => LogPage | Promise<LogPage>;

export interface CatchUpSubscription extends Subscription {
  /** Look for new events now instead of at the next poll (an adapter calls it after its own appends). */
  wake(): void;
}

export const DEFAULT_POLL_INTERVAL_MS = 100;

/**
 * A catch-up subscription over any log that can be read in pages: delivers what is stored after
 * fromPosition, calls onCaughtUp once, then polls for new events (appended by this process or any
 * other). Each event is delivered once, in global order, and the next handler call waits for the
 * previous one to finish.
 */
export function catchUpSubscription(
  readPage: PageReader,
  handler: (event: StoredEvent) => void | Promise<void>,
  options: SubscribeOptions = {},
): CatchUpSubscription {
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let position = options.fromPosition ?? 0;
  let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
  let stopped = false;
  let cancelSleep: (() => void) | null = null;
  let wokenEarly = false;

  const sleep = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (wokenEarly || stopped) {
        wokenEarly = false;
        resolve();
        return;
      }
      const finish = (): void => {
        clearTimeout(timer);
        cancelSleep = null;
        resolve();
      };
      const timer = setTimeout(finish, pollMs);
      cancelSleep = finish;
    });

  /** Delivers everything currently stored; false once the subscription must end. */
  const drain = async (): Promise<boolean> => {
    for (;;) {
      if (stopped) return false;
      const page = await readPage(position);
      for (const e of page.events) {
        if (stopped) return false;
        await handler(e);
        position = e.globalPosition;
        if (--remaining <= 0) return false;
      }
      if (page.scannedTo > position) position = page.scannedTo;
      if (!page.full) return true;
    }
  };

  const done = (async () => {
    if (remaining <= 0) return;
    if (!(await drain())) return;
    options.onCaughtUp?.();
    while (!stopped) {
      await sleep();
      if (!(await drain())) return;
    }
  })();
  // Whoever awaits `done` sees a failure; nobody awaiting must not crash the process.
  done.catch(() => undefined);

  return {
    done,
    wake() {
      if (cancelSleep) cancelSleep();
      else wokenEarly = true;
    },
    async stop() {
      stopped = true;
      cancelSleep?.();
      await done.catch(() => undefined);
    },
  };
}
