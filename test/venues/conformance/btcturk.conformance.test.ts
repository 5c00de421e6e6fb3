import { describeVenueConformance } from './contract.js';
import { emulatorHarness } from './emulator-harness.js';

describeVenueConformance('emulator-btcturk (ccxt BTCTurk adapter over HTTP)', () => emulatorHarness('btcturk'), {
  skip: {
    'banned-418': 'BTCTurk answers rate limits with 429 only; 418 is a Binance ban',
    duplicate: 'BTCTurk documents no refusal of a reused client order id, so there is no duplicate answer to classify',
  },
});
