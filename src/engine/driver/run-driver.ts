import { isAtVenue, isUnresolved, UNRESOLVED_AT_END_STATUSES } from '../../projections/orders/order-status.js';
import type { RunDecider } from '../decider/index.js';
import type { Decision, DeciderInput, VenueCommand } from '../decider/inputs.js';
import type { RunState } from '../decider/run-state.js';
import type { OrderLookup, SubmitOutcome, VenueFill, VenueOrderView } from '../ports.js';
import { backoffDelayMs } from '../retry/backoff.js';
import { StrategyRuntimeError } from '../strategy.js';
import type { DriverOptions, RunPorts } from './ports.js';

export interface RunOutcome {
  state: RunState;
  /** ERROR: the strategy failed mid-run (`failure` says how); the run was closed down and its end recorded. */
  ended: 'COMPLETED' | 'STOPPED' | 'ERROR';
  failure?: string;
  /** Strategy cycles this process ran. */
  cycles: number;
  /** Orders of the run that were not terminal when this process took it over (a resume). */
  recoveredOrders: number;
}

/**
 * The one run driver: the imperative shell around the decider, the only code that calls a venue or
 * appends to a log. Backtests, live runs and both kinds of replay are this driver with other ports.
 *
 *   start-up   a new run records RunStarted; a resumed one folds its events (`events.reduce(evolve)`),
 *              records RunResumed, then, before any new decision, takes in the fills the venue reports
 *              and reconciles every order that is not terminal (its own cycle number, no market data)
 *   cycles     one per market snapshot (or per interval, live): kill switch, fills, market data and the
 *              decisions on it, submits (each request durable first; 429s retried with the same client
 *              order id after Retry-After plus seeded jitter), the fills they caused, reconciliation
 *   close-down live: reconcile unknown outcomes until resolved or a bounded wait; then cancel what is still
 *              working, close open positions where asked (end of a backtest's data), take in the last
 *              fills, and record RunEnded
 */
export class RunDriver {
  private current: RunState;
  /** A position was still open after the last bar and the close-out closed it. */
  private closedOut = false;
  private cyclesDone = 0;

  constructor(
    private readonly decider: RunDecider,
    private readonly ports: RunPorts,
    private readonly options: DriverOptions,
  ) {
    this.current = decider.initialState();
  }

  /** What the run knows right now (the replay's ports read it to answer as the log did). */
  get state(): RunState {
    return this.current;
  }

  get closedOutAtEnd(): boolean {
    return this.closedOut;
  }

  async run(): Promise<RunOutcome> {
    const recoveredOrders = await this.startUp();
    let done: { ended: 'COMPLETED' | 'STOPPED'; cycles: number };
    try {
      done = await this.cycles();
    } catch (err) {
      // A strategy that fails ends the run: what it decided so far stays recorded, what still works at the
      // venue is closed, and the end says why. Anything else is the engine's own failure and propagates.
      if (!(err instanceof StrategyRuntimeError)) throw err;
      await this.ports.log.flush();
      await this.closeDown(false);
      this.apply({ type: 'EndRun', at: this.ports.clock.now(), reason: 'ERROR', detail: err.message });
      await this.ports.log.flush();
      return { state: this.current, ended: 'ERROR', failure: err.message, cycles: this.cyclesDone, recoveredOrders };
    }
    await this.closeDown(this.options.closeDown.flatten);
    const summary = this.options.summarize?.(this.current);
    this.apply({ type: 'EndRun', at: this.ports.clock.now(), reason: done.ended, detail: this.endDetail(done.ended), ...(summary ? { summary } : {}) });
    await this.ports.log.flush();
    return { state: this.current, ended: done.ended, cycles: done.cycles, recoveredOrders };
  }

  // --- start-up ---------------------------------------------------------------------------------------

  private async startUp(): Promise<number> {
    const { start } = this.options;
    if (start.kind === 'new') {
      this.apply({ type: 'StartRun', at: this.ports.clock.now(), started: start.started });
      await this.ports.log.barrier();
      return 0;
    }
    this.current = this.decider.fold(await this.ports.log.readRun());
    const recovered = this.current.activeOrderIds.length;
    this.apply({ type: 'ResumeRun', at: this.ports.clock.now(), armed: start.armed, purpose: start.purpose, packageVersion: start.packageVersion, gitCommit: start.gitCommit });
    this.apply({ type: 'OpenPass', at: this.ports.clock.now() });
    await this.takeInFills();
    await this.reconcile();
    this.apply({ type: 'CloseCycle', phaseMs: {} });
    await this.ports.log.flush();
    return recovered;
  }

  // --- cycles -----------------------------------------------------------------------------------------

