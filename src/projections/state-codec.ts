import { Decimal } from 'decimal.js';
import { canonicalJson } from '../events/canonical.js';
import { CheckpointFormatError } from './errors.js';
import type { AccountTotals } from './ledger/accounts.js';
import type { LedgerState, RunLedger } from './ledger/ledger-projection.js';
import { isOrderStatus } from './orders/order-status.js';
import type { OrderRecord, OrdersState, RunOrders } from './orders/orders-projection.js';
import type { Position, PositionsState, RunPositions } from './positions-projection.js';
import type { ProjectionState } from './projection-state.js';
import type { RiskStateView, RunRiskState } from './risk-state-projection.js';
import type { RunIndexState, RunSummary } from './run-index-projection.js';

/**
 * Checkpoint encoding of the projection state: serializeProjectionState is canonicalJson (so the
 * fingerprint of a checkpoint is the sha256 of its text), deserializeProjectionState reads it back,
 * turning decimal strings into Decimals, objects into Maps and sorted arrays into Sets, and checking every
 * field on the way (CheckpointFormatError names the first bad one).
 */

export function serializeProjectionState(state: ProjectionState): string {
  return canonicalJson(state);
}

type J = unknown;

class Reader {
  constructor(private readonly name: string) {}

  fail(path: string, expected: string): never {
    throw new CheckpointFormatError(this.name, `${path}: expected ${expected}`);
  }
  obj(v: J, path: string): Record<string, J> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object');
    return v as Record<string, J>;
  }
  str(v: J, path: string): string {
    return typeof v === 'string' ? v : this.fail(path, 'a string');
  }
  strOrNull(v: J, path: string): string | null {
    return v === null ? null : this.str(v, path);
  }
  int(v: J, path: string): number {
    return typeof v === 'number' && Number.isInteger(v) ? v : this.fail(path, 'an integer');
  }
  bool(v: J, path: string): boolean {
    return typeof v === 'boolean' ? v : this.fail(path, 'a boolean');
  }
  boolOrNull(v: J, path: string): boolean | null {
    return v === null ? null : this.bool(v, path);
  }
  dec(v: J, path: string): Decimal {
    if (typeof v !== 'string') this.fail(path, 'a decimal string');
    try {
      return new Decimal(v);
    } catch {
      return this.fail(path, 'a decimal string');
    }
  }
  decOrNull(v: J, path: string): Decimal | null {
    return v === null ? null : this.dec(v, path);
  }
  oneOf<T extends string>(v: J, path: string, allowed: readonly T[]): T {
    const s = this.str(v, path);
    return (allowed as readonly string[]).includes(s) ? (s as T) : this.fail(path, allowed.join('|'));
  }
  map<T>(v: J, path: string, item: (value: J, path: string, key: string) => T): Map<string, T> {
    const o = this.obj(v, path);
    const out = new Map<string, T>();
    for (const k of Object.keys(o)) out.set(k, item(o[k], `${path}.${k}`, k));
    return out;
  }
  set(v: J, path: string): Set<string> {
    if (!Array.isArray(v)) this.fail(path, 'an array');
    return new Set(v.map((x, i) => this.str(x, `${path}[${i}]`)));
  }
}

export function deserializeProjectionState(text: string, checkpointName = 'projections'): ProjectionState {
  let raw: J;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CheckpointFormatError(checkpointName, `not JSON (${(err as Error).message})`);
  }
  const r = new Reader(checkpointName);
  const s = r.obj(raw, 'state');
  return {
    position: r.int(s.position, 'position'),
    events: r.int(s.events, 'events'),
    orders: readOrders(r, s.orders),
    positions: readPositions(r, s.positions),
    ledger: readLedger(r, s.ledger),
    risk: readRisk(r, s.risk),
    runs: readRunIndex(r, s.runs),
  };
}

/** A deep copy that shares nothing mutable with the original (Decimals are immutable and may be shared). */
export function cloneProjectionState(state: ProjectionState): ProjectionState {
  return deserializeProjectionState(serializeProjectionState(state));
}

const counts = (r: Reader) => (v: J, p: string) => r.int(v, p);

