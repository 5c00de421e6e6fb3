import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tests that run the CLI as a real child process use the compiled dist/. Build it once per test run so
 * it is never stale. Set SKIP_BUILD=1 to skip when you know dist/ is fresh.
 */
export default function setup(): void {
  if (process.env.SKIP_BUILD === '1') return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
