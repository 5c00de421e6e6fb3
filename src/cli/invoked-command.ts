import type { Command } from 'commander';

/**
 * Which command an argv names, found without commander, so that main.ts loads only that command's
 * module (a backtest need not compile the live venues, the status page and the doctor first).
 *
 * Only the program's own options may come before the command. Anything this scan does not understand (an
 * unknown option, --help, --version, no command at all) gives null, and main.ts then registers every
 * command, so commander answers exactly as it always did (help, suggestions, errors).
 */

/** The program's options that may come before a command, by their long names. */
export interface LeadingOptions {
  /** Take a value: `--db x` or `--db=x`. */
  withValue: ReadonlySet<string>;
  /** Take none and still lead to a command (`--quiet`). */
  flags: ReadonlySet<string>;
}

/** The leading options as the program defines them (not --version: it answers by itself). */
export function leadingOptionsOf(program: Command): LeadingOptions {
  const options = program.options.filter((o) => o.long !== undefined && o.attributeName() !== 'version');
  return {
    withValue: new Set(options.filter((o) => o.required || o.optional).map((o) => o.long!)),
    flags: new Set(options.filter((o) => !o.required && !o.optional).map((o) => o.long!)),
  };
}

/** `userArgs`: the arguments after node and the script (process.argv.slice(2)). */
export function invokedCommand(userArgs: readonly string[], commands: ReadonlySet<string>, leading: LeadingOptions): string | null {
  for (let i = 0; i < userArgs.length; i++) {
    const arg = userArgs[i]!;
    if (!arg.startsWith('-')) return commands.has(arg) ? arg : null;
    if (leading.flags.has(arg)) continue;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!leading.withValue.has(name)) return null;
    if (eq === -1) i++; // its value is the next argument
  }
  return null;
}
