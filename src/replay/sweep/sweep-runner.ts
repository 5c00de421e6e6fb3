import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventStore } from '../../events/store/port.js';
import { appendEncodedBatch } from './batch-transport.js';
import { finishedRun, type SweepJob, type SweepJobResult, type SweepSpec } from './sweep-job.js';
import type { FromWorker, ToWorker } from './sweep-worker.js';

export interface SweepFailure {
  job: SweepJob;
  error: string;
}

export interface SweepOutcome {
  results: SweepJobResult[];
  failures: SweepFailure[];
  /** Stopped by a signal before every job ran (finished runs are kept in the log). */
  interrupted: boolean;
}

/**
 * Worker threads started ahead of the jobs: a command starts them first, so that their loading (every module
 * of the engine, once per thread) overlaps its own validation of the inputs. Jobs bring the spec with them.
 */
export class SweepWorkers {
  private readonly idle: Array<{ worker: Worker; failed: Error | null }> = [];

  private constructor(count: number) {
    for (let i = 0; i < count; i++) this.idle.push(spawn());
  }

  static start(count: number): SweepWorkers {
    return new SweepWorkers(Math.max(0, count));
  }

  /** A started worker (a new one when none is left), and the error it failed with while waiting, if it did. */
  take(): { worker: Worker; failed: Error | null } {
    return this.idle.shift() ?? spawn();
  }

  /** Ends the workers nobody took. */
  async close(): Promise<void> {
    const rest = this.idle.splice(0);
    await Promise.all(rest.map((w) => w.worker.terminate()));
  }
}

function spawn(): { worker: Worker; failed: Error | null } {
  const w = { worker: new Worker(workerScript()), failed: null as Error | null };
  w.worker.once('error', (err) => (w.failed = err));
  return w;
}

/**
 * Runs a sweep's jobs on worker threads (every core busy), with this thread as the log's one writer: workers
 * send their batches here and wait for each append. Each worker takes the next job as soon as it is done with
 * one. A job whose run the log already finished is not run again (its figures come from its RunEnded). On a
 * stop, no new job starts; finished runs stay in the log, and a rerun skips them.
 */
export async function runSweep(
  store: EventStore,
  spec: SweepSpec,
  jobs: readonly SweepJob[],
  o: { workers: number; signal?: AbortSignal; onResult?: (r: SweepJobResult, done: number) => void; pool?: SweepWorkers },
): Promise<SweepOutcome> {
  const queue = [...jobs];
  const results: SweepJobResult[] = [];
  const failures: SweepFailure[] = [];
  const byId = new Map(jobs.map((j) => [j.id, j]));
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = writes.then(fn, fn);
    writes = next.catch(() => undefined);
    return next;
  };
  const workerCount = Math.max(1, Math.min(o.workers, jobs.length));
  const pool = o.pool ?? SweepWorkers.start(0);
  await Promise.all(
    Array.from({ length: workerCount }, () =>
      new Promise<void>((resolve, reject) => {
        const { worker, failed } = pool.take();
        if (failed) return reject(failed);
        const send = (m: ToWorker) => worker.postMessage(m);
        let stopping = false;
        const nextJob = () => {
          const job = o.signal?.aborted ? undefined : queue.shift();
          if (job) send({ kind: 'job', job, spec });
          else {
            stopping = true;
            void worker.terminate().then(() => resolve());
          }
        };
        // A thread that ends without an error event (it ran out of memory, or was terminated from outside)
        // would otherwise leave its job, and the sweep, waiting for ever.
        worker.on('exit', (code) => {
          if (!stopping) reject(new Error(`a sweep worker thread stopped (exit code ${code}) before its jobs were done`));
        });
        worker.on('message', (m: FromWorker) => {
          if (m.kind === 'append') {
            serial(() => appendEncodedBatch(store, m.stream, m.batch, m.expected)).then(
              (result) => send({ kind: 'reply', id: m.id, result }),
              (err: Error) => send({ kind: 'reply', id: m.id, error: err.message }),
            );
          } else if (m.kind === 'finished?') {
            serial(() => finishedRun(store, m.runId)).then(
              (result) => send({ kind: 'reply', id: m.id, result }),
              (err: Error) => send({ kind: 'reply', id: m.id, error: err.message }),
            );
          } else if (m.kind === 'done') {
            results.push(m.result);
            o.onResult?.(m.result, results.length + failures.length);
            nextJob();
          } else if (m.kind === 'failed') {
            failures.push({ job: byId.get(m.jobId)!, error: m.error });
            nextJob();
          }
        });
        worker.on('error', reject);
        nextJob();
      }),
    ),
  );
  await writes;
  return { results: results.sort((a, b) => a.id - b.id), failures, interrupted: o.signal?.aborted === true && results.length + failures.length < jobs.length };
}

/** The compiled worker script: next to this module, or in dist/ when this module runs from its TypeScript source. */
function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'sweep-worker.js');
  if (existsSync(beside)) return beside;
  const root = path.resolve(here, '..', '..', '..');
  return path.join(root, 'dist', 'src', 'replay', 'sweep', 'sweep-worker.js');
}
