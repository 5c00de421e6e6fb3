import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskModeFigures, type Mode, type ModeChange } from '../../src/replay/metrics/index.js';

const DAY = 86_400_000;
const change = (time: number, from: Mode, to: Mode, context: Record<string, string> = {}): ModeChange => ({ time, from, to, reasonCode: to === 'NORMAL' ? 'DRAWDOWN_RECOVERED' : 'DRAWDOWN_BREACH', context });

describe('risk-mode figures', () => {
  it('a run that ends in OBSERVE was locked out from the last entry to the end', () => {
    const r = riskModeFigures([change(2 * DAY, 'NORMAL', 'REDUCE'), change(3 * DAY, 'REDUCE', 'OBSERVE', { drawdown: '0.2001', threshold: '0.2' })], 0, 10 * DAY);
    expect(r.timeShare).toEqual({ NORMAL: 0.2, REDUCE: 0.1, OBSERVE: 0.7 });
    expect(r.lockedOutAtEnd).toEqual({ since: new Date(3 * DAY).toISOString(), reasonCode: 'DRAWDOWN_BREACH', drawdown: '0.2001', threshold: '0.2', durationMs: 7 * DAY, shareOfRun: 0.7 });
    expect(r.observeEntries).toBe(1);
  });

  it('OBSERVE left by the cool-off is counted as such, and a run that left OBSERVE is not locked out', () => {
    const r = riskModeFigures(
      [change(1 * DAY, 'NORMAL', 'OBSERVE'), change(8 * DAY, 'OBSERVE', 'NORMAL', { peakRebasedAfterMs: String(7 * DAY) }), change(9 * DAY, 'NORMAL', 'OBSERVE'), change(9.5 * DAY, 'OBSERVE', 'REDUCE')],
      0,
      10 * DAY,
    );
    expect(r.observeEntries).toBe(2);
    expect(r.coolOffExits).toBe(1);
    expect(r.lockedOutAtEnd).toBeNull();
    expect(r.timeShare.OBSERVE).toBeCloseTo(0.75, 12);
  });

  it('time shares add up to 1 for any sequence of changes inside the run', () => {
    const modes: Mode[] = ['NORMAL', 'REDUCE', 'OBSERVE'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 })), { maxLength: 30 }), (raw) => {
        const sorted = [...raw].sort((a, b) => a[0] - b[0]);
        let mode: Mode = 'NORMAL';
        const changes: ModeChange[] = [];
        for (const [t, k] of sorted) {
          if (modes[k] === mode) continue;
          changes.push(change(t, mode, modes[k]!));
          mode = modes[k]!;
        }
        const r = riskModeFigures(changes, 0, 1000);
        expect(r.timeShare.NORMAL + r.timeShare.REDUCE + r.timeShare.OBSERVE).toBeCloseTo(1, 12);
        expect(r.lockedOutAtEnd !== null).toBe(mode === 'OBSERVE');
      }),
    );
  });
});
