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
 *   2. Add one line to the table in src/cli/command-table.ts (its module is loaded only when it runs, or for help).
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
import { COMMANDS } from './command-table.js';
import { invokedCommand, leadingOptionsOf } from './invoked-command.js';
import { createCli } from './program.js';

const cli = createCli({
  version: packageVersion(),
  defaultLogLevel: process.env.ENGINE_LOG_LEVEL,
  makeLogger: (level) => createLogger({ level, pretty: process.stderr.isTTY === true }),
});

// Only the command the arguments name is loaded; help, --version and anything unrecognised load them all.
const invoked = invokedCommand(process.argv.slice(2), new Set(COMMANDS.map(([name]) => name)), leadingOptionsOf(cli.program));
const registers = await Promise.all(COMMANDS.filter(([name]) => invoked === null || name === invoked).map(([, load]) => load()));
for (const register of registers) register(cli.program, cli);

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
