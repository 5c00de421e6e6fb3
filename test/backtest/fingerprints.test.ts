import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/events/canonical.js';
import { createEvent } from '../../src/events/event-factory.js';
import { RunFingerprints } from '../../src/replay/backtest/fingerprints.js';

function reference(events: ReturnType<typeof make>[]): string {
  const h = createHash('sha256');
  for (const e of events) h.update(canonicalJson({ eventId: e.eventId, metadata: e.metadata, schemaVersion: e.schemaVersion, type: e.type }) + canonicalJson(e.data) + '\n');
  return h.digest('hex');
}

function make(runId: string, i: number, cycleId: string | null, causationId: string | null) {
  return createEvent('OrderAccepted', `${runId}:${i}:1`, { clientOrderId: `${runId}-${i}-1`, venueOrderId: `sim-${i}` }, { runId, mode: 'backtest', cycleId, causationId, at: new Date(i * 1000).toISOString() });
}

describe('run fingerprints', () => {
  it('the run fingerprint is sha256 over canonical(envelope) + canonical(data) lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(fc.string({ minLength: 1 })), fc.option(fc.string({ minLength: 1 }))), { maxLength: 20 }), (meta) => {
        const events = meta.map(([c, k], i) => make('bt-abc', i, c, k));
        const f = new RunFingerprints();
        events.forEach((e) => f.observe(e));
        expect(f.digest().fingerprint).toBe(reference(events));
      }),
    );
  });

  it('the decision fingerprint ignores the run id and causation ids, but not the cycle', () => {
    const digest = (runId: string, cause: string | null, cycle: string) => {
      const f = new RunFingerprints();
      f.observe(make(runId, 1, `${runId}:${cycle}`, cause));
      return f.digest();
    };
    const a = digest('bt-aaaa', null, 'c1');
    const b = digest('bt-bbbb', 'x', 'c1');
    expect(b.decisionFingerprint).toBe(a.decisionFingerprint);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(digest('bt-aaaa', null, 'c2').decisionFingerprint).not.toBe(a.decisionFingerprint);
  });
});
