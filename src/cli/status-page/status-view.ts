import { normalizeDecimal } from '../../events/decimal-string.js';
import type { OrderStatus } from '../../projections/orders/order-status.js';
import { nonTerminalOrders } from '../../projections/orders/orders-projection.js';
import { listPositions } from '../../projections/positions-projection.js';
import type { ProjectionState } from '../../projections/projection-state.js';
import { killSwitchOf, riskModeOf } from '../../projections/risk-state-projection.js';
import { type SloCheck, type SloThresholds, checkSlos } from '../../projections/slo/slo-checks.js';
import { type SloFigures, sloFigures } from '../../projections/slo/slo-figures.js';
import { equityChartSvg } from './equity-chart.js';
import { type DecisionRow, type FillRow, type RunActivity, unrealizedAt } from './run-activity.js';

/**
 * The status page's view of a run: plain JSON (every amount an exact decimal string), built from the
 * projections (positions, orders, risk, kill switch) and the run's activity (decisions, fills, equity,
 * SLOs), as of one global position of the log. This is what the server sends on each update.
 */
export interface StatusView {
  runId: string;
  /** The last global position folded into this view. */
  position: number;
  /** Engine time of the run's last event. */
  lastEventAt: string | null;
  ended: { reason: string; cycles: number } | null;
  cycles: number;
  equity: { now: string; svg: string; points: number };
  positions: Array<{
    symbol: string;
    qty: string;
    avgCost: string | null;
    mark: string | null;
    realizedPnl: string;
    unrealizedPnl: string | null;
    fees: string;
    fills: number;
  }>;
  openOrders: Array<{
    clientOrderId: string;
    symbol: string;
    side: string;
    qty: string;
    filledQty: string;
    status: string;
    unknown: boolean;
    reasonCode: string | null;
    submitAttempts: number;
    reconcileAttempts: number;
    requestedAt: string;
    updatedAt: string;
  }>;
  unknownOrders: number;
  risk: { mode: string; reasonCode: string | null; since: string | null };
  killSwitch: { engaged: boolean; reason: string | null; by: string | null; at: string | null };
  /** Newest first; `order` is the status of the order the decision led to, if any. */
  decisions: Array<DecisionRow & { order: string | null }>;
  fills: FillRow[];
  slo: { figures: SloFigures; checks: SloCheck[] };
}

/** Orders whose submit outcome is not known (still being reconciled, or escalated to a person). */
const UNKNOWN: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['UNKNOWN', 'ESCALATED']);

export function statusView(state: Readonly<ProjectionState>, runId: string, activity: RunActivity, thresholds: SloThresholds): StatusView {
  const orders = nonTerminalOrders(state.orders, runId);
  const risk = state.risk.runs.get(runId);
  const ks = killSwitchOf(state.risk);
  // Unresolved orders are aged at the run's last recorded time, as `engine doctor` does: a property of the log.
  const orderStatusByIntent = new Map<string, string>();
  for (const o of state.orders.runs.get(runId)?.orders.values() ?? []) orderStatusByIntent.set(o.intentId, o.status);
  const figures = sloFigures(activity.slo, activity.lastAt === null ? 0 : Date.parse(activity.lastAt));
  return {
    runId,
    position: state.position,
    lastEventAt: activity.lastAt,
    ended: activity.ended ? { reason: activity.ended.reason, cycles: activity.ended.cycles } : null,
    cycles: activity.cycles,
    equity: { now: activity.equityNow(), svg: equityChartSvg(activity.equity), points: activity.equity.length },
    positions: listPositions(state.positions, runId).map((p) => {
      const mark = activity.marks.get(p.symbol);
      return {
        symbol: p.symbol,
        qty: normalizeDecimal(p.qty),
        avgCost: p.avgCost === null ? null : normalizeDecimal(p.avgCost),
        mark: mark === undefined ? null : normalizeDecimal(mark),
        realizedPnl: normalizeDecimal(p.realizedPnl),
        unrealizedPnl: unrealizedAt(p.qty, p.costBasis, mark),
        fees: normalizeDecimal(p.fees),
        fills: p.fills,
      };
    }),
    openOrders: orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      qty: normalizeDecimal(o.qty),
      filledQty: normalizeDecimal(o.filledQty),
      status: o.status,
      unknown: UNKNOWN.has(o.status),
      reasonCode: o.reasonCode,
      submitAttempts: o.attempts,
      reconcileAttempts: o.reconcileAttempts,
      requestedAt: o.requestedAt,
      updatedAt: o.updatedAt,
    })),
    unknownOrders: orders.filter((o) => UNKNOWN.has(o.status)).length,
    risk: { mode: riskModeOf(state.risk, runId), reasonCode: risk?.reasonCode ?? null, since: risk?.since ?? null },
    killSwitch: { engaged: ks.engaged, reason: ks.reason, by: ks.by, at: ks.at },
    decisions: [...activity.decisions].reverse().map((d) => ({ ...d, order: orderStatusByIntent.get(d.intentId) ?? null })),
    fills: [...activity.fills].reverse(),
    slo: { figures, checks: checkSlos(figures, thresholds) },
  };
}
