import { destination, pino, stdTimeFunctions, type LevelWithSilent, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const DEFAULT_LOG_LEVEL: LevelWithSilent = 'info';

export function isLogLevel(value: string): value is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-readable lines instead of JSON: for a person at a terminal. */
  pretty: boolean;
  /** Where lines go; stderr (fd 2) by default, because stdout carries results. */
  destinationFd?: number;
}

/**
 * The one place a pino logger is created (only src/cli may). JSON lines on stderr, written
 * synchronously so that nothing is lost when the process exits right after an error.
 * Anything that looks like a credential is replaced before it is written, at any depth.
 */
export function createLogger(options: LoggerOptions): Logger {
  const fd = options.destinationFd ?? 2;
  const stream = options.pretty
    ? loadPretty()({ destination: fd, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    : destination({ fd, sync: true });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: {
        log: (obj) => redactSecrets(obj) as Record<string, unknown>,
        bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      },
    },
    stream,
  );
}

/** pino-pretty is only loaded for a person at a terminal: scripts and CI never pay for it. */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

export const REDACTED = '[REDACTED]';

/**
 * Key names that carry credentials: apiKey, api_key, x-api-key, secret, secretKey, password,
 * authorization, token, privateKey, signature, passphrase, cookie, credentials, and any *.key.
 */
const SECRET_KEY =
  /(^|[_\-.])key$|[a-z0-9]Key$|api[_-]?key|secret|passw(or)?d|passphrase|authori[sz]ation|token|signature|cookie|credential|private[_-]?key/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || /(^|[_\-.])KEY$/.test(key);
}

/** A copy of `value` with every credential-like member replaced by [REDACTED], at any depth. */
export function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? redactUrlPassword(value) : value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  const source: Record<string, unknown> =
    value instanceof Error
      ? { type: value.name, message: value.message, stack: value.stack, ...(value as unknown as Record<string, unknown>) }
      : (value as Record<string, unknown>);
  if (!(value instanceof Error) && !isPlainObject(value)) {
    // Decimal, Date, Map...: their own string form is what a log line should show.
    return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? value : String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v, seen);
  if (value instanceof Error && value.cause !== undefined) out.cause = redactSecrets(value.cause, seen);
  return out;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** esdb://user:password@host -> esdb://user:[REDACTED]@host, wherever such a URL appears in a string. */
export function redactUrlPassword(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+:)[^@/?#\s]+@/gi, `$1${REDACTED}@`);
}
