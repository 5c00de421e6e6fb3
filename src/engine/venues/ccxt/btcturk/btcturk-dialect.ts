import type { VenueDialect } from '../venue-session.js';
import { btcturkErrorMessage } from './btcturk-answers.js';

export const BTCTURK_DIALECT: VenueDialect = {
  venue: 'btcturk',
  errorMessage: btcturkErrorMessage,
  // BTCTurk documents no refusal for a reused client order id; match the word should it ever say so.
  isDuplicate: (body) => /duplicate/i.test(btcturkErrorMessage(body) ?? ''),
  isAuthFailure: (status) => status === 401 || status === 403,
};
