import { StoreDamagedError } from '../../events/errors.js';
import { GENESIS_HASH, type ChainBreakKind, type ChainVerdict, type StoredRecord, verifyRecords } from '../../events/hash-chain.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './check.js';
import { unreadableRange } from './unreadable-range.js';

/** The most unreadable ranges named before the walk gives up (a file this damaged needs a backup, not a list). */
const MAX_RANGES = 10;
/** A failed read covered at most this many rows (the adapters' page size): the damage starts within it. */
const READ_WINDOW = 5000;

type Range = { first: number; last: number };

/**
 * Integrity: walk the whole log in global order, as stored, and verify every hash link over the stored
 * bytes (the chain is global, so --run does not narrow it). SQLite positions must also be contiguous: a
 * deleted row is a gap. Names the FIRST bad global position and what kind of damage it is. Rows whose
 * bytes are not the canonical encoding are named too (what a database reader sees is then not what was
 * hashed). Rows a damaged page makes unreadable are located as position ranges, and the walk goes on
 * past them.
 */
export const integrityCheck: DoctorCheck = {
  name: 'integrity',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const store = ctx.store;
    const head = store.at.position;
    const contiguous = store.kind === 'sqlite';
    const damaged: Range[] = [];
    const nonCanonical: ChainVerdict['nonCanonical'] = { count: 0, first: [] };
    let checked = 0;
    let lastHash = GENESIS_HASH;
    // One segment per loop: from `from` (whose hash is prevHash; null past damage: that link is unknown)
    // to the end, or to just before damage already located (`limit` rows, then `ahead` is skipped).
    let from = 0;
    let prevHash: string | null = GENESIS_HASH;
    let limit: number | undefined;
    let ahead: Range | null = null;
    for (;;) {
      let hit: Range | null = null;
      let lastRead = from;
      const segment = async function* (): AsyncIterable<StoredRecord> {
        try {
          for await (const r of store.readRecords({ fromPosition: from, ...(limit !== undefined ? { maxCount: limit } : {}) })) {
            lastRead = r.globalPosition;
            yield r;
          }
        } catch (err) {
          if (!(err instanceof StoreDamagedError)) throw err;
          hit = (await unreadableRange(store, lastRead + 1, head, READ_WINDOW)) ?? { first: lastRead + 1, last: lastRead + 1 };
        }
      };
      const verdict = await verifyRecords(segment(), { start: { position: from, prevHash }, contiguousPositions: contiguous });
      checked += verdict.eventsChecked;
      nonCanonical.count += verdict.nonCanonical.count;
      nonCanonical.first.push(...verdict.nonCanonical.first.slice(0, 10 - nonCanonical.first.length));
      if (verdict.firstBreak) return chainBroken(verdict.firstBreak, checked, damaged);
      if (verdict.eventsChecked > 0) prevHash = lastHash = verdict.lastHash;
      const found = hit as Range | null;
      if (found !== null && found.first > lastRead + 1) {
        // A failed read names no row: the rows between the last one read and the damage still need walking.
        from = lastRead;
        limit = found.first - 1 - lastRead;
        ahead = found;
        continue;
      }
      const range = found ?? ahead;
      if (range === null) break;
      damaged.push(range);
      if (range.last >= head || damaged.length >= MAX_RANGES) break;
      // Past the damage the walk starts again; the link across the unreadable rows cannot be checked.
      from = range.last;
      prevHash = null;
      limit = undefined;
      ahead = null;
    }
    if (damaged.length > 0) return unreadable(damaged, checked, head);
    if (nonCanonical.count > 0) return notCanonical(nonCanonical, checked);
    return {
      name: 'integrity',
      status: 'PASS',
      figures: { events: checked, lastPosition: head, headHash: lastHash.slice(0, 16) },
      detail: `hash chain intact over ${checked} events, every row stored canonically${contiguous ? ', positions contiguous' : ''}`,
    };
  },
};

function chainBroken(br: { kind: ChainBreakKind; detail: string; globalPosition: number }, intactEvents: number, damaged: Range[]): CheckResult {
  const firstBad = br.globalPosition;
  const what: Record<ChainBreakKind, string> = {
    HASH_MISMATCH: `the event at position ${firstBad} was altered (its content no longer matches its hash): ${br.detail}`,
    NON_CANONICAL: `the event at position ${firstBad} is stored in bytes that do not hash to its hash: ${br.detail}`,
    PREV_HASH_MISMATCH:
      `the event at position ${firstBad} does not link to the event before it: rows reordered or replaced` +
      (firstBad > 1 ? `, or position ${firstBad - 1} rewritten with a recomputed hash` : ''),
    POSITION_GAP: `rows are missing (${br.detail})`,
    POSITION_ORDER: `positions out of order at ${firstBad}: ${br.detail}`,
  };
  const also = damaged.length > 0 ? `; before it, ${describeRanges(damaged)} cannot be read` : '';
  return {
    name: 'integrity',
    status: 'FAIL',
    figures: { firstBadPosition: firstBad, kind: br.kind, intactEvents, ...(damaged.length > 0 ? { unreadable: rangesFigure(damaged) } : {}) },
    detail: `chain broken at position ${firstBad} (${br.kind}): ${what[br.kind]}${also}`,
  };
}

function unreadable(damaged: Range[], readEvents: number, head: number): CheckResult {
  const first = damaged[0]!.first;
  const lost = damaged.reduce((n, r) => n + r.last - r.first + 1, 0);
  return {
    name: 'integrity',
    status: 'FAIL',
    figures: { firstBadPosition: first, kind: 'UNREADABLE', unreadable: rangesFigure(damaged), unreadableEvents: lost, intactEvents: readEvents, lastPosition: head },
    detail:
      `${describeRanges(damaged)} cannot be read (a damaged page of the database file: see the storage check); ` +
      `the hash chain verifies over the other ${readEvents} events, but not across the unreadable rows`,
  };
}

function notCanonical(nc: ChainVerdict['nonCanonical'], events: number): CheckResult {
  const first = nc.first[0]!;
  return {
    name: 'integrity',
    status: 'FAIL',
    figures: { firstBadPosition: first.globalPosition, kind: 'NON_CANONICAL', nonCanonicalRows: nc.count, positions: nc.first.map((f) => f.globalPosition).join(','), intactEvents: events },
    detail:
      `${nc.count} row(s) stored in bytes that are not the canonical encoding, first at position ${first.globalPosition}: ${first.detail}; ` +
      'they hash as stored, but a reader of the database (e.g. json_extract) may see other values than the engine does',
  };
}

function rangesFigure(damaged: Range[]): string {
  return damaged.map((r) => (r.first === r.last ? String(r.first) : `${r.first}..${r.last}`)).join(',');
}

function describeRanges(damaged: Range[]): string {
  return damaged.map((r) => (r.first === r.last ? `position ${r.first}` : `positions ${r.first}..${r.last}`)).join(', ');
}
