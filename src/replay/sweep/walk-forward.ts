import { DateTime, type DurationLikeObject } from 'luxon';

/**
 * Walk-forward windows from `--walk-forward train=2y,test=6m` (units: y years, mo or m months, w weeks, d days,
 * h hours; calendar arithmetic in UTC). Window k trains on [start + k x test, + train) and tests on the test
 * span right after it; windows go on while a whole test span fits in the data. Parameters are chosen on each
 * train window and only the stitched test windows are reported: out of sample.
 */
export interface WalkForwardSpec {
  train: DurationLikeObject;
  test: DurationLikeObject;
  text: string;
}

export interface Window {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
}

export class WalkForwardError extends Error {
  override readonly name = 'WalkForwardError';
}

const UNITS: Record<string, keyof DurationLikeObject> = { y: 'years', mo: 'months', m: 'months', w: 'weeks', d: 'days', h: 'hours' };

function duration(text: string, what: string, whole: string): DurationLikeObject {
  const m = /^(\d+)(y|mo|m|w|d|h)$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new WalkForwardError(`--walk-forward ${whole}: ${what} must be a duration such as 2y, 6m (months), 8w, 30d, got "${text}"`);
  return { [UNITS[m[2]!]!]: Number(m[1]) };
}

export function parseWalkForward(text: string): WalkForwardSpec {
  const parts = Object.fromEntries(text.split(',').map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
  const keys = Object.keys(parts);
  if (keys.length !== 2 || parts.train === undefined || parts.test === undefined) {
    throw new WalkForwardError(`--walk-forward ${text}: expected train=<duration>,test=<duration> (e.g. train=2y,test=6m)`);
  }
  return { train: duration(parts.train, 'train', text), test: duration(parts.test, 'test', text), text };
}

/** The windows over data spanning [firstBarTime, lastBarTime]; refused when not even one fits. */
export function walkForwardWindows(spec: WalkForwardSpec, firstBarTime: number, lastBarTime: number): Window[] {
  const windows: Window[] = [];
  const start = DateTime.fromMillis(firstBarTime, { zone: 'utc' });
  for (let k = 0; ; k++) {
    const trainFrom = start.plus(multiply(spec.test, k));
    const trainTo = trainFrom.plus(spec.train);
    const testTo = trainTo.plus(spec.test);
    if (testTo.toMillis() > lastBarTime + 1) break;
    windows.push({ index: k, trainFrom: trainFrom.toMillis(), trainTo: trainTo.toMillis(), testFrom: trainTo.toMillis(), testTo: testTo.toMillis() });
    if (k > 10_000) break;
  }
  if (windows.length === 0) {
    throw new WalkForwardError(
      `--walk-forward ${spec.text}: one train window and one test window do not fit in the data (${new Date(firstBarTime).toISOString()} to ${new Date(lastBarTime).toISOString()})`,
    );
  }
  return windows;
}

function multiply(d: DurationLikeObject, k: number): DurationLikeObject {
  return Object.fromEntries(Object.entries(d).map(([u, v]) => [u, (v as number) * k]));
}
