import type { MarketSnapshot, OrderLookup, OrderRequest, Random, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../ports.js';
import { Decimal } from '../../values.js';
import type { FillRules } from './fill-model.js';
import type { Bar } from '../../bar.js';
import { type WalkPosition, type WalkSpec, nextBar, startWalk } from './price-walk.js';
import { viewOf } from './book.js';
import { SimulatedVenue } from './simulated-venue.js';
import { type PaperVenueState, decodeVenueState, encodeVenueState } from './venue-state.js';

/** Where the paper venue keeps its state. The CLI writes it atomically (temp file, fsync, rename). */
export interface VenueStateFile {
  readonly path: string;
  /** The file's text, or null when there is none yet. */
  read(): string | null;
  write(text: string): void;
}

export interface PaperVenueConfig {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Balances of a new venue (ignored when the state file exists). */
  initialBalances: Record<string, Decimal>;
  startPrice: Decimal;
  walk: WalkSpec;
  rules: FillRules;
  /** Bar length of the walk, ms. */
  barIntervalMs: number;
  random: Random;
  /**
   * Bars to replay (e.g. a CSV) before the walk takes over: bar n of the market is recorded[n], re-timed
   * to open one bar before now; after the last one the walk goes on from its close.
   */
  recorded?: readonly Bar[];
  /** The answer to a submit comes back this much later (network latency); the order exists meanwhile. */
  ackLatencyMs?: number;
  /** How the venue waits (a real timer in live runs). Required when ackLatencyMs > 0. */
  delay?: (ms: number) => Promise<void>;
}

/**
 * The simulated venue of a live paper run (`engine stage7-run --venue sim`): the simulated venue's book
 * and fill model, fed by a seeded price walk, with every change saved to its own state file before the
 * engine hears about it. A restarted engine therefore meets the same venue: the same orders, balances
 * and walk position. Fill reports are at-least-once: a newly opened venue reports every fill it ever
 * made once more (the engine dedupes by fill id), so a fill the engine lost in a crash is never lost.
 */
export class PaperVenue implements Venue {
  readonly name = 'sim';
  private readonly sim: SimulatedVenue;
  private readonly state: PaperVenueState;
  /** Fills already reported by this instance (in memory only: a restart reports them again). */
  private reported = 0;

  constructor(
    private readonly config: PaperVenueConfig,
    private readonly file: VenueStateFile,
  ) {
    const text = file.read();
    const restored = text === null ? null : decodeVenueState(text, file.path);
    this.sim = new SimulatedVenue({
      symbol: config.symbol,
      baseAsset: config.baseAsset,
      quoteAsset: config.quoteAsset,
      initialBalances: config.initialBalances,
      timing: 'next-open',
      rules: config.rules,
      intervalMs: config.barIntervalMs,
      random: config.random,
      ...(restored ? { restore: restored.sim } : {}),
    });
    this.state = restored
      ? { ...restored, sim: this.sim.exportState() }
      : { sim: this.sim.exportState(), walk: startWalk(config.startPrice), fills: [], received: [] };
    if (!restored) this.save();
  }

  /** The market moves on by one walk bar (opening at `now` minus one bar): resting orders trade on it. */
  tick(now: number): MarketSnapshot {
    const openTime = now - this.config.barIntervalMs;
    const recorded = this.config.recorded?.[this.state.walk.step];
    const { bar, position } = recorded
      ? replayedBar(recorded, this.state.walk, openTime)
      : nextBar(this.config.walk, this.state.walk, openTime);
    this.state.walk = position;
    this.sim.onBar(bar);
    this.collectFills();
    this.save();
    return { interval: `${this.config.barIntervalMs}ms`, bars: [{ symbol: this.config.symbol, bar }] };
  }

  async submit(order: OrderRequest): Promise<SubmitOutcome> {
    this.state.received.push(order.clientOrderId);
    const outcome = await this.sim.submit(order);
    this.collectFills();
    this.save();
    const latency = this.config.ackLatencyMs ?? 0;
    if (latency > 0 && this.config.delay) await this.config.delay(latency);
    return outcome;
  }

  queryOrder(clientOrderId: string): Promise<OrderLookup> {
    return this.sim.queryOrder(clientOrderId);
  }

  openOrders(symbol?: string): Promise<VenueOrderView[]> {
    return this.sim.openOrders(symbol);
  }

  async pollFills(): Promise<VenueFill[]> {
    const out = this.state.fills.slice(this.reported);
    this.reported = this.state.fills.length;
    return out;
  }

  async cancel(clientOrderId: string): Promise<OrderLookup> {
    const r = await this.sim.cancel(clientOrderId);
    this.save();
    return r;
  }

  balances(): Promise<Record<string, Decimal>> {
    return this.sim.balances();
  }

  /** Every order the venue holds, open or ended: its own book, for comparison with the log. */
  book(): VenueOrderView[] {
    return [...this.state.sim.book.orders.values()].map(viewOf);
  }

  /** Every fill the venue made. */
  fills(): readonly VenueFill[] {
    return this.state.fills;
  }

  /** Every client order id that reached the venue, in arrival order (duplicates included). */
  received(): readonly string[] {
    return this.state.received;
  }

  private collectFills(): void {
    // The book's outbox moves into the venue's permanent fill history, saved with the book.
    const book = this.sim.exportState().book;
    if (book.outbox.length === 0) return;
    this.state.fills.push(...book.outbox);
    book.outbox = [];
  }

  private save(): void {
    this.file.write(encodeVenueState(this.state));
  }
}

/** A recorded bar as the market's next one: its prices and volume, opening now (and after the last bar). */
function replayedBar(recorded: Bar, pos: WalkPosition, openTime: number): { bar: Bar; position: WalkPosition } {
  const time = Math.max(Math.floor(openTime), pos.lastTime + 1);
  return { bar: { ...recorded, time }, position: { step: pos.step + 1, lastClose: recorded.close, lastTime: time } };
}
