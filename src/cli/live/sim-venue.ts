import type { LiveConfig } from '../../engine/config/schema.js';
import { SeededRandom } from '../../engine/clocks.js';
import type { MarketData, Venue } from '../../engine/ports.js';
import { Decimal } from '../../engine/values.js';
import { FaultInjectingVenue } from '../../engine/venues/fault-injection/fault-injecting-venue.js';
import { type Fault, randomFaults } from '../../engine/venues/fault-injection/fault-plan.js';
import { paperVenueConfigFrom } from '../../engine/venues/simulated/paper-venue-config.js';
import { PaperVenue } from '../../engine/venues/simulated/paper-venue.js';
import { VenueStateError } from '../../engine/venues/simulated/venue-state.js';
import { atomicTextFile } from '../atomic-file.js';
import { InputError } from '../errors.js';
import type { LiveSetup } from './live-config.js';

export interface SimVenue {
  venue: Venue;
  market: MarketData;
  initialCash: Decimal;
}

/**
 * The simulated venue of `--venue sim`: a paper venue over its state file (written whole and atomically
 * through the shared writer: a full disk is exit 74 and leaves no temporary file), behind the seeded
 * fault injector the configuration asks for.
 */
export async function openSimVenue(setup: Pick<LiveSetup, 'config' | 'live' | 'recorded'>, statePath: string, now: () => number): Promise<SimVenue> {
  const { config, live, recorded } = setup;
  const venueRandom = new SeededRandom(live.sim.seed);
  let paper: PaperVenue;
  try {
    paper = new PaperVenue(
      {
        ...paperVenueConfigFrom(config, venueRandom.fork('venue')),
        ackLatencyMs: live.sim.ackLatencyMs,
        ...(recorded ? { recorded: recorded.bars } : {}),
        delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      atomicTextFile(statePath),
    );
  } catch (err) {
    if (err instanceof VenueStateError) throw new InputError(err.message);
    throw err;
  }
  const faults = live.sim.faults;
  // A new draw sequence per engine start (the walk step moves on), reproducible from the state file.
  const faultRandom = venueRandom.fork(`faults/${paper.fills().length + paper.received().length}`);
  const venue =
    faults.rate === '0' || faults.kinds.length === 0
      ? paper
      : new FaultInjectingVenue(paper, randomFaults(() => faultRandom.next(), Number(faults.rate), faults.kinds.map((k) => faultOf(k, faults))));
  const initialCash = (await paper.balances())[config.quoteAsset] ?? new Decimal(config.initialCash);
  return { venue, market: { next: async () => paper.tick(now()) }, initialCash };
}

function faultOf(kind: LiveConfig['sim']['faults']['kinds'][number], f: LiveConfig['sim']['faults']): Fault {
  switch (kind) {
    case 'rate-limited':
      return { kind, times: f.rateLimitedTimes, retryAfterMs: f.retryAfterMs };
    case 'lost-ack':
      return { kind, hiddenQueries: f.lostAckHiddenQueries };
    case 'duplicate-fills':
      return { kind, copies: f.duplicateCopies };
    default:
      return { kind };
  }
}

