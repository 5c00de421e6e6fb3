import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderIdFor } from '../../../src/engine/ids.js';
import { clientOrderIdProblem } from '../../../src/engine/venues/ccxt/client-order-id.js';

describe('engine client order ids at the venues', () => {
  it('every live id (run live-<12 hex>, cycle below 10^14, sequence below 1000) fits Binance and BTCTurk', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{12}$/), fc.integer({ min: 0, max: 99_999_999_999_999 }), fc.integer({ min: 1, max: 999 }), (hex, cycle, seq) => {
        const id = clientOrderIdFor(`live-${hex}`, cycle, seq);
        expect(clientOrderIdProblem('binance', id)).toBeNull();
        expect(clientOrderIdProblem('btcturk', id)).toBeNull();
      }),
    );
  });

  it('refuses what Binance answers -1100 for: other characters, more than 36', () => {
    expect(clientOrderIdProblem('binance', 'live:abc')).toMatch(/does not match/);
    expect(clientOrderIdProblem('binance', 'a.b')).toMatch(/does not match/);
    expect(clientOrderIdProblem('binance', 'x'.repeat(37))).toMatch(/does not match/);
    expect(clientOrderIdProblem('binance', 'x'.repeat(36))).toBeNull();
    expect(clientOrderIdProblem('btcturk', '')).toMatch(/does not match/);
  });
});

describe('the limit of engine ids', () => {
  it('cycle and sequence digits together may not pass 17: then the id is refused before sending', () => {
    expect(clientOrderIdProblem('binance', clientOrderIdFor('live-0123456789ab', 10 ** 14, 100))).toMatch(/does not match/);
  });
});
