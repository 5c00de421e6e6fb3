import seedrandom from 'seedrandom';
import type { Clock, Random, Stopwatch } from './ports.js';

/**
 * Deterministic implementations of the time and randomness ports. A backtest's clock is the bar
 * time (set by the runner before each cycle); its stopwatch always reports 0, because a backtest has
 * no wall time worth recording and byte-identical events must not depend on how fast the machine is.
 */

/** A clock moved by its owner: bar close time in backtests, recorded time in replays. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
}

/** Every phase takes 0 ms. */
const NO_TIME = (): number => 0;
/** Every phase takes no time (backtests and replays: engine time stands still within a cycle). One shared reading, no closure a phase. */
export const zeroStopwatch: Stopwatch = { start: () => NO_TIME };

/** Seeded, reproducible randomness (seedrandom's alea: fast, good enough for simulation). */
export class SeededRandom implements Random {
  private readonly prng: seedrandom.PRNG;
  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(`engine:${seed}`);
  }
  next(): number {
    return this.prng();
  }
  /** An independent stream for a named purpose, so adding draws in one place does not shift another. */
  fork(purpose: string): SeededRandom {
    return new SeededRandom(`${this.seed}/${purpose}`);
  }
}
