import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitCommitAt } from '../../src/cli/build-info.js';
import { tempDir } from '../support.js';

const tmp = tempDir('build-info-');
afterAll(() => tmp.cleanup());

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
}

describe('the commit RunStarted records (read from .git, no git process)', () => {
  const repo = path.join(tmp.dir, 'repo');
  mkdirSync(path.join(repo, 'src', 'cli'), { recursive: true });
  git(repo, 'init', '-q');
  writeFileSync(path.join(repo, 'a.txt'), 'a');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'one');

  it('in a clone: the branch head, loose or packed', () => {
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(gitCommitAt(path.join(repo, 'src', 'cli'))).toBe(head);
    git(repo, 'pack-refs', '--all');
    expect(gitCommitAt(path.join(repo, 'src', 'cli'))).toBe(head);
  });

  it('in a linked worktree: its own head, not the main checkout\'s', () => {
    const wt = path.join(tmp.dir, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    writeFileSync(path.join(wt, 'b.txt'), 'b');
    git(wt, 'add', '.');
    git(wt, 'commit', '-qm', 'two');
    const side = git(wt, 'rev-parse', 'HEAD');
    expect(side).not.toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(gitCommitAt(wt)).toBe(side);
  });

  it('outside any checkout: null', () => {
    const bare = path.join(tmp.dir, 'plain', 'a', 'b');
    mkdirSync(bare, { recursive: true });
    expect(gitCommitAt(bare)).toBeNull();
  });
});
