import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import type { StoredEvent } from '../../src/events/envelope.js';
import { GENESIS_HASH, computeHash, hashBody, verifyChain } from '../../src/events/hash-chain.js';

function chain(n: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const base = {
      globalPosition: i + 1, stream: `s${i % 3}`, streamVersion: Math.floor(i / 3), eventId: `e${i}`, type: 'CycleStarted',
      schemaVersion: 1, data: { cycleSeq: i }, metadata: { runId: 'r', mode: 'backtest' as const, cycleId: null, causationId: null, at: '2024-01-01T00:00:00.000Z' },
      prevHash: prev,
    };
    const hash = computeHash({ ...base, dataJson: canonicalJson(base.data), metadataJson: canonicalJson(base.metadata) });
    out.push({ ...base, hash });
    prev = hash;
  }
  return out;
}

describe('hash chain', () => {
  it('the hashed body is the canonical encoding of the event without hash and position', () => {
    const [e] = chain(1);
    const { hash: _h, globalPosition: _p, ...rest } = e!;
    expect(hashBody({ ...rest, dataJson: canonicalJson(rest.data), metadataJson: canonicalJson(rest.metadata) })).toBe(canonicalJson(rest));
  });

  it('verifies an intact chain', async () => {
    const v = await verifyChain(chain(50));
    expect(v).toMatchObject({ ok: true, eventsChecked: 50, lastPosition: 50, firstBreak: null });
  });

  it('names the first altered, deleted or swapped position', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 30 }), fc.nat(), fc.constantFrom('edit', 'delete', 'swap'), async (n, k, how) => {
        const events = chain(n);
        const i = k % (n - 1); // 0..n-2, so a swap partner exists
        if (how === 'edit') (events[i]!.data as { cycleSeq: number }).cycleSeq += 1;
        if (how === 'delete') events.splice(i, 1);
        if (how === 'swap') {
          const a = events[i]!, b = events[i + 1]!;
          events[i] = { ...b, globalPosition: a.globalPosition };
          events[i + 1] = { ...a, globalPosition: b.globalPosition };
        }
        const v = await verifyChain(events);
        expect(v.ok).toBe(false);
        expect(v.firstBreak!.globalPosition).toBe(i + 1);
      }),
    );
  });
});
