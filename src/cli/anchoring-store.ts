import { signHead } from '../events/anchor.js';
import type { NewEvent } from '../events/envelope.js';
import type { ExpectedVersion } from '../events/errors.js';
import { ForwardingEventStore } from '../events/store/forwarding-store.js';
import type { AnchorStore, AppendResult, EventEncoding, EventStore } from '../events/store/port.js';
import type { LogIntegrity } from './log-integrity.js';
import { appendWitness } from './witness.js';

/**
 * The store a writing command appends through: the adapter, plus the anchoring of its hash chain. After
 * every `anchorEvery` appended events, and when the store is closed after anything was appended (a run
 * end, a kill switch), the head is signed with the log key into the anchor store and/or appended to the
 * witness file. Done here, around the adapter, so no engine code knows about keys or files, and the
 * append hot path pays one counter.
 */
export class AnchoringStore extends ForwardingEventStore {
  private unanchored = 0;
  private firstHash: string | null = null;
  /** The adapter's encoded appends (an append thread), anchored like append(). */
  readonly encoding: EventEncoding | undefined;
  /** The adapter's appends of batches encoded elsewhere (a sweep's workers), anchored like append(). */
  readonly appendEncoded: EventStore['appendEncoded'];

  constructor(
    inner: EventStore,
    private readonly anchors: AnchorStore,
    private readonly integrity: LogIntegrity,
    private readonly display: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(inner);
    const appendEncoded = inner.appendEncoded?.bind(inner);
    this.appendEncoded =
      appendEncoded === undefined
        ? undefined
        : async (stream, batch, expectedVersion) => {
            const result = await appendEncoded(stream, batch, expectedVersion);
            return this.anchored(result.written ? result.lastPosition - result.firstPosition + 1 : 0, result);
          };
    const encoding = inner.encoding;
    if (encoding !== undefined) {
      this.encoding = {
        startBatch: () => {
          const batch = encoding.startBatch();
          return {
            add: (event) => batch.add(event),
            get length() {
              return batch.length;
            },
            append: async (stream, expectedVersion) => this.anchored(batch.length, await batch.append(stream, expectedVersion)),
          };
        },
      };
    }
  }

  override async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return this.anchored(events.length, await this.inner.append(stream, events, expectedVersion));
  }

  private async anchored(count: number, result: AppendResult): Promise<AppendResult> {
    if (result.written) {
      this.unanchored += count;
      if (this.unanchored >= this.integrity.anchorEvery) await this.anchorHead();
    }
    return result;
  }

  /** Signs the current head (key) and hands it to the witness (file), whichever are configured. */
  async anchorHead(): Promise<void> {
    this.unanchored = 0;
    if (this.integrity.key === null && this.integrity.witness === null) return;
    const head = await this.inner.head();
    if (head.position === 0) return;
    const at = this.now().toISOString();
    const signed = this.integrity.key !== null ? signHead(this.integrity.key, { ...head, at }) : null;
    if (signed) await this.anchors.add(signed);
    if (this.integrity.witness !== null) {
      this.firstHash ??= await firstHashOf(this.inner);
      appendWitness(this.integrity.witness, { log: this.firstHash, db: this.display, position: head.position, hash: head.hash, at, mac: signed?.mac ?? null });
    }
  }

  override async close(): Promise<void> {
    try {
      if (this.unanchored > 0) await this.anchorHead();
    } finally {
      await this.inner.close();
    }
  }
}

/** The hash of a log's first event: what names the log in a witness file, wherever the file is moved. */
export async function firstHashOf(store: EventStore): Promise<string> {
  for await (const e of store.readAll({ maxCount: 1 })) return e.hash;
  throw new Error('the log is empty');
}
