import {
  bollingerInit,
  bollingerUpdate,
  bollingerValue,
  donchianInit,
  donchianUpdate,
  donchianValue,
  emaInit,
  emaUpdate,
  emaValue,
  rsiInit,
  rsiUpdate,
  rsiValue,
  smaInit,
  smaUpdate,
  smaValue,
  stdevInit,
  stdevUpdate,
  stdevValue,
} from '../src/engine/indicators/index.js';
import { Stopwatch, type BenchModule, type BenchRatio, type BenchRow } from './support.js';

/**
 * The indicators' cost per bar does not grow with their period (amortised O(1)): each is timed over the
 * same series at period 10 and at period 1,000, and the ratio is throughput(1000) / throughput(10).
 * A window that rescanned its values would show about 0.01; the goal, 0.5, leaves room for the garbage
 * collector, which has 100 times more live window nodes to trace at period 1,000.
 */

interface Case {
  name: string;
  run(period: number, xs: Float64Array): number;
}

function fold<S>(init: S, update: (s: S, x: number) => S, value: (s: S) => unknown, xs: Float64Array): number {
  let s = init;
  let defined = 0;
  for (let i = 0; i < xs.length; i++) {
    s = update(s, xs[i]!);
    if (value(s) !== null) defined++;
  }
  return defined;
}

const CASES: Case[] = [
  { name: 'SMA', run: (n, xs) => fold(smaInit(n), smaUpdate, smaValue, xs) },
  { name: 'EMA', run: (n, xs) => fold(emaInit(n), emaUpdate, emaValue, xs) },
  { name: 'RSI', run: (n, xs) => fold(rsiInit(n), rsiUpdate, rsiValue, xs) },
  { name: 'stdev', run: (n, xs) => fold(stdevInit(n), stdevUpdate, stdevValue, xs) },
  { name: 'Bollinger', run: (n, xs) => fold(bollingerInit(n), bollingerUpdate, bollingerValue, xs) },
  { name: 'Donchian', run: (n, xs) => fold(donchianInit(n), (s, x) => donchianUpdate(s, x + 1, x - 1), donchianValue, xs) },
];

export const indicatorsBench: BenchModule = {
  name: 'indicators',
  async run({ events, log }) {
    const bars = Math.min(events, 1_000_000);
    const xs = new Float64Array(bars);
    let p = 100;
    for (let i = 0; i < bars; i++) xs[i] = p += Math.sin(i * 0.37) + Math.cos(i * 0.011);
    const rows: BenchRow[] = [];
    const ratios: BenchRatio[] = [];
    for (const c of CASES) {
      c.run(10, xs.subarray(0, Math.min(bars, 50_000))); // warm the JIT
      const seconds: Record<number, number> = {};
      for (const period of [10, 1_000]) {
        // Best of three: the garbage collector's pauses land on one run or another.
        let best = Number.POSITIVE_INFINITY;
        for (let k = 0; k < 3; k++) {
          const sw = new Stopwatch();
          sw.time(() => c.run(period, xs));
          best = Math.min(best, sw.seconds);
        }
        seconds[period] = best;
        rows.push({ label: `${c.name}(${period}), best of 3`, events: bars, seconds: best });
      }
      const ratio = seconds[10]! / seconds[1_000]!;
      log(`${c.name}: period 1000 runs at ${ratio.toFixed(2)} x the speed of period 10`);
      ratios.push({ label: `${c.name} period 1000 / period 10`, value: ratio, goal: 0.5 });
    }
    return { rows, ratios, notes: [`${bars.toLocaleString('en-US')} values per indicator and period`] };
  },
};
