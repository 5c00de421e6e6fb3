import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { changeKillSwitch, KILL_SWITCH_STREAM, readKillSwitch, type KillSwitchState } from '../../engine/risk/kill-switch.js';
import { oneLine, UsageError } from '../errors.js';
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
        const reason = checkedText('--reason', opts.reason.trim(), MAX_REASON_CHARS);
        const by = opts.by === undefined ? `${os.userInfo().username}@${os.hostname()}` : checkedText('--by', opts.by.trim(), MAX_BY_CHARS);
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
          else await out.line(oneLine(`kill switch already ${r.state.engaged ? 'engaged' : 'released'} since ${r.state.since ?? '-'} (${r.state.reason ?? '-'}); nothing appended`));
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
        // The stored reason and author are printed as one terminal-safe line: a log written by another
        // tool may hold control bytes, and they must not reach an operator's terminal as escapes.
        else await out.line(oneLine(s.engaged ? `ENGAGED since ${s.since} by ${s.by}: ${s.reason}` : s.since ? `released since ${s.since} by ${s.by}: ${s.reason}` : 'released (never engaged)'));
        return ExitCode.OK;
      } finally {
        await opened.close();
      }
    }),
  );
};

/** A reason is a sentence an operator reads in `status`, the log and every later audit. */
export const MAX_REASON_CHARS = 500;
const MAX_BY_CHARS = 100;

/** Non-empty, at most `max` characters, and no control characters (they would reach operators' terminals). */
function checkedText(option: string, text: string, max: number): string {
  if (text === '') throw new UsageError(`${option} must not be empty`);
  if (text.length > max) throw new UsageError(`${option} is ${text.length} characters long: at most ${max}`);
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(text);
  if (control) throw new UsageError(`${option} contains a control character (\\x${control[0].charCodeAt(0).toString(16).padStart(2, '0')} at ${control.index + 1}): plain text only`);
  return text;
}

function describe(s: KillSwitchState) {
  return { engaged: s.engaged, reason: s.reason, by: s.by, since: s.since, streamVersion: s.version === 'no_stream' ? null : s.version };
}
