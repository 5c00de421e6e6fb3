import type { StoredEvent } from '../../events/envelope.js';
import { toTypedEvent } from '../../events/event-factory.js';
import type { CheckpointStore, EventStore, Subscription } from '../../events/store/port.js';
import { runStream } from '../../engine/ids.js';
import { DEFAULT_CHECKPOINT_NAME, ProjectionRunner } from '../../projections/runner.js';
import type { SloThresholds } from '../../projections/slo/slo-checks.js';
import { RunActivity } from './run-activity.js';
import { type StatusView, statusView } from './status-view.js';

export interface StatusFeedOptions {
  /** Opened read-only: the feed never appends, and never saves a checkpoint. */
  store: EventStore;
  /** Where to find a checkpoint to start from (only loaded); null folds the log from its start. */
  checkpoints: CheckpointStore | null;
  runId: string;
  thresholds: SloThresholds;
  /** The view changed (called at most once per burst of events; build it with view() if anyone looks). */
  onChange: () => void;
  /** The subscription failed (the page says so; the run goes on). */
  onError: (err: unknown) => void;
  pollIntervalMs?: number;
}

/**
 * The status page's model: the projections (from the saved checkpoint when it names a point of this
 * log, else from the start) plus the run's activity, kept current by a catch-up subscription to the
 * log. Events come in bursts (a cycle appends several at once): a view is built once the burst has
 * been folded, not per event.
 */
export class StatusFeed {
  private readonly runner: ProjectionRunner;
  private readonly activity = new RunActivity();
  private subscription: Subscription | null = null;
  private scheduled = false;
  private stopped = false;

  private constructor(private readonly options: StatusFeedOptions) {
    this.runner = new ProjectionRunner({ store: options.store, checkpoints: null });
  }

  static async start(options: StatusFeedOptions): Promise<StatusFeed> {
    const feed = new StatusFeed(options);
    await feed.load();
    return feed;
  }

  view(): StatusView {
    return this.runner.query((s) => statusView(s, this.options.runId, this.activity, this.options.thresholds));
  }

  /**
   * Waits (at most timeoutMs) until what the log holds now has been folded, and shows it: before the server
   * closes, so an open page ends on the run's last events (RunEnded) rather than a cycle before them.
   */
  async settle(timeoutMs = 1_000): Promise<void> {
    if (this.stopped) return;
    const { position } = await this.options.store.head();
    const deadline = Date.now() + timeoutMs;
    while (this.runner.position < position && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    this.options.onChange();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private async load(): Promise<void> {
    const { store, runId } = this.options;
    if (this.options.checkpoints) await restoreTrusted(this.runner, store, this.options.checkpoints);
    await this.runner.catchUp();
    const at = this.runner.position;
    const stream = runStream(runId);
    for await (const raw of store.readStream(stream)) {
      if (raw.globalPosition > at) break;
      this.activity.observe(toTypedEvent(raw));
    }
    this.subscription = store.subscribeAll((raw) => this.handle(raw, stream), {
      fromPosition: at,
      pollIntervalMs: this.options.pollIntervalMs ?? 50,
      onCaughtUp: () => this.schedule(),
    });
    this.subscription.done.catch((err: unknown) => {
      if (!this.stopped) this.options.onError(err);
    });
  }

  private async handle(raw: StoredEvent, stream: string): Promise<void> {
    await this.runner.handle(raw);
    if (raw.stream === stream) this.activity.observe(toTypedEvent(raw));
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.options.onChange();
    });
  }
}

/**
 * Start the runner from the saved checkpoint when the event at its position has the hash it names (the
 * check ProjectionRunner.catchUp makes, without the runner's final save: this reader writes nothing).
 * A checkpoint that cannot be trusted or read is only a cache: false, and the log is folded from the start.
 */
async function restoreTrusted(runner: ProjectionRunner, store: EventStore, checkpoints: CheckpointStore): Promise<boolean> {
  try {
    const cp = await checkpoints.load(DEFAULT_CHECKPOINT_NAME);
    if (cp === null || !Number.isSafeInteger(cp.position) || cp.position <= 0) return false;
    for await (const e of store.readAll({ fromPosition: cp.position - 1, maxCount: 1 })) {
      if (e.globalPosition !== cp.position || e.hash !== cp.hash) return false;
      runner.restore(cp);
      return true;
    }
    return false;
  } catch {
    return false;
  }
}