function readOrders(r: Reader, v: J): OrdersState {
  const o = r.obj(v, 'orders');
  return {
    runs: r.map(o.runs, 'orders.runs', (rv, rp): RunOrders => {
      const run = r.obj(rv, rp);
      return {
        orders: r.map(run.orders, `${rp}.orders`, (ov, op): OrderRecord => {
          const x = r.obj(ov, op);
          const status = r.str(x.status, `${op}.status`);
          if (!isOrderStatus(status)) r.fail(`${op}.status`, 'an order status');
          return {
            runId: r.str(x.runId, `${op}.runId`),
            clientOrderId: r.str(x.clientOrderId, `${op}.clientOrderId`),
            intentId: r.str(x.intentId, `${op}.intentId`),
            symbol: r.str(x.symbol, `${op}.symbol`),
            side: r.oneOf(x.side, `${op}.side`, ['BUY', 'SELL'] as const),
            orderType: r.oneOf(x.orderType, `${op}.orderType`, ['MARKET', 'LIMIT'] as const),
            qty: r.dec(x.qty, `${op}.qty`),
            limitPrice: r.decOrNull(x.limitPrice, `${op}.limitPrice`),
            status,
            terminal: r.bool(x.terminal, `${op}.terminal`),
            escalated: r.bool(x.escalated, `${op}.escalated`),
            attempts: r.int(x.attempts, `${op}.attempts`),
            reconcileAttempts: r.int(x.reconcileAttempts, `${op}.reconcileAttempts`),
            venueOrderId: r.strOrNull(x.venueOrderId, `${op}.venueOrderId`),
            filledQty: r.dec(x.filledQty, `${op}.filledQty`),
            filledNotional: r.dec(x.filledNotional, `${op}.filledNotional`),
            avgFillPrice: r.decOrNull(x.avgFillPrice, `${op}.avgFillPrice`),
            fees: r.dec(x.fees, `${op}.fees`),
            feeAsset: r.strOrNull(x.feeAsset, `${op}.feeAsset`),
            fills: r.int(x.fills, `${op}.fills`),
            reasonCode: r.strOrNull(x.reasonCode, `${op}.reasonCode`),
            rawReason: r.strOrNull(x.rawReason, `${op}.rawReason`),
            requestedAt: r.str(x.requestedAt, `${op}.requestedAt`),
            updatedAt: r.str(x.updatedAt, `${op}.updatedAt`),
            firstPosition: r.int(x.firstPosition, `${op}.firstPosition`),
            lastPosition: r.int(x.lastPosition, `${op}.lastPosition`),
          };
        }),
        seenFillIds: r.set(run.seenFillIds, `${rp}.seenFillIds`),
        duplicateFills: r.int(run.duplicateFills, `${rp}.duplicateFills`),
        denials: r.map(run.denials, `${rp}.denials`, counts(r)),
      };
    }),
  };
}

function readPositions(r: Reader, v: J): PositionsState {
  const o = r.obj(v, 'positions');
  return {
    runs: r.map(o.runs, 'positions.runs', (rv, rp): RunPositions => {
      const run = r.obj(rv, rp);
      return {
        quoteAsset: r.strOrNull(run.quoteAsset, `${rp}.quoteAsset`),
        symbols: r.map(run.symbols, `${rp}.symbols`, (pv, pp): Position => {
          const p = r.obj(pv, pp);
          return {
            symbol: r.str(p.symbol, `${pp}.symbol`),
            qty: r.dec(p.qty, `${pp}.qty`),
            costBasis: r.dec(p.costBasis, `${pp}.costBasis`),
            realizedPnl: r.dec(p.realizedPnl, `${pp}.realizedPnl`),
            fees: r.dec(p.fees, `${pp}.fees`),
            otherFees: r.map(p.otherFees, `${pp}.otherFees`, (fv, fp) => r.dec(fv, fp)),
            boughtQty: r.dec(p.boughtQty, `${pp}.boughtQty`),
            soldQty: r.dec(p.soldQty, `${pp}.soldQty`),
            fills: r.int(p.fills, `${pp}.fills`),
            lastFillPrice: r.dec(p.lastFillPrice, `${pp}.lastFillPrice`),
          };
        }),
        seenFillIds: r.set(run.seenFillIds, `${rp}.seenFillIds`),
        duplicateFills: r.int(run.duplicateFills, `${rp}.duplicateFills`),
      };
    }),
  };
}

