import { describePageCheck } from '../../events/store/sqlite/page-check.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './check.js';

/**
 * Storage: SQLite's own check of every page of the file (PRAGMA quick_check), naming damaged pages and
 * the table or index they belong to. A write command refuses a file that fails it; the integrity
 * check names the positions a damaged page makes unreadable. Stores without a page check: SKIP.
 */
export const storageCheck: DoctorCheck = {
  name: 'storage',
  async run(ctx: DoctorContext): Promise<CheckResult> {
    const c = await ctx.snapshot.checkPages();
    if (c === null) return { name: 'storage', status: 'SKIP', figures: {}, detail: `no page check for a ${ctx.store.kind} store (the server checks its own files)` };
    if (c.ok) return { name: 'storage', status: 'PASS', figures: { pages: c.pageCount }, detail: describePageCheck(c) };
    return {
      name: 'storage',
      status: 'FAIL',
      figures: { pages: c.pageCount, damagedPages: c.damagedPages.map((p) => p.page).join(',') || null, findings: c.problems.length },
      detail: `${describePageCheck(c)}: the file is damaged, and write commands refuse it`,
    };
  },
};
