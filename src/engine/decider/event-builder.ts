import type { EventDataInput, EventType } from '../../events/catalog.js';
import type { EventMetadata } from '../../events/envelope.js';
import { type AnyNewEvent, createEvent } from '../../events/event-factory.js';
import { isoTime } from '../../events/time.js';
import { cycleIdFor } from '../ids.js';
import { Decimal } from '../values.js';
import type { DeciderConfig } from './decider-config.js';
import type { FoldableEvent } from './evolve.js';
import { changeRunState, type CycleContext, type RunState } from './run-state.js';
import type { VenueCommand } from './inputs.js';
import type { MarketSnapshot } from '../ports.js';
import { attachSnapshot, DECODED_AT, DECODED_SNAPSHOT, UNRECORDED_AT } from './bars.js';

/**
 * One decide() call's working area: it makes events (ids from the cycle's counters, shared metadata),
 * folds each into the state as it goes (so the next decision sees the last one's effect) and collects
 * them with the venue commands. Local to one call; the call stays pure.
 */
export class DecisionBuilder {
  // Made on the first event or command: most calls of a backtest bar make neither.
  private eventList: AnyNewEvent[] | null = null;
  private commandList: VenueCommand[] | null = null;
  /**
   * This call's own copy of the open cycle once it changed (copied on the first change, then updated in
   * place: nobody else holds it); the state gets it back in result(). evolve never reads the cycle.
   */
  private ownCycle: CycleContext | null = null;

  constructor(
    private readonly config: DeciderConfig,
    private readonly evolve: (s: RunState, e: FoldableEvent) => RunState,
    public state: RunState,
  ) {}

  get cycle(): CycleContext {
    const c = this.ownCycle ?? this.state.cycle;
    if (c === null) throw new Error('decider: no cycle is open');
    return c;
  }

  /** Opens a cycle (or pass) under the next cycle number. */
  openCycle(at: number, regular: boolean): CycleContext {
    const seq = this.state.lastCycleSeq + 1;
    const cycle: CycleContext = { seq, id: cycleIdFor(this.config.runId, seq), at, regular, events: 0, intents: 0, orders: 0, notional: ZERO, cause: null };
    this.ownCycle = null;
    this.state = changeRunState(this.state, { lastCycleSeq: seq, cycle });
    return cycle;
  }

  closeCycle(): void {
    this.ownCycle = null;
    this.state = changeRunState(this.state, { cycle: null });
  }

  setCycle(change: Partial<CycleContext>): void {
    if (this.ownCycle === null) this.ownCycle = { ...this.cycle };
    Object.assign(this.ownCycle, change);
  }

  /** The state this call ends in (with its cycle as changed). */
  result(): RunState {
    if (this.ownCycle !== null) {
      this.state = changeRunState(this.state, { cycle: this.ownCycle });
      this.ownCycle = null;
    }
    return this.state;
  }

  /**
   * A cycle event. Recorded: validated, given the cycle's next event id, appended by the driver. Not
   * recorded (the run's recording leaves it out): folded all the same, so the state does not depend on
   * what the log keeps. Returns the event id (null when not recorded), for causation.
   */
  emit<T extends EventType>(type: T, data: EventDataInput<T> | (() => EventDataInput<T>), causationId: string | null, recorded = true, decoded?: MarketSnapshot): string | null {
    const cycle = this.cycle;
    // Data may come as a thunk: an event the run does not record and whose decoded form evolve reads needs none.
    const dataOf = () => (typeof data === 'function' ? data() : data);
    if (!recorded) {
      // Never stored nor observed: only evolve reads it, so the decoded snapshot and the cycle's time ride as
      // plain properties (no ISO time is written for evolve to parse back).
      const metadata: EventMetadata = { runId: this.config.runId, mode: this.config.mode, cycleId: cycle.id, causationId, at: UNRECORDED_AT };
      const event = decoded
        ? { eventId: '', type, data: null, metadata, [DECODED_SNAPSHOT]: decoded, [DECODED_AT]: cycle.at }
        : { eventId: '', type, data: dataOf(), metadata, [DECODED_AT]: cycle.at };
      this.state = this.evolve(this.state, event as unknown as FoldableEvent);
      return null;
    }
    const metadata: EventMetadata = { runId: this.config.runId, mode: this.config.mode, cycleId: cycle.id, causationId, at: cycleIso(cycle.at) };
    const n = cycle.events + 1;
    const eventId = `${this.config.runId}:${cycle.seq}:${n}`;
    this.setCycle({ events: n });
    const event = createEvent(type, eventId, dataOf(), metadata) as AnyNewEvent;
    if (decoded) attachSnapshot(event, decoded, cycle.at);
    this.record(event);
    return eventId;
  }

  /** An event outside any cycle (RunStarted, RunResumed, RunEnded): its own fixed id. */
  emitOutside<T extends EventType>(type: T, eventId: string, data: EventDataInput<T>, at: number): string {
    this.record(createEvent(type, eventId, data, { runId: this.config.runId, mode: this.config.mode, cycleId: null, causationId: null, at: isoTime(at) }) as AnyNewEvent);
    return eventId;
  }

  command(c: VenueCommand): void {
    (this.commandList ??= []).push(c);
  }

  get events(): readonly AnyNewEvent[] {
    return this.eventList ?? NONE;
  }

  get commands(): readonly VenueCommand[] {
    return this.commandList ?? NONE;
  }

  private record(event: AnyNewEvent): void {
    (this.eventList ??= []).push(event);
    this.state = this.evolve(this.state, event as unknown as FoldableEvent);
  }
}

const ZERO = new Decimal(0);
const NONE: readonly never[] = Object.freeze([]);

let lastAt = Number.NaN;
let lastIso = '';

/** isoTime of the cycle's time, made once per cycle rather than once per event (a pure function, memoised). */
function cycleIso(at: number): string {
  if (at !== lastAt) {
    lastIso = isoTime(at);
    lastAt = at;
  }
  return lastIso;
}
