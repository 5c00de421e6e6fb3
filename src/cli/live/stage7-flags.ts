import { statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { nonTerminalOrders } from '../../projections/orders/orders-projection.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import { InputError, UsageError } from '../errors.js';
import { parseDuration } from '../live-ports.js';
import type { Leftover } from './leftover-orders.js';

/** The venue flags of `engine stage7-run`. */
export interface VenueFlags {
  venue: 'sim' | 'binance' | 'btcturk';
  market?: string;
  venueUrl?: string;
  venueCredentials?: string;
  venueTimeout?: number;
  venueState?: string;
}

/** Which flags go with which venue (usage errors, exit 2). */
export function checkVenueFlags(opts: VenueFlags): void {
  if (opts.venue === 'sim') {
    for (const [flag, v] of [['--market', opts.market], ['--venue-url', opts.venueUrl], ['--venue-credentials', opts.venueCredentials], ['--venue-timeout', opts.venueTimeout]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} is for a real venue (--venue binance|btcturk), not --venue sim`);
    }
    return;
  }
  if (opts.venueState !== undefined) throw new UsageError(`--venue-state is for --venue sim, not --venue ${opts.venue}`);
  if (opts.market === undefined) throw new UsageError(`--venue ${opts.venue} needs --market BASE/QUOTE, e.g. BTC/USDT`);
  if (!/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/.test(opts.market)) throw new UsageError(`--market must be BASE/QUOTE in capitals, e.g. BTC/USDT, got "${opts.market}"`);
}

/** A path the command will read must be a regular file when it exists (a FIFO would hang the read). */
export function checkRegularFileIfPresent(flag: string, file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    return;
  }
  if (!st.isFile()) throw new InputError(`${flag} ${file} is not a regular file`, { file });
}

/** Ended live runs at this venue whose orders have no verdict yet. */
export function leftoverOrders(runner: ProjectionRunner, runs: ReadonlyArray<{ runId: string; venue: string | null; endedAt: string | null }>, venue: string): Leftover[] {
  const ended = new Set(runs.filter((r) => r.endedAt !== null && r.venue === venue).map((r) => r.runId));
  const counts = new Map<string, number>();
  for (const o of runner.query((s) => nonTerminalOrders(s.orders))) if (ended.has(o.runId)) counts.set(o.runId, (counts.get(o.runId) ?? 0) + 1);
  return [...counts.entries()].map(([runId, orders]) => ({ runId, orders }));
}

export function durationArg(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError(`${flag} must be a duration such as 20ms, 1s or 1m, got "${value}"`);
  return ms;
}

