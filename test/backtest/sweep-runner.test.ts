import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { SweepJob, SweepSpec } from '../../src/replay/sweep/sweep-job.js';
import { runSweep, type SweepWorkers } from '../../src/replay/sweep/sweep-runner.js';

describe('runSweep', () => {
  it('a worker thread that ends without an error fails the sweep instead of leaving it waiting', async () => {
    // A real thread that exits at once, with code 0 and no error event, as one ended from outside would.
    const pool = {
      take: () => ({ worker: new Worker('process.exit(0)', { eval: true }), failed: null }),
      close: async () => undefined,
    } as unknown as SweepWorkers;
    const job: SweepJob = { id: 1, params: {}, window: null };
    await expect(runSweep(new MemoryEventStore(), {} as SweepSpec, [job], { workers: 1, pool })).rejects.toThrow(/worker thread stopped \(exit code 0\)/);
  });
});
