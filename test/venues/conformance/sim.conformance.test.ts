import { describeVenueConformance } from './contract.js';
import { simHarness } from './sim-harness.js';

const NO_HTTP = 'the simulated venue has no HTTP layer: there is no status code or body to break';

describeVenueConformance('sim (paper venue + fault-injecting decorator)', simHarness, {
  skip: {
    'server-error-after-commit': NO_HTTP,
    'reset-after-commit': NO_HTTP,
    'non-json-after-commit': NO_HTTP,
    'banned-418': NO_HTTP,
    'late-fill': 'the simulated venue cancels atomically between bars: no fill can follow a cancel',
    duplicate:
      'DEVIATION: the simulated venue answers a reused client order id with rejected VENUE_DUPLICATE_ORDER, not unknown DUPLICATE (pinned by test/engine/fill-model.test.ts; lead to change)',
  },
});