function readLedger(r: Reader, v: J): LedgerState {
  const o = r.obj(v, 'ledger');
  return {
    runs: r.map(o.runs, 'ledger.runs', (rv, rp): RunLedger => {
      const run = r.obj(rv, rp);
      return {
        quoteAsset: r.strOrNull(run.quoteAsset, `${rp}.quoteAsset`),
        accounts: r.map(run.accounts, `${rp}.accounts`, (av, ap): AccountTotals => {
          const a = r.obj(av, ap);
          return { debits: r.dec(a.debits, `${ap}.debits`), credits: r.dec(a.credits, `${ap}.credits`) };
        }),
        inventory: r.map(run.inventory, `${rp}.inventory`, (qv, qp) => r.dec(qv, qp)),
        seenFillIds: r.set(run.seenFillIds, `${rp}.seenFillIds`),
        duplicateFills: r.int(run.duplicateFills, `${rp}.duplicateFills`),
        unpostedFees: r.map(run.unpostedFees, `${rp}.unpostedFees`, (fv, fp) => r.dec(fv, fp)),
        postings: r.int(run.postings, `${rp}.postings`),
      };
    }),
  };
}

const MODES = ['NORMAL', 'REDUCE', 'OBSERVE'] as const;

function readRisk(r: Reader, v: J): RiskStateView {
  const o = r.obj(v, 'risk');
  const k = r.obj(o.killSwitch, 'risk.killSwitch');
  return {
    killSwitch: {
      engaged: r.bool(k.engaged, 'risk.killSwitch.engaged'),
      reason: r.strOrNull(k.reason, 'risk.killSwitch.reason'),
      by: r.strOrNull(k.by, 'risk.killSwitch.by'),
      at: r.strOrNull(k.at, 'risk.killSwitch.at'),
      position: r.int(k.position, 'risk.killSwitch.position'),
    },
    runs: r.map(o.runs, 'risk.runs', (rv, rp): RunRiskState => {
      const x = r.obj(rv, rp);
      return {
        mode: r.oneOf(x.mode, `${rp}.mode`, MODES),
        reasonCode: r.strOrNull(x.reasonCode, `${rp}.reasonCode`),
        since: r.strOrNull(x.since, `${rp}.since`),
        changes: r.int(x.changes, `${rp}.changes`),
      };
    }),
  };
}

function readRunIndex(r: Reader, v: J): RunIndexState {
  const o = r.obj(v, 'runs');
  return {
    runs: r.map(o.runs, 'runs.runs', (rv, rp): RunSummary => {
      const x = r.obj(rv, rp);
      return {
        runId: r.str(x.runId, `${rp}.runId`),
        mode: r.strOrNull(x.mode, `${rp}.mode`),
        strategy: r.strOrNull(x.strategy, `${rp}.strategy`),
        symbol: r.strOrNull(x.symbol, `${rp}.symbol`),
        venue: r.strOrNull(x.venue, `${rp}.venue`),
        seed: r.strOrNull(x.seed, `${rp}.seed`),
        armed: r.boolOrNull(x.armed, `${rp}.armed`),
        startedAt: r.strOrNull(x.startedAt, `${rp}.startedAt`),
        endedAt: r.strOrNull(x.endedAt, `${rp}.endedAt`),
        endReason: r.strOrNull(x.endReason, `${rp}.endReason`),
        cycles: r.int(x.cycles, `${rp}.cycles`),
        events: r.int(x.events, `${rp}.events`),
        eventsByType: r.map(x.eventsByType, `${rp}.eventsByType`, counts(r)),
        firstPosition: r.int(x.firstPosition, `${rp}.firstPosition`),
        lastPosition: r.int(x.lastPosition, `${rp}.lastPosition`),
      };
    }),
  };
}
