import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicTextFile, WriteFailedError, writeFileAtomic } from '../../src/cli/atomic-file.js';
import { describeError } from '../../src/cli/errors.js';
import { PROJECT_ROOT, tempDir } from '../support.js';

const tmp = tempDir('engine-atomic-file-');
afterAll(() => tmp.cleanup());

describe('writeFileAtomic', () => {
  it('replaces the content exactly, keeps the mode of an existing file, leaves no temporary file', () => {
    const file = path.join(tmp.dir, 'a.txt');
    writeFileSync(file, 'old', { mode: 0o600 });
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), (text) => {
        writeFileAtomic(file, text);
        expect(readFileSync(file, 'utf8')).toBe(text);
      }),
      { numRuns: 50 },
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(tmp.dir)).toEqual(['a.txt']);
  });

  it('a write the system refuses (a file-size limit: EFBIG) keeps the old file whole and leaves nothing behind', () => {
    const dir = path.join(tmp.dir, 'limited');
    const script = `
      import { mkdirSync, writeFileSync } from 'node:fs';
      import { writeFileAtomic } from '${path.join(PROJECT_ROOT, 'dist/src/cli/atomic-file.js')}';
      mkdirSync(${JSON.stringify(dir)});
      writeFileSync(${JSON.stringify(path.join(dir, 'report.html'))}, 'the old report');
      try { writeFileAtomic(${JSON.stringify(path.join(dir, 'report.html'))}, 'x'.repeat(200000)); console.log('written'); }
      catch (err) { console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message })); }
    `;
    // ulimit -f counts 512-byte blocks here (dash): 64 blocks = 32 KiB, far less than the new content.
    const r = spawnSync('sh', ['-c', `ulimit -f 64 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { name: string; code: string; message: string };
    expect(out).toMatchObject({ name: 'WriteFailedError', code: 'EFBIG' });
    expect(out.message).toMatch(/report\.html: file too large for this system or its limits \(EFBIG\)$/);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toBe('the old report');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('atomicTextFile: null before the first write, the text after; a folder at its path is refused, not read', () => {
    const state = atomicTextFile(path.join(tmp.dir, 'venue.json'));
    expect(state.read()).toBeNull();
    state.write('{"v":1}');
    expect(state.read()).toBe('{"v":1}');
    const folder = path.join(tmp.dir, 'a-folder.json');
    mkdirSync(folder);
    expect(() => atomicTextFile(folder).read()).toThrow(WriteFailedError);
  });

  it('a refused write maps to exit 74 when the system ran out of room, 2 when the path is wrong', () => {
    expect(describeError(new WriteFailedError('r.html', 'ENOSPC', 'no space left on the device (ENOSPC)')).exitCode).toBe(74);
    expect(describeError(new WriteFailedError('r.html', 'EACCES', 'permission denied (EACCES)')).exitCode).toBe(2);
    expect(describeError(new WriteFailedError('r.html', 'EACCES', 'permission denied (EACCES)', true)).exitCode).toBe(74);
  });
});
