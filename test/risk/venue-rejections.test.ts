import { describe, expect, it } from 'vitest';
import { layerOf } from '../../src/engine/reason-codes.js';
import { isOutcomeUnknownStatus, mapVenueRejection } from '../../src/engine/venue-rejections.js';

describe('venue rejection mapper', () => {
  const cases: Array<[number | null, string, string]> = [
    [400, '{"code":-2010,"msg":"Account has insufficient balance for requested action."}', 'VENUE_INSUFFICIENT_BALANCE'],
    [400, '{"code":-1013,"msg":"Filter failure: MIN_NOTIONAL"}', 'VENUE_INVALID_ORDER'],
    [400, 'Filter failure: LOT_SIZE', 'VENUE_INVALID_ORDER'],
    [400, 'Invalid quantity.', 'VENUE_INVALID_ORDER'],
    [429, 'slow down', 'VENUE_RATE_LIMITED'],
    [400, 'Too many new orders; current limit is 10 orders per SECOND.', 'VENUE_RATE_LIMITED'],
    [400, 'Duplicate order sent.', 'VENUE_DUPLICATE_ORDER'],
    [400, 'clientOrderId already used', 'VENUE_DUPLICATE_ORDER'],
    [400, 'Market is closed.', 'VENUE_MARKET_CLOSED'],
    [400, 'Trading is halted for this symbol', 'VENUE_MARKET_CLOSED'],
    [null, 'computer says no', 'VENUE_UNKNOWN_REJECTION'],
    // BTCTurk's documented submit errors
    [400, '{"data":null,"success":false,"message":"BALANCE_NOT_ENOUGH","code":1055}', 'VENUE_INSUFFICIENT_BALANCE'],
    [400, '{"success":false,"message":"FAILED_ORDER_WITH_OPEN_ORDERS","code":1126}', 'VENUE_INSUFFICIENT_BALANCE'],
    [400, '{"success":false,"message":"FAILED_MIN_TOTAL_AMOUNT","code":1126}', 'VENUE_INVALID_ORDER'],
    [400, '{"success":false,"message":"FAILED_ORDER_PARAMETER","code":1000}', 'VENUE_INVALID_ORDER'],
    [400, '{"success":false,"message":"ORDER_MAX_PRICE_EXCEEDED","code":1000}', 'VENUE_INVALID_ORDER'],
    [400, '{"success":false,"message":"FAILED_MARKET_ORDER","code":1000}', 'VENUE_MARKET_CLOSED'],
  ];
  for (const [status, text, code] of cases) {
    it(`${status ?? '-'} "${text}" -> ${code}, raw text kept verbatim`, () => {
      const r = mapVenueRejection({ httpStatus: status, text });
      expect(r.reasonCode).toBe(code);
      expect(layerOf(r.reasonCode)).toBe('VENUE');
      expect(r.rawReason).toBe(text);
    });
  }

  it('5xx and 408 are unknown outcomes, not rejections', () => {
    expect(isOutcomeUnknownStatus(503)).toBe(true);
    expect(isOutcomeUnknownStatus(408)).toBe(true);
    expect(isOutcomeUnknownStatus(400)).toBe(false);
  });
});