  private async cycles(): Promise<{ ended: 'COMPLETED' | 'STOPPED'; cycles: number }> {
    const { intervalMs, signal } = this.options;
    const limit = this.options.start.kind === 'resume' && this.options.start.purpose === 'RECONCILE' ? 0 : this.options.cycles;
    const { clock, sleeper } = this.ports;
    let done = 0;
    let nextAt = clock.now();
    while (!signal?.aborted && (limit === null || done < limit)) {
      if (!(await this.cycle())) break;
      done++;
      this.cyclesDone = done;
      this.options.onCycle?.({ seq: this.current.lastCycleSeq, done });
      if (limit !== null && done >= limit) break;
      if (intervalMs > 0) {
        nextAt += intervalMs;
        const wait = nextAt - clock.now();
        if (wait > 0) await sleeper.sleep(wait, signal);
        else nextAt = clock.now();
      }
    }
    return { ended: signal?.aborted ? 'STOPPED' : 'COMPLETED', cycles: done };
  }

  /** One strategy cycle; false when the market has nothing more (end of data). */
  private async cycle(): Promise<boolean> {
    const { stopwatch, market, clock } = this.ports;
    const total = stopwatch.start();
    const phaseMs: Record<string, number> = {};
    let phase = stopwatch.start();
    // A backtest's ports mostly answer at once: awaiting only actual promises saves several microtask turns a bar.
    const engaged = this.ports.killSwitch();
    const killSwitch = typeof engaged === 'boolean' ? engaged : await engaged;
    const next = market.next();
    const snapshot = next instanceof Promise ? await next : next;
    if (snapshot === null) return false;
    this.apply({ type: 'OpenCycle', at: clock.now(), killSwitch });
    const fillsBefore = this.takeInFills();
    if (fillsBefore) await fillsBefore;
    phaseMs.marketData = phase();

    phase = stopwatch.start();
    const decided = this.apply({ type: 'MarketObserved', snapshot });
    phaseMs.decide = phase();

    phase = stopwatch.start();
    const submits = decided.commands.length === 0 ? NO_SUBMITS : await this.execute(decided.commands);
    const fillsAfter = this.takeInFills();
    if (fillsAfter) await fillsAfter;
    phaseMs.execution = phase();
    if (submits.count > 0) {
      phaseMs.submit = submits.totalMs;
      phaseMs.submitMax = submits.maxMs;
    }

    phase = stopwatch.start();
    if (this.current.activeOrderIds.length > 0) await this.reconcile();
    phaseMs.reconcile = phase();
    phaseMs.total = total();
    this.apply({ type: 'CloseCycle', phaseMs });
    const written = this.ports.log.cycleEnded();
    if (written) await written;
    return true;
  }

  // --- close-down -------------------------------------------------------------------------------------

  private async closeDown(flatten: boolean): Promise<void> {
    const { clock, sleeper } = this.ports;
    const { drain, cancelReason } = this.options.closeDown;
    if (drain) {
      // Orders whose outcome is unknown are reconciled until resolved, bounded by the visibility window
      // and the not-found confirmations; the wait is not cut short by a stop (a second signal exits).
      const p = this.decider.config.reconcile;
      let deadline: number | null = null;
      for (let pass = 0; pass < p.maxAttempts && this.unresolvedAtEnd(); pass++) {
        const at = clock.now();
        deadline ??= at + p.visibilityWindowMs + (p.notFoundConfirmations + 1) * this.options.intervalMs;
        if (pass > 0 && at >= deadline) break;
        this.apply({ type: 'OpenPass', at });
        await this.takeInFills();
        await this.reconcile();
        this.apply({ type: 'CloseCycle', phaseMs: {} });
        await this.ports.log.flush();
        if (this.unresolvedAtEnd()) await sleeper.sleep(this.options.intervalMs);
      }
    }
    // Nothing of the run's own is left working at the venue; a backtest also closes what it holds.
    this.apply({ type: 'OpenPass', at: clock.now() });
    await this.takeInFills();
    for (const id of [...this.current.activeOrderIds]) {
      const o = this.current.orders.get(id)!;
      if (o.status === 'THROTTLED' || !(isAtVenue(o.status) || isUnresolved(o.status))) continue; // a 429 created nothing
      await this.ports.log.barrier();
      this.apply({ type: 'CancelAnswered', clientOrderId: id, lookup: await this.cancelAtVenue(id), reason: cancelReason });
    }
    if (flatten) {
      this.closedOut = Object.values(this.current.positions).some((p) => !p.qty.isZero());
      await this.execute(this.apply({ type: 'CloseOutPositions' }).commands);
    }
    await this.takeInFills();
    this.apply({ type: 'CloseCycle', phaseMs: {} });
  }

  private unresolvedAtEnd(): boolean {
    return this.current.activeOrderIds.some((id) => UNRESOLVED_AT_END_STATUSES.has(this.current.orders.get(id)!.status));
  }

  private endDetail(ended: 'COMPLETED' | 'STOPPED'): string | null {
    if (ended === 'STOPPED') return 'stopped by signal after finishing the cycle';
    return this.closedOut ? 'open position closed at the last close (END_OF_DATA)' : null;
  }

