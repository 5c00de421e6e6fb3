import {
  EventValidationError,
  ExpectedVersionConflictError,
  IdempotencyConflictError,
  StoreOpenError,
  StoreUnavailableError,
} from '../events/errors.js';
import { ConfigError } from '../engine/config/errors.js';
import { IllegalOrderTransitionError } from '../projections/errors.js';
import { RunFailedError } from '../replay/backtest/errors.js';
import { WriteFailedError } from './atomic-file.js';
import { ExitCode } from './exit-codes.js';

/**
 * Typed errors a command throws to say "the user gave us something wrong". Each maps to one exit
 * code and one line on stderr; see describeError().
 */

/** Wrong arguments or options (beyond what commander itself checks). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Bad input data or configuration: names what and where (file, line, field) in its message.
 * `where` is optional because the message itself often says it best.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly where?: { file?: string; line?: number; field?: string },
  ) {
    super(message);
  }
}

/** The single-instance lock of a database is held by another live process. */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(
    readonly lockFile: string,
    readonly holder: { pid: number; host: string; startedAt: string; command?: string },
    hint?: string,
  ) {
    super(
      (holder.pid > 0
        ? `the run lock ${lockFile} is held by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}`
        : `the run lock ${lockFile} is held`) +
        (holder.command ? ` (${holder.command})` : '') +
        (hint ? `: ${hint}` : ''),
    );
  }
}

export interface ErrorReport {
  exitCode: ExitCode;
  /** One line, no newline, for stderr. */
  line: string;
  /** True when the error is a bug or an unexpected failure: its stack belongs in the debug log. */
  unexpected: boolean;
}

/** Map any thrown value to its exit code and the one line a person reads. */
export function describeError(err: unknown): ErrorReport {
  if (err instanceof LockHeldError) return report(ExitCode.LOCKED, err.message);
  if (err instanceof UsageError) return report(ExitCode.USAGE, `usage: ${err.message}`);
  // A strategy that threw mid-run: the run is recorded up to there and ended ERROR (a verdict, not a crash).
  if (err instanceof RunFailedError) return report(ExitCode.VERDICT_FAILED, err.message);
  if (err instanceof InputError) return report(ExitCode.USAGE, withWhere(err));
  // A bad config file lists every invalid field, one per line under the file name (issue 4).
  if (err instanceof ConfigError) return { exitCode: ExitCode.USAGE, line: safeLines(err.message), unexpected: false };
  if (err instanceof StoreOpenError) return report(ExitCode.USAGE, err.message);
  if (err instanceof EventValidationError) return report(ExitCode.USAGE, err.message);
  // The log holds an order lifecycle the projections refuse: bad data, named by position.
  if (err instanceof IllegalOrderTransitionError) return report(ExitCode.USAGE, err.message);
  // A write refused by the log's rules because of what the user asked for: nothing was appended.
  if (err instanceof ExpectedVersionConflictError || err instanceof IdempotencyConflictError) {
    return report(ExitCode.USAGE, err.message);
  }
  // A file the command writes (a report): a bad path found before anything was appended is the
  // user's to fix (2); a full disk or failing device, or any failure after the log was appended to,
  // is an I/O error (74). Either way the write left nothing half-written.
  if (err instanceof WriteFailedError) {
    return report(err.isResourceFailure || err.afterAppend ? ExitCode.IO_ERROR : ExitCode.USAGE, err.message);
  }
  if (err instanceof StoreUnavailableError) return { exitCode: ExitCode.INTERNAL, line: oneLine(err.message), unexpected: true };
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { exitCode: ExitCode.INTERNAL, line: `internal error: ${oneLine(message)}`, unexpected: true };
}

function report(exitCode: ExitCode, message: string): ErrorReport {
  return { exitCode, line: oneLine(message), unexpected: false };
}

function withWhere(err: InputError): string {
  const w = err.where;
  if (!w) return err.message;
  const at = [w.file, w.line !== undefined ? `line ${w.line}` : undefined, w.field !== undefined ? `field ${w.field}` : undefined]
    .filter((s): s is string => s !== undefined)
    .join(', ');
  return at && !err.message.includes(at) ? `${at}: ${err.message}` : err.message;
}

/** The longest error line printed; what a message quotes from the user's input is capped earlier. */
export const MAX_ERROR_LINE = 2_000;

/**
 * Errors are exactly one line a terminal can show: newlines collapse, other control bytes (and
 * the terminal escape sequences they start) are written as \xNN, and the line is capped.
 */
export function oneLine(message: string): string {
  return terminalSafe(message.replace(/\s*[\r\n]+\s*/g, ' | ').trim());
}

/** Like oneLine, for a message that is several lines on purpose (a config file's invalid fields). */
export function safeLines(message: string): string {
  return message.split(/\r?\n/).map(terminalSafe).join('\n');
}

function terminalSafe(line: string): string {
  const flat = line
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return flat.length <= MAX_ERROR_LINE ? flat : `${flat.slice(0, MAX_ERROR_LINE)}... (${flat.length - MAX_ERROR_LINE} more characters)`;
}
