import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { changeKillSwitch, KILL_SWITCH_STREAM, readKillSwitch, type KillSwitchState } from '../../engine/risk/kill-switch.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { openStore } from '../open-store.js';
import { addGroup, jsonOption, type RegisterCommand } from '../program.js';

/**
 * `engine kill-switch engage|release|status`: the operator's brake. Appends KillSwitchEngaged/Released
 * to the control stream; a running engine reads it at the start of its next cycle and from then on
 * refuses new exposure (orders that only reduce exposure still go out). It does not take the run lock:
 * it must work while a run holds it.
 */
export const registerKillSwitch: RegisterCommand = (program, cli) => {
  const group = addGroup(program, 'kill-switch', 'engage or release the kill switch (no new exposure from the next cycle on)');

  for (const action of ['engage', 'release'] as const) {
    jsonOption(
      group
        .command(action)
        .description(action === 'engage' ? 'stop new exposure from the next cycle on' : 'allow new exposure again')
        .requiredOption('--reason <text>', 'why (recorded in the event)')
        .option('--by <who>', 'who (default: user@host)'),
    ).action(
      cli.action<{ reason: string; by?: string; json?: boolean }>(async ({ global, out, logger }, opts) => {
        const reason = opts.reason.trim();
        if (reason === '') throw new UsageError('--reason must not be empty');
        const by = opts.by ?? `${os.userInfo().username}@${os.hostname()}`;
        const opened = await openStore(global.db, { access: 'write', create: true });
        try {
          const r = await changeKillSwitch(opened.store, {
            action,
            reason,
            by,
            eventId: randomUUID(),
            metadata: { runId: 'control', mode: 'live', cycleId: null, causationId: null, at: new Date().toISOString() },
          });
          logger.info({ stream: KILL_SWITCH_STREAM, action, changed: r.changed }, 'kill switch');
          if (opts.json) await out.json({ changed: r.changed, ...describe(r.state) });
          else if (r.changed) await out.line(`kill switch ${action === 'engage' ? 'ENGAGED' : 'RELEASED'} (${reason}) by ${by} in ${opened.target.display}`);
          else await out.line(`kill switch already ${r.state.engaged ? 'engaged' : 'released'} since ${r.state.since ?? '-'} (${r.state.reason ?? '-'}); nothing appended`);
          return ExitCode.OK;
        } finally {
          await opened.close();
        }
      }),
    );
  }

  jsonOption(group.command('status').description('show whether the kill switch is engaged')).action(
    cli.action<{ json?: boolean }>(async ({ global, out }, opts) => {
      const opened = await openStore(global.db, { access: 'read' });
      try {
        const s = await readKillSwitch(opened.store);
        if (opts.json) await out.json(describe(s));
        else await out.line(s.engaged ? `ENGAGED since ${s.since} by ${s.by}: ${s.reason}` : s.since ? `released since ${s.since} by ${s.by}: ${s.reason}` : 'released (never engaged)');
        return ExitCode.OK;
      } finally {
        await opened.close();
      }
    }),
  );
};

function describe(s: KillSwitchState) {
  return { engaged: s.engaged, reason: s.reason, by: s.by, since: s.since, streamVersion: s.version === 'no_stream' ? null : s.version };
}
