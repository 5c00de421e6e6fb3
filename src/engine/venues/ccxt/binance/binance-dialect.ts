import type { VenueDialect } from '../venue-session.js';
import { binanceErrorCode, binanceErrorMessage, isBinanceDuplicate } from './binance-answers.js';

/** -2014 API-key format invalid, -2015 invalid key/IP/permissions, -1022 bad signature. */
const AUTH_CODES = new Set([-2014, -2015, -1022, -1002]);

export const BINANCE_DIALECT: VenueDialect = {
  venue: 'binance',
  errorMessage: binanceErrorMessage,
  isDuplicate: isBinanceDuplicate,
  isAuthFailure(status, body) {
    const code = binanceErrorCode(body);
    return status === 401 || status === 403 || (code !== null && AUTH_CODES.has(code));
  },
};
