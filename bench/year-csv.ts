import { closeSync, openSync, writeSync } from 'node:fs';
import { generateBars } from '../src/replay/data/synthetic/gbm-generator.js';
import { parseSyntheticSpec } from '../src/replay/data/synthetic/synthetic-spec.js';

/** A plain OHLCV CSV of `bars` one-minute bars from the project's seeded generator (ISO UTC times). */
export function writeSyntheticCsv(file: string, bars: number, seed = 7): void {
  const spec = parseSyntheticSpec(`synthetic:bars=${bars},interval=1m,start=2024-01-01T00:00:00Z,seed=${seed},symbol=SYN`, { tz: 'UTC' });
  const fd = openSync(file, 'w');
  try {
    let lines = ['date,open,high,low,close,volume'];
    for (const b of generateBars(spec)) {
      lines.push(`${new Date(b.time).toISOString()},${b.open.toFixed()},${b.high.toFixed()},${b.low.toFixed()},${b.close.toFixed()},${b.volume.toFixed()}`);
      if (lines.length >= 10_000) {
        writeSync(fd, `${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}
