import { describe, expect, it } from 'vitest';
import type { RecordedCycle } from '../../src/replay/parity/recorded-run.js';
import { liveSegments } from '../../src/replay/parity/replay-live.js';

/**
 * Reading a live run's process segments from its cycle ids (src/engine/live/live-run.ts numbering:
 * start-up pass at lastCycleSeq + 1, strategy cycles from lastCycleSeq + 2, close-down pass after the
 * last cycle of a clean end). Cycles are written as: S = strategy cycle completed, s = strategy cycle
 * cut short, P = pass without CycleStarted that left events, . = no events.
 */
function cycles(pattern: string): Map<number, RecordedCycle> {
  const out = new Map<number, RecordedCycle>();
  [...pattern].forEach((ch, i) => {
    if (ch === '.') return;
    out.set(i + 1, { seq: i + 1, regular: ch !== 'P', completed: ch === 'S', at: 0, snapshot: null, firstPosition: i + 1 });
  });
  return out;
}

const seg = (pattern: string, ended: boolean) => {
  const r = liveSegments(cycles(pattern), ended);
  return { startups: [...r.startups].sort((a, b) => a - b), cut: [...r.cut].sort((a, b) => a - b), closeDown: r.closeDown };
};

describe('liveSegments', () => {
  it('one clean process: start-up pass without events, cycles, a close-down pass', () => {
    expect(seg('.SSSP', true)).toEqual({ startups: [1], cut: [], closeDown: 5 });
    expect(seg('.SSS', true)).toEqual({ startups: [1], cut: [], closeDown: null });
  });
  it('killed mid-cycle, restarted: the cut cycle, then a start-up pass with events', () => {
    expect(seg('.SSsPSS', false)).toEqual({ startups: [1, 5], cut: [4], closeDown: null });
  });
  it('killed between cycles, restarted with nothing to reconcile: an empty start-up pass is still a segment', () => {
    expect(seg('.SS.SS', false)).toEqual({ startups: [1, 4], cut: [], closeDown: null });
  });
  it('killed during a start-up pass, twice, then a clean end', () => {
    expect(seg('.SSPPPSSP', true)).toEqual({ startups: [1, 4, 5, 6], cut: [4, 5], closeDown: 9 });
  });
});
