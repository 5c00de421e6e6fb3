import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The commit of the checkout the CLI runs from, when it is one (read from .git, no child process).
 * ENGINE_GIT_COMMIT overrides it (builds outside a checkout; reproducible runs across commits); empty = none.
 */
export function gitCommit(): string | null {
  const given = process.env.ENGINE_GIT_COMMIT;
  if (given !== undefined) return given.trim() === '' ? null : given.trim();
  return gitCommitAt(path.dirname(fileURLToPath(import.meta.url)));
}

/**
 * The commit checked out in the repository holding `start` (or one of its six parents): a clone, or a linked
 * worktree (its `.git` is a file naming its own git dir; branches and packed refs live in the common one).
 */
export function gitCommitAt(start: string): string | null {
  try {
    let dir = start;
    for (let i = 0; i < 6 && !existsSync(path.join(dir, '.git')); i++) dir = path.dirname(dir);
    const dotGit = path.join(dir, '.git');
    if (!existsSync(dotGit)) return null;
    const gitDir = statSync(dotGit).isFile() ? linkedGitDir(dotGit) : dotGit;
    if (gitDir === null) return null;
    const commonFile = path.join(gitDir, 'commondir');
    const commonDir = existsSync(commonFile) ? path.resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : null;
    const ref = head.slice(5);
    for (const d of [gitDir, commonDir]) {
      const loose = path.join(d, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    }
    const packedFile = path.join(commonDir, 'packed-refs');
    if (!existsSync(packedFile)) return null;
    const packed = readFileSync(packedFile, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
    return packed ? packed.slice(0, 40) : null;
  } catch {
    return null;
  }
}

/** A linked worktree's `.git` file: "gitdir: <path>". */
function linkedGitDir(dotGitFile: string): string | null {
  const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGitFile, 'utf8'));
  return m ? path.resolve(path.dirname(dotGitFile), m[1]!.trim()) : null;
}
