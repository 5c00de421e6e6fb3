import type { StoredEvent } from '../../events/envelope.js';
import { verifyChain, type ChainBreakKind } from '../../events/hash-chain.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './check.js';

/**
 * Integrity: walk the whole log in global order and verify every hash link (the chain is global,
 * so --run does not narrow it). SQLite positions must also be contiguous: a deleted row is a gap.
 * Names the FIRST bad global position and what kind of damage it is.
 */
export const integrityCheck: DoctorCheck = {
  name: 'integrity',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const contiguous = ctx.store.kind === 'sqlite';
    let lastRead = 0;
    async function* tracked(): AsyncIterable<StoredEvent> {
      for await (const e of ctx.store.readAll()) {
        lastRead = e.globalPosition;
        yield e;
      }
    }
    let verdict;
    try {
      verdict = await verifyChain(tracked(), { contiguousPositions: contiguous });
    } catch (err) {
      // A row the store cannot even decode (e.g. data that is no longer JSON) is damage too.
      const position = lastRead + 1;
      return fail({ kind: 'UNREADABLE', detail: (err as Error).message, globalPosition: position }, lastRead, position);
    }
    if (verdict.ok) {
      return {
        name: 'integrity',
        status: 'PASS',
        figures: { events: verdict.eventsChecked, lastPosition: verdict.lastPosition, headHash: verdict.lastHash.slice(0, 16) },
        detail: `hash chain intact over ${verdict.eventsChecked} events${contiguous ? ', positions contiguous' : ''}`,
      };
    }
    const br = verdict.firstBreak!;
    // For a gap, verifyChain names the first missing position.
    return fail(br, verdict.eventsChecked, br.globalPosition);
  },
};

/** verifyChain's kinds, plus a row the store could not decode at all. */
type DamageKind = ChainBreakKind | 'UNREADABLE';

function fail(br: { kind: DamageKind; detail: string; globalPosition: number }, intactEvents: number, firstBad: number): CheckResult {
  const what: Record<DamageKind, string> = {
    HASH_MISMATCH: `the event at position ${firstBad} was altered (its content no longer matches its hash)`,
    PREV_HASH_MISMATCH:
      `the event at position ${firstBad} does not link to the event before it: rows reordered or replaced` +
      (firstBad > 1 ? `, or position ${firstBad - 1} rewritten with a recomputed hash` : ''),
    POSITION_GAP: `rows are missing (${br.detail})`,
    POSITION_ORDER: `positions out of order at ${firstBad}: ${br.detail}`,
    UNREADABLE: `the event at position ${firstBad} cannot be read: ${br.detail}`,
  };
  return {
    name: 'integrity',
    status: 'FAIL',
    figures: { firstBadPosition: firstBad, kind: br.kind, intactEvents },
    detail: `chain broken at position ${firstBad} (${br.kind}): ${what[br.kind]}`,
  };
}
