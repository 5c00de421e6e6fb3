import { execFile, spawn, spawnSync } from 'node:child_process';
import { CLI } from '../support.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/src/cli/main.js ...args` as a real child process. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, ENGINE_LOG_LEVEL: undefined, ...options.env };
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** runCli without blocking, so independent CLI runs can overlap (describe.concurrent, Promise.all). */
export function runCliAsync(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, ENGINE_LOG_LEVEL: undefined, ...options.env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines of a stream, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
}

/** A long-running CLI child (e.g. `events tail --follow`) whose output is collected as it arrives. */
export function startCli(args: readonly string[], options: { cwd?: string } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ENGINE_LOG_LEVEL: undefined } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Resolves once stdout satisfies `predicate`; rejects after timeoutMs. */
    async waitForStdout(predicate: (out: string) => boolean, timeoutMs = 10_000): Promise<string> {
      const start = Date.now();
      while (!predicate(stdout)) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for output; stdout so far:\n${stdout}\nstderr:\n${stderr}`);
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) early; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return stdout;
    },
  };
}
