import type Database from 'better-sqlite3';
import { isDamage } from './sqlite-errors.js';

export interface PageCheck {
  ok: boolean;
  /** What SQLite reported, one finding per line (empty when ok). */
  problems: string[];
  /** Pages found damaged, with the table or index each belongs to. */
  damagedPages: Array<{ page: number; object: string }>;
  pageCount: number;
}

/** Findings quoted at most (quick_check stops counting there too). */
const MAX_PROBLEMS = 20;

/**
 * SQLite's own check of every page of the file (PRAGMA quick_check: b-tree structure, cell bounds,
 * record formats; not index-to-table agreement). It reads the whole file: about 0.7 s for a
 * 1,000,000-event log of 556 MB on the bench machine (README, "Stores"). A page whose header is garbage
 * makes quick_check give up with SQLITE_CORRUPT instead of listing findings; either way the damaged
 * pages are then located through the dbstat table, which marks them 'corrupted'.
 */
export function checkPages(db: Database.Database): PageCheck {
  const pageCount = Number(db.pragma('page_count', { simple: true }));
  let problems: string[];
  try {
    const rows = db.prepare(`PRAGMA quick_check(${MAX_PROBLEMS})`).all() as Array<{ quick_check: string }>;
    problems = rows.flatMap((r) => r.quick_check.split('\n')).filter((l) => l !== '' && !l.startsWith('*** in database'));
    if (problems.length === 1 && problems[0] === 'ok') return { ok: true, problems: [], damagedPages: [], pageCount };
  } catch (err) {
    if (!isDamage(err)) throw err;
    problems = [`quick_check gave up: ${err.message}`];
  }
  return { ok: false, problems, damagedPages: damagedPages(db, problems), pageCount };
}

function damagedPages(db: Database.Database, problems: string[]): PageCheck['damagedPages'] {
  const found = new Map<number, string>();
  try {
    const rows = db.prepare("SELECT name, pageno FROM dbstat WHERE pagetype = 'corrupted' ORDER BY pageno").all() as Array<{ name: string; pageno: number }>;
    for (const r of rows) found.set(r.pageno, r.name);
  } catch (err) {
    if (!isDamage(err)) throw err;
  }
  for (const line of problems) {
    const m = /\bpage (\d+)/i.exec(line);
    if (m && !found.has(Number(m[1]))) found.set(Number(m[1]), '?');
  }
  return [...found].sort((a, b) => a[0] - b[0]).map(([page, object]) => ({ page, object }));
}

/** "pages 1354 (events), 1360 (sqlite_autoindex_events_2)" or the first finding when no page was named. */
export function describePageCheck(c: PageCheck): string {
  if (c.ok) return `all ${c.pageCount} pages pass quick_check`;
  const pages = c.damagedPages.slice(0, 8).map((p) => `${p.page} (${p.object})`).join(', ');
  const more = c.damagedPages.length > 8 ? ` and ${c.damagedPages.length - 8} more` : '';
  return c.damagedPages.length > 0 ? `damaged page${c.damagedPages.length > 1 ? 's' : ''} ${pages}${more} of ${c.pageCount}` : `quick_check: ${c.problems[0] ?? 'failed'}`;
}
