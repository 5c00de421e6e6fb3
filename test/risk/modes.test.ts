import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRiskPolicy } from '../../src/engine/risk/policy.js';
import type { RiskMode, RiskState } from '../../src/engine/risk/port.js';
import { initialRiskState } from '../../src/engine/risk/state.js';
import { D, NOW, riskConfig } from './helpers.js';

const HOUR = 3_600_000;
// reduce at 10% drawdown, observe at 20%; back to REDUCE below 15%, back to NORMAL below 5%
const policy = createRiskPolicy(riskConfig({ modes: { reduceAtDrawdown: '0.10', observeAtDrawdown: '0.20', reduceBelowDrawdown: '0.15', normalBelowDrawdown: '0.05' } }));

/** Feed an equity path through observe(); collect modes and transitions. */
function walk(equities: number[], start: RiskState = initialRiskState(D(1000), NOW, 'UTC'), unresolved: number[] = []) {
  let s = start;
  const modes: RiskMode[] = [];
  const transitions: Array<{ from: RiskMode; to: RiskMode; reasonCode: string; context: Record<string, string> }> = [];
  equities.forEach((e, i) => {
    s = { ...s, unresolvedUnknownOrders: unresolved[i] ?? 0 };
    const r = policy.observe(s, D(e), NOW + i * HOUR);
    s = r.state;
    modes.push(s.mode);
    if (r.transition) transitions.push(r.transition);
  });
  return { modes, transitions, state: s };
}

describe('risk modes', () => {
  it('NORMAL -> REDUCE -> OBSERVE on the way down, with DRAWDOWN_BREACH and the compared values', () => {
    const { modes, transitions } = walk([1000, 950, 899, 850, 799]);
    expect(modes).toEqual(['NORMAL', 'NORMAL', 'REDUCE', 'REDUCE', 'OBSERVE']);
    expect(transitions.map((t) => [t.from, t.to, t.reasonCode])).toEqual([
      ['NORMAL', 'REDUCE', 'DRAWDOWN_BREACH'],
      ['REDUCE', 'OBSERVE', 'DRAWDOWN_BREACH'],
    ]);
    expect(transitions[0]!.context).toMatchObject({ drawdown: '0.101', peakEquity: '1000', equity: '899', threshold: '0.1' });
  });

  it('hysteresis on the way back: OBSERVE holds until below 15%, REDUCE holds until below 5%', () => {
    const { modes, transitions } = walk([1000, 790, 820, 860, 900, 940, 951, 960]);
    // dd:                               0    .21  .18  .14  .10  .06  .049 .04
    expect(modes).toEqual(['NORMAL', 'OBSERVE', 'OBSERVE', 'REDUCE', 'REDUCE', 'REDUCE', 'NORMAL', 'NORMAL']);
    expect(transitions.map((t) => `${t.from}->${t.to}:${t.reasonCode}`)).toEqual([
      'NORMAL->OBSERVE:DRAWDOWN_BREACH',
      'OBSERVE->REDUCE:DRAWDOWN_RECOVERED',
      'REDUCE->NORMAL:DRAWDOWN_RECOVERED',
    ]);
  });

  it('a new peak resets the drawdown baseline', () => {
    const { state } = walk([1000, 1200, 1070]);
    expect(state.peakEquity.toString()).toBe('1200');
    expect(state.mode).toBe('REDUCE'); // 10.8% off the new peak
  });

  it('unresolved unknown orders force OBSERVE (ESCALATED) and release it once resolved', () => {
    const { modes, transitions } = walk([1000, 1000, 1000, 1000], undefined, [0, 1, 1, 0]);
    expect(modes).toEqual(['NORMAL', 'OBSERVE', 'OBSERVE', 'NORMAL']);
    expect(transitions.map((t) => `${t.to}:${t.reasonCode}`)).toEqual(['OBSERVE:ESCALATED', 'NORMAL:UNKNOWN_ORDERS_RESOLVED']);
    expect(transitions[0]!.context['unresolvedUnknownOrders']).toBe('1');
  });

  it('property: the mode never flaps: between two transitions the drawdown moved across the hysteresis band', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 700, max: 1100 }), { minLength: 2, maxLength: 60 }), (path) => {
        const { transitions } = walk(path);
        for (const t of transitions) {
          const dd = Number(t.context['drawdown']);
          if (t.to === 'NORMAL') expect(dd).toBeLessThan(0.05);
          if (t.to === 'OBSERVE') expect(dd).toBeGreaterThanOrEqual(0.2);
          if (t.from === 'NORMAL' && t.to === 'REDUCE') expect(dd).toBeGreaterThanOrEqual(0.1);
          if (t.from === 'OBSERVE' && t.to === 'REDUCE') expect(dd).toBeLessThan(0.15);
        }
        for (let i = 1; i < transitions.length; i++) expect(transitions[i]!.from).toBe(transitions[i - 1]!.to);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('REDUCE scales the exposure-increasing part by reduceFactor; a close is not scaled', () => {
    const p = createRiskPolicy(riskConfig({ modes: { reduceFactor: '0.25' } }));
    const base = { now: NOW, snapshotTime: NOW, cycleNotional: D(0), dryRun: false };
    const st = { ...initialRiskState(D(100_000), NOW, 'UTC'), mode: 'REDUCE' as const };
    const pf = { cash: D(100_000), reserve: D(0), positions: { SYN: D(4) }, equity: D(100_400) };
    const order = (side: 'BUY' | 'SELL', qty: number) => ({ intentId: 'i', symbol: 'SYN', side, orderType: 'MARKET' as const, qty: D(qty), limitPrice: null, refPrice: D(100) });
    expect(p.decide(order('BUY', 8), { ...base, state: st, portfolio: pf }).approvedQty.toString()).toBe('2');
    expect(p.decide(order('SELL', 4), { ...base, state: st, portfolio: pf }).verdict).toBe('APPROVED');
    // sell 8 with 4 held and shorting allowed: 4 closes, 4 would be new short exposure, scaled to 1
    const ps = createRiskPolicy(riskConfig({ allowShort: true, modes: { reduceFactor: '0.25' } }));
    expect(ps.decide(order('SELL', 8), { ...base, state: st, portfolio: pf }).approvedQty.toString()).toBe('5');
  });
});

describe('OBSERVE cool-off', () => {
  it('without a cool-off a flat account stays in OBSERVE; with one, the baseline rebases and trading resumes', () => {
    const equities = [1000, 790, 790, 790, 790];
    const sticky = createRiskPolicy(riskConfig());
    const cooling = createRiskPolicy(riskConfig({ modes: { observeCoolOffMs: 2 * HOUR } }));
    const run = (p: typeof sticky) => {
      let s = initialRiskState(D(1000), NOW, 'UTC');
      const out: string[] = [];
      equities.forEach((e, i) => {
        const r = p.observe(s, D(e), NOW + i * HOUR);
        s = r.state;
        out.push(r.transition ? `${r.transition.to}:${r.transition.reasonCode}:${r.transition.context['peakRebasedAfterMs'] ?? '-'}` : s.mode);
      });
      return out;
    };
    expect(run(sticky)).toEqual(['NORMAL', 'OBSERVE:DRAWDOWN_BREACH:-', 'OBSERVE', 'OBSERVE', 'OBSERVE']);
    // entered OBSERVE at hour 1; at hour 3 two hours have passed
    expect(run(cooling)).toEqual(['NORMAL', 'OBSERVE:DRAWDOWN_BREACH:-', 'OBSERVE', `NORMAL:DRAWDOWN_RECOVERED:${2 * HOUR}`, 'NORMAL']);
  });
});
