import { headSignatureValid, signHead } from '../../events/anchor.js';
import { StoreDamagedError } from '../../events/errors.js';
import type { EventStore, SignedHead } from '../../events/store/port.js';
import { firstHashOf } from '../anchoring-store.js';
import { readWitness } from '../witness.js';
import type { CheckResult, DoctorCheck, DoctorContext, Figure } from './check.js';

/**
 * Anchor: the heads the log was signed at (ENGINE_LOG_KEY) and the heads a witness file saw must still
 * be points of this chain. A signed head past the end of the log means events were deleted from its
 * end (the chain alone cannot tell: what is left still links); one whose position now holds another
 * hash means the chain was rewritten and rehashed from before it. Signatures are verified when the key
 * is set; without it they are "unverifiable" (not a failure), though a head that disagrees with the log
 * still fails it: the file was altered either way.
 */
export const anchorCheck: DoctorCheck = {
  name: 'anchor',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const key = ctx.opened.integrity.key;
    const head = ctx.store.at.position;
    const heads = await ctx.snapshot.anchors().list();
    const problems: string[] = [];
    let verified = 0;
    let forged = 0;
    let agreeing = 0;
    let newest: SignedHead | null = null;
    for (const [i, h] of heads.entries()) {
      const signature = key === null ? null : headSignatureValid(key, h);
      if (signature === false) {
        forged++;
        problems.push(`signed head #${i + 1} (position ${h.position}, ${h.at}) does not verify under ENGINE_LOG_KEY: forged, or signed with another key`);
        continue;
      }
      const point = await chainPoint(ctx, h.position, h.hash);
      if (point.kind === 'agrees') {
        agreeing++;
        if (signature === true) verified++;
        if (newest === null || h.position > newest.position) newest = h;
      } else if (point.kind !== 'unreadable') {
        problems.push(disagreement(`a signed head${signature === null ? ' (its signature unverifiable without ENGINE_LOG_KEY)' : ''} of ${h.at}`, h, point, head));
      }
    }

    let witnessLines: number | null = null;
    if (ctx.witness !== null && head > 0) {
      const log = await firstHashOf(ctx.store);
      const w = readWitness(ctx.witness, log);
      witnessLines = w.lines.length;
      if (w.bad.length > 0) problems.push(`witness ${ctx.witness}: line ${w.bad[0]} is not a witness line (${w.bad.length} such line(s))`);
      for (const line of w.lines) {
        if (key !== null && line.mac !== null && signHead(key, line).mac !== line.mac) {
          problems.push(`witness ${ctx.witness}: the head it saw at position ${line.position} (${line.at}) carries a signature that does not verify under ENGINE_LOG_KEY`);
          continue;
        }
        const point = await chainPoint(ctx, line.position, line.hash);
        if (point.kind !== 'agrees' && point.kind !== 'unreadable') problems.push(disagreement(`the witness ${ctx.witness} (${line.at})`, line, point, head));
      }
    }

    const figures: Record<string, Figure> = {
      signedHeads: heads.length,
      signatures: key === null ? 'unverifiable' : forged > 0 ? `${forged} failed` : `${verified} verified`,
      newestSignedPosition: newest?.position ?? null,
      witnessLines,
    };
    if (problems.length > 0) {
      return { name: 'anchor', status: 'FAIL', figures, detail: problems[0]! + (problems.length > 1 ? ` (and ${problems.length - 1} more finding(s))` : '') };
    }
    const witness = witnessLines !== null ? `; the ${witnessLines} head(s) in witness ${ctx.witness} agree` : '';
    if (key !== null) {
      if (verified > 0) {
        const since = head - newest!.position;
        return { name: 'anchor', status: 'PASS', figures, detail: `${verified} signed head(s) verify and agree with the log; the newest is at position ${newest!.position}${since > 0 ? `, ${since} position(s) before the head` : ', the head'}${witness}` };
      }
      if (head === 0) return { name: 'anchor', status: 'SKIP', figures, detail: 'the log is empty' };
      return { name: 'anchor', status: 'WARN', figures, detail: `no signed head in this log (written before ENGINE_LOG_KEY was set, or the signed heads were removed): its end cannot be vouched for${witness}` };
    }
    if (witnessLines !== null && witnessLines > 0) {
      return { name: 'anchor', status: 'PASS', figures, detail: `the ${witnessLines} head(s) in witness ${ctx.witness} agree with the log; signed heads unverifiable (ENGINE_LOG_KEY is not set)` };
    }
    return {
      name: 'anchor',
      status: 'SKIP',
      figures,
      detail: `unverifiable: ENGINE_LOG_KEY is not set${heads.length > 0 ? ` (${agreeing} signed head(s) agree with the log, but their signatures cannot be checked)` : ''} and no witness file was given`,
    };
  },
};

type ChainPoint = { kind: 'agrees' } | { kind: 'unreadable' } | { kind: 'missing' } | { kind: 'beyond' } | { kind: 'other'; hash: string };

/**
 * What the log holds at a position a head names. Past the snapshot, the live log is asked (a head
 * signed after the snapshot was taken is fine if the log has that event now).
 */
async function chainPoint(ctx: DoctorContext, position: number, hash: string): Promise<ChainPoint> {
  const inSnapshot = position <= ctx.store.at.position;
  const found = await eventAt(inSnapshot ? ctx.store : ctx.opened.store, position);
  if (found === 'unreadable') return { kind: 'unreadable' };
  if (found === null) return { kind: inSnapshot ? 'missing' : 'beyond' };
  return found === hash ? { kind: 'agrees' } : { kind: 'other', hash: found };
}

async function eventAt(store: EventStore, position: number): Promise<string | null | 'unreadable'> {
  if (position < 1) return null;
  try {
    for await (const r of store.readRecords({ fromPosition: position - 1, maxCount: 1 })) return r.globalPosition === position ? r.hash : null;
    return null;
  } catch (err) {
    if (err instanceof StoreDamagedError) return 'unreadable';
    throw err;
  }
}

function disagreement(who: string, h: { position: number; hash: string }, point: ChainPoint, head: number): string {
  switch (point.kind) {
    case 'beyond':
      return `the log was cut short: ${who} names position ${h.position}, but the log ends at position ${head} (${h.position - head} event(s) missing from its end)`;
    case 'missing':
      return `the log lost events: ${who} names position ${h.position}, which the log no longer holds`;
    case 'other':
      return `the log was rewritten: ${who} names hash ${h.hash.slice(0, 16)}… at position ${h.position}, the log holds ${point.hash.slice(0, 16)}… there`;
    default:
      return `${who} disagrees with the log at position ${h.position}`;
  }
}
