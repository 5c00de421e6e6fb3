/**
 * Which command an argv names, found without commander, so that main.ts loads only that command's
 * module (a backtest need not compile the live venues, the status page and the doctor first).
 *
 * Only the global options may come before the command. Anything this scan does not understand (an
 * unknown option, --help, --version, no command at all) gives null, and main.ts then registers every
 * command, so commander answers exactly as it always did (help, suggestions, errors).
 */

/** The program's options that take a value (`--db x` or `--db=x`). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--db', '--log-level']);
/** The program's flags that still lead to a command. */
const GLOBAL_FLAGS = new Set(['--quiet']);

/** `userArgs`: the arguments after node and the script (process.argv.slice(2)). */
export function invokedCommand(userArgs: readonly string[], commands: ReadonlySet<string>): string | null {
  for (let i = 0; i < userArgs.length; i++) {
    const arg = userArgs[i]!;
    if (!arg.startsWith('-')) return commands.has(arg) ? arg : null;
    if (GLOBAL_FLAGS.has(arg)) continue;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!GLOBAL_OPTIONS_WITH_VALUE.has(name)) return null;
    if (eq === -1) i++; // its value is the next argument
  }
  return null;
}
