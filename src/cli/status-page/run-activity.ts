import { Decimal } from 'decimal.js';
import type { EventData } from '../../events/catalog.js';
import { normalizeDecimal } from '../../events/decimal-string.js';
import type { AnyStoredEvent } from '../../events/event-factory.js';
import { emptySloAccumulator, foldSlo } from '../../projections/slo/slo-figures.js';
import { AccountFold } from '../../replay/export/equity-export.js';

/**
 * What the status page shows of one run beyond the projections: its last decisions (with the intent
 * each one judged), its last fills, its equity after each cycle, its SLO accumulator and the marks.
 * A pure fold of the run's events, kept small: only the last `keep` decisions and fills, and an equity
 * series that halves its resolution whenever it reaches `maxEquityPoints`.
 */

export interface DecisionRow {
  position: number;
  at: string;
  intentId: string;
  symbol: string;
  side: string;
  rationale: string;
  verdict: EventData<'RiskDecisionMade'>['verdict'];
  reasonCode: string | null;
  layer: string | null;
  requestedQty: string;
  approvedQty: string;
  riskMode: string;
}

export interface FillRow {
  position: number;
  at: string;
  fillId: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  qty: string;
  price: string;
  fee: string;
  feeAsset: string;
}

export interface EquityPoint {
  /** Engine time (epoch ms) of the cycle's end. */
  t: number;
  /** Exact equity (decimal string). */
  equity: string;
}

type Intent = EventData<'IntentProposed'>;

export class RunActivity {
  readonly decisions: DecisionRow[] = [];
  readonly fills: FillRow[] = [];
  equity: EquityPoint[] = [];
  slo = emptySloAccumulator();
  readonly marks = new Map<string, Decimal>();
  readonly account = new AccountFold();
  cycles = 0;
  lastAt: string | null = null;
  ended: EventData<'RunEnded'> | null = null;
  private readonly pendingIntents = new Map<string, Intent>();
  private readonly fillIds = new Set<string>();
  /** Keep every n-th cycle's equity point (doubles each time the series is halved). */
  private equityStride = 1;
  private sinceEquityPoint = 0;

  constructor(
    private readonly keep = 20,
    private readonly maxEquityPoints = 600,
  ) {}

  observe(e: AnyStoredEvent): void {
    this.account.observe(e);
    this.slo = foldSlo(this.slo, e);
    this.lastAt = e.metadata.at;
    switch (e.type) {
      case 'MarketSnapshotRecorded':
        for (const b of e.data.bars) this.marks.set(b.symbol, new Decimal(b.close));
        return;
      case 'IntentProposed':
        this.pendingIntents.set(e.data.intentId, e.data);
        return;
      case 'RiskDecisionMade':
        this.onDecision(e);
        return;
      case 'OrderFilled':
        this.onFill(e);
        return;
      case 'CycleCompleted':
        this.cycles++;
        this.onCycleEnd(e.metadata.at);
        return;
      case 'RunEnded':
        this.ended = e.data;
        return;
      default:
        return;
    }
  }

  private onDecision(e: Extract<AnyStoredEvent, { type: 'RiskDecisionMade' }>): void {
    const d = e.data;
    const intent = this.pendingIntents.get(d.intentId);
    this.pendingIntents.delete(d.intentId);
    this.push(this.decisions, {
      position: e.globalPosition,
      at: e.metadata.at,
      intentId: d.intentId,
      symbol: intent?.symbol ?? '',
      side: intent?.side ?? '',
      rationale: intent?.rationale ?? '',
      verdict: d.verdict,
      reasonCode: d.reasonCode,
      layer: d.layer,
      requestedQty: d.requestedQty,
      approvedQty: d.approvedQty,
      riskMode: d.riskMode,
    });
  }

  private onFill(e: Extract<AnyStoredEvent, { type: 'OrderFilled' }>): void {
    const d = e.data;
    if (this.fillIds.has(d.fillId)) return; // a venue's resend: the projections ignore it too
    this.fillIds.add(d.fillId);
    this.push(this.fills, {
      position: e.globalPosition,
      at: e.metadata.at,
      fillId: d.fillId,
      clientOrderId: d.clientOrderId,
      symbol: d.symbol,
      side: d.side,
      qty: d.qty,
      price: d.price,
      fee: d.fee,
      feeAsset: d.feeAsset,
    });
  }

  private onCycleEnd(at: string): void {
    if (++this.sinceEquityPoint < this.equityStride) return;
    this.sinceEquityPoint = 0;
    this.equity.push({ t: Date.parse(at), equity: this.equityNow() });
    if (this.equity.length >= this.maxEquityPoints) {
      this.equity = this.equity.filter((_, i) => i % 2 === 1);
      this.equityStride *= 2;
    }
  }

  /** Equity now: cash + reserve + positions at their last marks (exact). */
  equityNow(): string {
    const a = this.account;
    return normalizeDecimal(a.cash.plus(a.reserve).plus(a.positionsValue()));
  }

  private push<T>(rows: T[], row: T): void {
    rows.push(row);
    if (rows.length > this.keep) rows.splice(0, rows.length - this.keep);
  }
}

export function unrealizedAt(qty: Decimal, costBasis: Decimal, mark: Decimal | undefined): string | null {
  return mark === undefined ? null : normalizeDecimal(qty.times(mark).minus(costBasis));
}