  // --- the steps --------------------------------------------------------------------------------------

  private apply(input: DeciderInput): Decision {
    const decision = this.decider.decide(this.current, input);
    this.current = decision.state;
    if (decision.events.length > 0) this.ports.log.append(decision.events);
    return decision;
  }

  /** Records the fills the venue reports; a promise only when the venue answers with one. */
  private takeInFills(): Promise<void> | undefined {
    let polled: VenueFill[] | Promise<VenueFill[]>;
    try {
      polled = this.ports.venue.pollFills();
    } catch {
      return undefined; // the venue will report them again
    }
    if (Array.isArray(polled)) {
      this.recordFills(polled);
      return undefined;
    }
    return polled.then(
      (fills) => this.recordFills(fills),
      () => undefined,
    );
  }

  private recordFills(fills: VenueFill[]): void {
    if (fills.length > 0) this.apply({ type: 'FillsReported', fills });
  }

  /** Runs the decider's venue commands in order; returns the submit timings (all attempts of an order, waits included). */
  private async execute(commands: readonly VenueCommand[]): Promise<{ count: number; totalMs: number; maxMs: number }> {
    const queue = [...commands];
    const timers = new Map<string, () => number>();
    const spent = new Map<string, number>();
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c.type === 'submit') {
        await this.ports.log.barrier();
        if (!timers.has(c.request.clientOrderId)) timers.set(c.request.clientOrderId, this.ports.stopwatch.start());
        const outcome = await this.submitAtVenue(c.request);
        const d = this.apply({ type: 'SubmitAnswered', clientOrderId: c.request.clientOrderId, attempt: c.attempt, outcome });
        queue.unshift(...d.commands);
        if (d.commands.length === 0) spent.set(c.request.clientOrderId, timers.get(c.request.clientOrderId)!());
      } else if (c.type === 'retry') {
        await this.ports.sleeper.sleep(backoffDelayMs(c.attempt, this.ports.random, this.options.backoff, c.retryAfterMs), this.options.signal);
        queue.unshift(...this.apply({ type: 'RetryDue', clientOrderId: c.clientOrderId }).commands);
      } else {
        await this.ports.log.barrier();
        this.apply({ type: 'CancelAnswered', clientOrderId: c.clientOrderId, lookup: await this.cancelAtVenue(c.clientOrderId), reason: c.reason });
      }
    }
    let totalMs = 0;
    let maxMs = 0;
    for (const ms of spent.values()) {
      totalMs += ms;
      maxMs = Math.max(maxMs, ms);
    }
    return { count: spent.size, totalMs, maxMs };
  }

  /**
   * A reconciliation pass: orders that fills proved to exist, then each order whose outcome is unknown
   * (asked by client order id, then among the open orders: one query per pass) and each order the venue
   * has (watched for a cancel it made itself).
   */
  private async reconcile(): Promise<void> {
    // With no active order there is nothing to prove or look up (decide would record nothing, change nothing).
    if (this.current.activeOrderIds.length === 0) return;
    this.apply({ type: 'FillsProveOrders' });
    let open: readonly VenueOrderView[] | null | undefined;
    for (const id of [...this.current.activeOrderIds]) {
      const o = this.current.orders.get(id)!;
      const unresolved = isUnresolved(o.status);
      if (!unresolved && !isAtVenue(o.status)) continue;
      const lookup = await this.queryAtVenue(id);
      let openOrders: readonly VenueOrderView[] | null = null;
      if (unresolved && lookup.kind !== 'found') openOrders = open === undefined ? (open = await this.openOrdersAtVenue()) : open;
      this.apply({ type: 'OrderLookedUp', clientOrderId: id, lookup, openOrders });
    }
  }

  // --- the venue, where a thrown call is an answer too ------------------------------------------------

  private async submitAtVenue(request: Parameters<RunPorts['venue']['submit']>[0]): Promise<SubmitOutcome> {
    try {
      return await this.ports.venue.submit(request);
    } catch (err) {
      return { kind: 'unknown', cause: 'NETWORK', detail: messageOf(err) };
    }
  }

  private async queryAtVenue(clientOrderId: string): Promise<OrderLookup> {
    try {
      return await this.ports.venue.queryOrder(clientOrderId);
    } catch (err) {
      return { kind: 'unknown', detail: messageOf(err) };
    }
  }

  private async cancelAtVenue(clientOrderId: string): Promise<OrderLookup> {
    try {
      return await this.ports.venue.cancel(clientOrderId);
    } catch (err) {
      return { kind: 'unknown', detail: messageOf(err) };
    }
  }

  private async openOrdersAtVenue(): Promise<VenueOrderView[] | null> {
    try {
      return await this.ports.venue.openOrders();
    } catch {
      return null;
    }
  }
}

const NO_SUBMITS = { count: 0, totalMs: 0, maxMs: 0 };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
