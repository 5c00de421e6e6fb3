import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { build, type Message, type Plugin } from 'esbuild';
import { SourceMapConsumer } from 'source-map-js';
import { isStrategyDefinition, type StrategyDefinition } from '../../engine/strategy-sdk/define.js';
import * as sdk from '../../engine/strategy-sdk/index.js';
import { StrategyConfigError } from '../../engine/strategy.js';

/** The import specifiers a strategy file may use for the engine's strategy API. */
export const SDK_SPECIFIERS: readonly string[] = ['engine/strategy', 'event-sourced-trading-engine/strategy'];

export interface StrategyFile {
  definition: StrategyDefinition;
  /** Absolute path, as RunStarted records it. */
  path: string;
  /** sha256 of the file's text: a replay refuses a file that changed. */
  sha256: string;
  /** "file.ts:LINE" of where an error thrown by the strategy arose, when it can be told. */
  locate(err: unknown): string;
}

/** Whether --strategy names a file rather than a built-in strategy. */
export function isStrategyPath(spec: string): boolean {
  return /[\\/]/.test(spec) || /\.(c|m)?(t|j)s$/.test(spec);
}

/**
 * Loads a user's strategy file (TypeScript or JavaScript, no build step): bundled with esbuild (its own imports
 * included; node's built-in modules refused: a strategy has no I/O), then evaluated in a context of its own
 * where the wall clock and unseeded randomness do not exist: `Date.now()`, `new Date()` without arguments and
 * `Math.random()` throw, and there are no timers, no `process`, no `require` but the strategy API. Its default
 * export must be a `defineStrategy(...)`. Every failure is a StrategyConfigError naming the file (and line).
 *
 * The context is a guard against accidents, not a security boundary: code that sets out to escape it can.
 */
export async function loadStrategyFile(spec: string): Promise<StrategyFile> {
  const file = path.resolve(spec);
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new StrategyConfigError(`${spec}: not a file`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof StrategyConfigError) throw err;
    throw new StrategyConfigError(`${spec}: cannot read the strategy file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const bundle = await compile(file, spec);
  const exports = evaluate(bundle.code, file, spec);
  const definition = (exports as { default?: unknown }).default ?? exports;
  if (!isStrategyDefinition(definition)) {
    throw new StrategyConfigError(`${spec}: the default export must be a strategy: export default defineStrategy({ name, params, init, onBar })`);
  }
  const consumer = new SourceMapConsumer(JSON.parse(bundle.map) as never);
  return {
    definition,
    path: file,
    sha256: createHash('sha256').update(text).digest('hex'),
    locate: (err) => locate(err, file, consumer),
  };
}

async function compile(file: string, spec: string): Promise<{ code: string; map: string }> {
  const sdkPlugin: Plugin = {
    name: 'engine-strategy-sdk',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (SDK_SPECIFIERS.includes(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith('node:') || NODE_BUILTINS.has(args.path)) {
          return { errors: [{ text: `imports "${args.path}": a strategy has no I/O, clock or randomness of its own` }] };
        }
        return undefined;
      });
    },
  };
  try {
    const r = await build({
      entryPoints: [file],
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      sourcemap: 'external',
      outfile: path.join(path.dirname(file), '.strategy-bundle.js'),
      write: false,
      logLevel: 'silent',
      plugins: [sdkPlugin],
    });
    const map = r.outputFiles.find((f) => f.path.endsWith('.map'))!.text;
    const code = r.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
    return { code, map };
  } catch (err) {
    const first = (err as { errors?: Message[] }).errors?.[0];
    if (first) {
      const where = first.location ? `${path.relative(process.cwd(), first.location.file) || spec}:${first.location.line}:${first.location.column + 1}` : spec;
      throw new StrategyConfigError(`${where}: ${first.text}`);
    }
    throw new StrategyConfigError(`${spec}: cannot compile the strategy (${(err as Error).message})`);
  }
}

/** What a strategy's context holds instead of the clock and the dice. */
const GUARDS = `
(() => {
  const RealDate = Date;
  const refuse = (what) => { throw new Error(what + ': a strategy may not read the wall clock or unseeded randomness (use market.time; seed your own generator)'); };
  class StrategyDate extends RealDate {
    constructor(...args) { if (args.length === 0) refuse('new Date()'); super(...args); }
    static now() { refuse('Date.now()'); }
  }
  globalThis.Date = StrategyDate;
  Math.random = () => refuse('Math.random()');
})();
`;

function evaluate(code: string, file: string, spec: string): unknown {
  const module = { exports: {} as unknown };
  const console = { log: writeErr, info: writeErr, warn: writeErr, error: writeErr, debug: writeErr };
  const context = vm.createContext({ module, console, __sdk: sdk });
  vm.runInContext(GUARDS, context);
  const require = (id: string) => {
    if (SDK_SPECIFIERS.includes(id)) return sdk;
    throw new StrategyConfigError(`${spec}: imports "${id}", which a strategy cannot use`);
  };
  try {
    const wrapped = vm.runInContext(`(function (module, exports, require) {\n${code}\n})`, context, { filename: file, lineOffset: -1 }) as (m: unknown, e: unknown, r: unknown) => void;
    wrapped(module, module.exports, require);
  } catch (err) {
    if (err instanceof StrategyConfigError) throw err;
    const message = typeof err === 'object' && err !== null && 'message' in err ? String((err as { message: unknown }).message) : String(err);
    throw new StrategyConfigError(`${spec}: loading the strategy threw: ${message}`);
  }
  return module.exports;
}

function writeErr(...args: unknown[]): void {
  // A strategy's prints go to stderr: stdout carries results (--json).
  process.stderr.write(`${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`);
}

/** The strategy file's line of the first stack frame inside it. */
function locate(err: unknown, file: string, map: SourceMapConsumer): string {
  const stack = typeof err === 'object' && err !== null && 'stack' in err ? String((err as { stack: unknown }).stack) : '';
  const name = path.basename(file);
  for (const line of stack.split('\n')) {
    const m = /\((.*):(\d+):(\d+)\)$/.exec(line.trim()) ?? /at (.*):(\d+):(\d+)$/.exec(line.trim());
    if (!m || m[1] !== file) continue;
    const original = map.originalPositionFor({ line: Number(m[2]), column: Number(m[3]) - 1 });
    if (original.line !== null && original.source) return `${path.basename(original.source)}:${original.line}`;
    return `${name} (bundled line ${m[2]})`;
  }
  return name;
}

const NODE_BUILTINS: ReadonlySet<string> = new Set([
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https',
  'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);
