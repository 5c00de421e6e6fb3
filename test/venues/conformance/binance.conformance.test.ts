import { describeVenueConformance } from './contract.js';
import { emulatorHarness } from './emulator-harness.js';

describeVenueConformance('emulator-binance (ccxt Binance spot adapter over HTTP)', () => emulatorHarness('binance'));
