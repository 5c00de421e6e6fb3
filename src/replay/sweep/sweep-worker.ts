import { parentPort } from 'node:worker_threads';
import type { ExpectedVersion } from '../../events/errors.js';
import type { AppendResult, EventStore } from '../../events/store/port.js';
import { encodingSender } from './batch-transport.js';
import { type SweepJob, type SweepSpec, StrategyCache, runSweepJob } from './sweep-job.js';

/**
 * A sweep's worker thread: runs the jobs it is sent and hands every batch of events to the parent, the log's
 * one writer, waiting for each append to be done (the order of a run's batches is kept; a conflict or a store
 * error comes back as the append's error).
 */
export type ToWorker = { kind: 'job'; job: SweepJob; spec: SweepSpec } | { kind: 'reply'; id: number; result?: unknown; error?: string } | { kind: 'stop' };
export type FromWorker =
  /** `batch`: the events as a BatchEncoder wrote them (./batch-transport.ts), transferred. */
  | { kind: 'append'; id: number; stream: string; batch: Uint8Array; expected: ExpectedVersion }
  | { kind: 'finished?'; id: number; runId: string }
  | { kind: 'done'; result: import('./sweep-job.js').SweepJobResult }
  | { kind: 'failed'; jobId: number; error: string; input: boolean };

if (parentPort) {
  const port = parentPort;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  type Question = { kind: 'append'; stream: string; batch: Uint8Array<ArrayBuffer>; expected: ExpectedVersion } | { kind: 'finished?'; runId: string };
  const ask = <T>(message: Question): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage({ ...message, id }, message.kind === 'append' ? [message.batch.buffer] : []);
    });
  const sender = encodingSender((stream, batch, expected) => ask<AppendResult>({ kind: 'append', stream, batch, expected }));
  // Only what a backtest's run log uses: batches encoded as their events come, or appended whole.
  const store = { kind: 'sweep-parent', location: 'parent', encoding: { startBatch: sender.startBatch }, append: sender.append } as unknown as EventStore;
  const host = { store, finished: (runId: string) => ask<Record<string, unknown> | null>({ kind: 'finished?', runId }) };
  const strategies = new StrategyCache();
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'reply') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    } else if (m.kind === 'job') {
      runSweepJob(m.spec, m.job, host, strategies).then(
        (result) => port.postMessage({ kind: 'done', result } satisfies FromWorker),
        (err: Error) => port.postMessage({ kind: 'failed', jobId: m.job.id, error: err.message, input: err.name === 'StrategyConfigError' || err.name === 'DataError' } satisfies FromWorker),
      );
    } else {
      port.close();
    }
  });
}
