import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { LevelWithSilent } from 'pino';
import { describeError, oneLine, UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { DEFAULT_LOG_LEVEL, isLogLevel, LOG_LEVELS, type Logger } from './logger.js';
import { Output } from './output.js';

/**
 * The CLI framework every command plugs into: the root `engine` program with the global options of
 * the CLI contract, an action wrapper that hands each command its logger, stdout and options and
 * takes back an exit code, and the one place errors become exit codes and one line on stderr.
 * See main.ts for how a command is registered.
 */

export const DEFAULT_DB = './engine.db';
/** 128 + SIGINT, as shells report an interrupted command. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Options every command accepts (they may be given before or after the subcommand). */
export interface GlobalOptions {
  /** A SQLite file path, or an esdb:// / esdb+discover:// connection string. Resolve with open-store.ts. */
  db: string;
  logLevel: LevelWithSilent;
}

/** What an action gets besides its own options and arguments. */
export interface CommandIo {
  readonly global: GlobalOptions;
  readonly logger: Logger;
  /** Results (stdout). Logs go to the logger, errors are thrown. */
  readonly out: Output;
  /** "engine events ls": for messages. */
  readonly commandPath: string;
  /**
   * Aborted on the first SIGINT/SIGTERM. Using it is opting in: a command that reads `signal` must
   * stop cleanly and return when it aborts (a second signal still exits at once). A command that
   * never reads it is ended at once by the first signal, with exit code 130.
   */
  readonly signal: AbortSignal;
}

/**
 * A command's body. Return an ExitCode (0 success, 1 a verdict failed); throw typed errors
 * (UsageError, InputError, StoreOpenError, LockHeldError...) for everything else.
 */
export type Action<O> = (io: CommandIo, opts: O, args: string[]) => Promise<ExitCode | void>;

export interface Cli {
  readonly program: Command;
  /** Wrap a command body for commander's `.action(...)`. */
  action<O = Record<string, unknown>>(fn: Action<O>): (...commanderArgs: unknown[]) => Promise<void>;
  /** Parse argv, run the command, report any error; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<ExitCode>;
  readonly out: Output;
}

/** A command module: `export const register: RegisterCommand = (program, cli) => { program.command(...) }`. */
export type RegisterCommand = (program: Command, cli: Cli) => void;

export interface CliOptions {
  version: string;
  /** ENGINE_LOG_LEVEL, read by main.ts (only src/cli reads the environment). */
  defaultLogLevel?: string;
  makeLogger: (level: LevelWithSilent) => Logger;
  writeErrLine?: (line: string) => void;
  out?: Output;
}

export function createCli(options: CliOptions): Cli {
  const out = options.out ?? new Output();
  const writeErrLine = options.writeErrLine ?? ((line: string) => void process.stderr.write(line + '\n'));
  let logger: Logger | undefined;
  let exitCode: ExitCode = ExitCode.OK;
  let currentPath = 'engine';
  let commanderErrText = '';
  let argvForErrors: readonly string[] = [];
  const abort = new AbortController();
  let handlesInterrupts = false;

  const envLevel = options.defaultLogLevel;
  const program = new Command('engine')
    .description('Event-sourced trading engine: backtest, live and replay runs over one auditable event log')
    .version(options.version, '-V, --version')
    .addOption(new Option('--db <path|esdb://...>', 'event store: a SQLite file, or an esdb:// or esdb+discover:// connection string').default(DEFAULT_DB))
    .addOption(new Option('--log-level <level>', 'log level (env ENGINE_LOG_LEVEL)').choices(LOG_LEVELS))
    .addOption(new Option('--quiet', 'no logs on stderr, for scripts (results still go to stdout, an error still prints its one line)').conflicts('logLevel'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => {
        commanderErrText += s;
      },
      outputError: () => {},
    });

  const getLogger = (level: LevelWithSilent): Logger => (logger ??= options.makeLogger(level));

  const resolveLevel = (flag: unknown): LevelWithSilent => {
    if (typeof flag === 'string' && isLogLevel(flag)) return flag;
    if (envLevel !== undefined && envLevel !== '') {
      if (!isLogLevel(envLevel)) throw new UsageError(`ENGINE_LOG_LEVEL=${envLevel} is not one of ${LOG_LEVELS.join(', ')}`);
      return envLevel;
    }
    return DEFAULT_LOG_LEVEL;
  };

  const cli: Cli = {
    program,
    out,
    action<O>(fn: Action<O>) {
      return async (...commanderArgs: unknown[]): Promise<void> => {
        const command = commanderArgs[commanderArgs.length - 1] as Command;
        const opts = commanderArgs[commanderArgs.length - 2] as O;
        const args = commanderArgs.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
        currentPath = commandPath(command);
        const g = command.optsWithGlobals<{ db: string; logLevel?: string; quiet?: boolean }>();
        const global: GlobalOptions = { db: g.db, logLevel: g.quiet === true ? 'silent' : resolveLevel(g.logLevel) };
        const log = getLogger(global.logLevel).child({ command: currentPath });
        const io: CommandIo = {
          global,
          logger: log,
          out,
          commandPath: currentPath,
          get signal() {
            handlesInterrupts = true;
            return abort.signal;
          },
        };
        const code = await fn(io, opts, args);
        exitCode = code ?? ExitCode.OK;
      };
    },
    async run(argv) {
      const onSignal = (): void => {
        // 'exit' handlers (e.g. lock release) still run.
        if (!handlesInterrupts || abort.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      argvForErrors = argv.slice(2);
      try {
        await program.parseAsync([...argv]);
        return exitCode;
      } catch (err) {
        if (err instanceof CommanderError) return commanderExit(err);
        const report = describeError(err);
        if (report.unexpected) {
          try {
            const o = program.opts<{ logLevel?: string; quiet?: boolean }>();
            getLogger(o.quiet === true ? 'silent' : resolveLevel(o.logLevel)).debug({ err }, 'internal error');
          } catch {
            // the level itself was bad; the line below still says what failed
          }
        }
        const where = currentPath !== 'engine' ? currentPath : commandPath(deepestCommand(program, argvForErrors));
        writeErrLine(`${where}: ${report.line}`);
        return report.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
  };

  /** commander's own verdicts: help and version are success, anything else is bad usage (exit 2). */
  function commanderExit(err: CommanderError): ExitCode {
    if (err.exitCode === 0) {
      // --help / --version: their text already went to stdout
      return ExitCode.OK;
    }
    if (err.code === 'commander.help') {
      const usage = /Usage: (\S+(?: [a-z][\w-]*)*)/.exec(commanderErrText)?.[1] ?? 'engine';
      writeErrLine(`${usage}: usage: missing command; see '${usage} --help'`);
      return ExitCode.USAGE;
    }
    const message = oneLine(err.message.replace(/^error: /, '').replace(/\n\(Did you mean/g, ' (did you mean'));
    const path = commandPath(deepestCommand(program, argvForErrors));
    writeErrLine(`${path}: usage: ${message}; see '${path} --help'`);
    return ExitCode.USAGE;
  }

  return cli;
}

/**
 * A command that only groups subcommands (`engine events`): without one, or with an unknown one,
 * it is a usage error with one line, instead of commander's help page on stderr.
 */
export function addGroup(program: Command, name: string, description: string): Command {
  const group = program.command(name).description(description);
  group.argument('[subcommand]').action((sub: string | undefined) => {
    const names = group.commands.map((c) => c.name()).join(', ');
    const path = commandPath(group);
    throw new UsageError(
      sub === undefined
        ? `'${path}' needs a subcommand: one of ${names}`
        : `unknown subcommand '${sub}' for '${path}': expected one of ${names}`,
    );
  });
  return group;
}

/** "--json" for commands that print results. */
export function jsonOption(cmd: Command): Command {
  return cmd.option('--json', 'print results as JSON on stdout');
}

/** An integer option parser for commander: `.option('--limit <n>', '...', intArg('--limit', 1))`. */
export function intArg(name: string, min = 0): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}

/** The command the words of argv lead to (for naming it in a usage error commander raised). */
function deepestCommand(program: Command, words: readonly string[]): Command {
  let cmd = program;
  for (const w of words) {
    if (w.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub) cmd = sub;
  }
  return cmd;
}

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
