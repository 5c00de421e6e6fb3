import type { EventData } from '../../events/catalog.js';
import { canonicalJson } from '../../events/canonical.js';
import { utc, type ExportKind, type Row } from './export-kind.js';

type Intent = EventData<'IntentProposed'>;

export const decisionsExport: ExportKind = {
  name: 'decisions',
  row: 'one risk decision on a strategy intent (RiskDecisionMade; OrderDenied in logs of 0.1 engines), with the intent it judged, in the order they were made',
  columns: [
    { name: 'time', doc: 'engine time of the decision (bar time in a backtest)' },
    { name: 'cycle_id', doc: 'the cycle that made it (correlation id)' },
    { name: 'intent_id', doc: 'the intent judged (join with the orders export)' },
    { name: 'symbol', doc: 'instrument' },
    { name: 'side', doc: 'BUY or SELL' },
    { name: 'order_type', doc: 'MARKET or LIMIT' },
    { name: 'limit_price', doc: 'limit price; empty for a market order' },
    { name: 'requested_qty', doc: 'quantity the strategy asked for' },
    { name: 'approved_qty', doc: 'quantity let through (0 when denied)' },
    { name: 'verdict', doc: 'APPROVED, REDUCED or DENIED' },
    { name: 'reason_code', doc: 'why (engine reasons lists the vocabulary); empty when approved as asked' },
    { name: 'layer', doc: 'who decided: POLICY, RISK or EXECUTION' },
    { name: 'risk_mode', doc: 'risk mode at the time: NORMAL, REDUCE or OBSERVE (empty for OrderDenied)' },
    { name: 'rationale', doc: 'the strategy\'s reason for the intent, in words' },
    { name: 'intent_context', doc: 'the indicator values behind the intent: a JSON object of decimal strings' },
    { name: 'decision_context', doc: 'the values the decision compared (e.g. requested and limit): a JSON object of decimal strings' },
    { name: 'event_id', doc: 'id of the decision event' },
  ],
  async *rows(events) {
    const intents = new Map<string, Intent>();
    for await (const e of events) {
      if (e.type === 'IntentProposed') {
        intents.set(e.data.intentId, e.data);
        continue;
      }
      if (e.type === 'RiskDecisionMade') {
        const d = e.data;
        const intent = intents.get(d.intentId) ?? null;
        yield row(e.metadata, e.eventId, d.intentId, intent, {
          requested_qty: d.requestedQty,
          approved_qty: d.approvedQty,
          verdict: d.verdict,
          reason_code: d.reasonCode,
          layer: d.layer,
          risk_mode: d.riskMode,
          decision_context: canonicalJson(d.context),
        });
      } else if (e.type === 'OrderDenied') {
        const d = e.data;
        const intent = intents.get(d.intentId) ?? null;
        yield row(e.metadata, e.eventId, d.intentId, intent, {
          requested_qty: intent?.qty ?? null,
          approved_qty: '0',
          verdict: 'DENIED',
          reason_code: d.reasonCode,
          layer: d.layer,
          risk_mode: null,
          decision_context: canonicalJson(d.context),
        });
      }
    }
  },
};

function row(
  metadata: { at: string; cycleId: string | null },
  eventId: string,
  intentId: string,
  intent: Intent | null,
  decision: Pick<Row, 'requested_qty' | 'approved_qty' | 'verdict' | 'reason_code' | 'layer' | 'risk_mode' | 'decision_context'>,
): Row {
  return {
    time: utc(metadata.at),
    cycle_id: metadata.cycleId,
    intent_id: intentId,
    symbol: intent?.symbol ?? null,
    side: intent?.side ?? null,
    order_type: intent?.orderType ?? null,
    limit_price: intent?.limitPrice ?? null,
    requested_qty: decision.requested_qty,
    approved_qty: decision.approved_qty,
    verdict: decision.verdict,
    reason_code: decision.reason_code,
    layer: decision.layer,
    risk_mode: decision.risk_mode,
    rationale: intent?.rationale ?? null,
    intent_context: intent === null ? null : canonicalJson(intent.context),
    decision_context: decision.decision_context,
    event_id: eventId,
  };
}
