#!/usr/bin/env node
/**
 * `engine`: the composition root's entry point (package.json "bin").
 *
 * Adding a command
 *   1. Write src/cli/commands/<name>.ts exporting a RegisterCommand:
 *        export const registerFoo: RegisterCommand = (program, cli) => {
 *          jsonOption(program.command('foo').description('...').option('--bar <x>', '...'))
 *            .action(cli.action<{ bar?: string; json?: boolean }>(async ({ global, out, logger }, opts, args) => {
 *              const opened = await openStore(global.db, { access: 'read' });   // never open --db any other way
 *              try { ...; await out.line('result'); } finally { await opened.close(); }
 *              return ExitCode.OK;                                              // 1 = a verdict failed
 *            }));
 *        };
 *      Group commands (`engine foo a|b`) start with addGroup(program, 'foo', '...').
 *   2. Add one import and one call in the REGISTER block below.
 *
 * Rules every command gets for free: `--db` (default ./engine.db) and `--log-level` are global;
 * results go to `out` (stdout), logs to `logger` (pino on stderr), errors are THROWN as typed errors
 * (UsageError / InputError / StoreOpenError => 2, LockHeldError => 3, anything else => 70) and become
 * exactly one line on stderr here. Ctrl-C ends a command at once (exit 130), unless it reads `signal`:
 * then the first SIGINT/SIGTERM aborts that signal and the command stops cleanly and returns.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from './logger.js';
import { createCli } from './program.js';
// ---- REGISTER: one import per command module ----
import { registerBacktest } from './commands/backtest.js';
import { registerConfig } from './commands/config.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEvents } from './commands/events.js';
import { registerKillSwitch } from './commands/kill-switch.js';
import { registerReasons } from './commands/reasons.js';
import { registerProjections } from './commands/projections.js';
import { registerRuns } from './commands/runs.js';
import { registerStage7Run } from './commands/stage7-run.js';
import { registerReplay } from './commands/replay.js';
import { registerBackup } from './commands/backup.js';
import { registerRestore } from './commands/restore.js';
import { registerStoreCopy } from './commands/store-copy.js';
import { registerExport } from './commands/export.js';
import { registerPositions } from './commands/positions.js';
import { registerOrders } from './commands/orders.js';
import { registerLedger } from './commands/ledger.js';
import { registerRisk } from './commands/risk.js';
import { registerExplain } from './commands/explain.js';
import { registerSweep } from './commands/sweep.js';

const cli = createCli({
  version: packageVersion(),
  defaultLogLevel: process.env.ENGINE_LOG_LEVEL,
  makeLogger: (level) => createLogger({ level, pretty: process.stderr.isTTY === true }),
});

// ---- REGISTER: one call per command module ----
registerBacktest(cli.program, cli);
registerSweep(cli.program, cli);
registerEvents(cli.program, cli);
registerRuns(cli.program, cli);
registerProjections(cli.program, cli);
registerDoctor(cli.program, cli);
registerReasons(cli.program, cli);
registerKillSwitch(cli.program, cli);
registerConfig(cli.program, cli);
registerStage7Run(cli.program, cli);
registerReplay(cli.program, cli);
registerBackup(cli.program, cli);
registerRestore(cli.program, cli);
registerStoreCopy(cli.program, cli);
registerExport(cli.program, cli);
registerPositions(cli.program, cli);
registerOrders(cli.program, cli);
registerLedger(cli.program, cli);
registerRisk(cli.program, cli);
registerExplain(cli.program, cli);

// `engine events ls | head` closes stdout early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await cli.run(process.argv);
await cli.out.flush();
// Exit explicitly: a command that left a timer or handle behind must not keep the process alive.
process.exit(code);

function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.version) return pkg.version;
    } catch {
      // not here: look one directory up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
