import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets } from '../../src/cli/logger.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/log-secrets.mjs');

function logOutput(mode: 'json' | 'pretty'): string {
  const r = spawnSync(process.execPath, [FIXTURE, mode], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe(''); // logs never go to stdout: it carries results
  return r.stderr;
}

describe('the CLI logger never writes a secret', () => {
  it('JSON lines on stderr, with every credential-like value redacted at any depth', () => {
    const out = logOutput('json');
    const records = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(3);
    expect(out).not.toMatch(/S3CRET/);
    expect(out).toContain(REDACTED);
    // What is not a secret is still there.
    expect(records[0]).toMatchObject({ msg: 'connecting', symbol: 'BTCUSDT', venue: { name: 'binance' } });
    expect(records[2]).toMatchObject({ msg: 'submit failed', err: { type: 'Error' } });
    expect(JSON.stringify(records[2])).toContain('venue call failed for esdb://admin:[REDACTED]@db:2113');
  });

  it('the pretty (terminal) output as well', () => {
    const out = logOutput('pretty');
    expect(out).toContain('connecting');
    expect(out).not.toMatch(/S3CRET/);
  });
});

describe('redactSecrets', () => {
  it('recognises key-like names and leaves ordinary ones', () => {
    for (const k of ['apiKey', 'api_key', 'API_KEY', 'x-api-key', 'X-MBX-APIKEY', 'secret', 'secretKey', 'clientSecret', 'password', 'passwd', 'Authorization', 'token', 'accessToken', 'privateKey', 'key', 'hmac.key', 'signature', 'passphrase', 'cookie']) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['symbol', 'monkey', 'keys', 'keyboard', 'clientOrderId', 'price', 'qty', 'venue', 'runId']) {
      expect(isSecretKey(k), k).toBe(false);
    }
  });

  it('does not modify its input and survives cycles', () => {
    const input: Record<string, unknown> = { apiKey: 'a', nested: { ok: 1 } };
    input.self = input;
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(out.apiKey).toBe(REDACTED);
    expect(input.apiKey).toBe('a');
    expect(out.self).toBe('[Circular]');
  });
});
