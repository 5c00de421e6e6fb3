import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeHash, GENESIS_HASH } from '../../src/events/hash-chain.js';
import { ChainHasher, jsonString } from '../../src/events/store/chain-hasher.js';

// Strings with quotes, backslashes, controls, astral characters and lone surrogates.
const tricky = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u2028', '\ud800', 'a\u0000b', '😀'));

describe('ChainHasher (the append hot path) hashes exactly like computeHash', () => {
  it('jsonString equals JSON.stringify', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
    );
  });

  it('along a batch, for arbitrary stream names, ids, data and a head hash of any shape', () => {
    const event = fc.record({ eventId: tricky, type: tricky, schemaVersion: fc.integer({ min: 1, max: 5 }), dataJson: tricky, metadataJson: tricky });
    const head = fc.oneof(fc.constant(GENESIS_HASH), fc.stringMatching(/^[0-9a-f]{64}$/), tricky);
    fc.assert(
      fc.property(tricky, head, fc.nat({ max: 1000 }), fc.array(event, { minLength: 1, maxLength: 5 }), (stream, prev, v0, events) => {
        const chain = new ChainHasher(stream, prev);
        let expectedPrev = prev;
        events.forEach((e, i) => {
          const expected = computeHash({ stream, streamVersion: v0 + i, prevHash: expectedPrev, ...e });
          expect(chain.prevHash).toBe(expectedPrev);
          expect(chain.next(v0 + i, { ...e, eventIdJson: JSON.stringify(e.eventId), typeJson: JSON.stringify(e.type) })).toBe(expected);
          expectedPrev = expected;
        });
      }),
      { numRuns: 300 },
    );
  });
});
