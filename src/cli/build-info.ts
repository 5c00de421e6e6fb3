import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The commit of the checkout the CLI runs from, when it is one (read from .git, no child process).
 * ENGINE_GIT_COMMIT overrides it (builds outside a checkout; reproducible runs across commits); empty = none.
 */
export function gitCommit(): string | null {
  const given = process.env.ENGINE_GIT_COMMIT;
  if (given !== undefined) return given.trim() === '' ? null : given.trim();
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6 && !existsSync(path.join(dir, '.git')); i++) dir = path.dirname(dir);
    const gitDir = path.join(dir, '.git');
    if (!existsSync(gitDir)) return null;
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : null;
    const ref = head.slice(5);
    const loose = path.join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(path.join(gitDir, 'packed-refs'), 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
    return packed ? packed.slice(0, 40) : null;
  } catch {
    return null;
  }
}
