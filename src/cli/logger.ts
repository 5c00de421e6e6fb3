import { destination, pino, stdSerializers, stdTimeFunctions, type LevelWithSilent, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import { VENUE_REDACT_PATHS } from './venue/venue-redaction.js';

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
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      // pino's own redaction of the places venue keys and signatures live (headers, credentials), before
      // the key-name redaction of formatters.log below.
      redact: { paths: [...VENUE_REDACT_PATHS], censor: REDACTED },
      // Errors are serialised (and redacted) by formatters.log below; keep its result as it is.
      serializers: { err: (e: unknown) => (e instanceof Error ? redactSecrets(e) : e) },
      formatters: {
        log: (obj) => redactSecrets(obj) as Record<string, unknown>,
        bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      },
    },
    stream,
  );
  // pino applies formatters.bindings to the root only; children (and theirs, which inherit this
  // property through the prototype chain) get their bindings redacted here.
  const pinoChild = logger.child;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, childOptions?: unknown) {
    return pinoChild.call(this, redactSecrets(bindings) as Record<string, unknown>, childOptions as never);
  } as typeof logger.child;
  return logger;
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
const SECRET_WORDS = /api[_-]?key|secret|passw(or)?d|passphrase|authori[sz]ation|token|signature|cookie|credential|private[_-]?key/i;
/** key, api_key, x-api-key, hmac.key, API_KEY */
const KEY_SUFFIX = /(^|[_\-.])key$/i;
/** apiKey, secretKey (camelCase; "monkey" is not a key) */
const CAMEL_KEY = /[a-z0-9]Key$/;

export function isSecretKey(key: string): boolean {
  return SECRET_WORDS.test(key) || KEY_SUFFIX.test(key) || CAMEL_KEY.test(key);
}

/** A copy of `value` with every credential-like member replaced by [REDACTED], at any depth. */
export function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? redactUrlPassword(value) : value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  if (value instanceof Error) {
    // type, message, stack, cause and the error's own fields (e.g. a request config with headers).
    seen.delete(value);
    return redactSecrets({ ...stdSerializers.err(value) }, seen);
  }
  if (!isPlainObject(value)) {
    // Decimal, Date, Map...: their own string form is what a log line should show.
    return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? value : String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v, seen);
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
