import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Real public market data beside the project; never copied into it. */
export const SHARED_DATA = path.resolve(PROJECT_ROOT, '../shared/data');
export const HAS_SHARED_DATA = existsSync(SHARED_DATA);
export const SHARED_DATA_SKIP_MESSAGE = `../shared/data not found at ${SHARED_DATA}: skipping tests on real market data`;
/** The compiled CLI (test/global-setup.ts builds it). */
export const CLI = path.join(PROJECT_ROOT, 'dist/src/cli/main.js');

export function tempDir(prefix = 'engine-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
