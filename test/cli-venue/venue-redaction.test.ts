import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { VENUE_REDACT_PATHS } from '../../src/cli/venue/venue-redaction.js';

describe('pino redaction paths for a venue run', () => {
  it('censors keys and signatures wherever a venue request or credentials object puts them', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ redact: { paths: [...VENUE_REDACT_PATHS], censor: '[REDACTED]' } }, sink);
    log.info({ apiKey: 'K1', secret: 'S1' });
    log.info({ credentials: { apiKey: 'K2', secret: 'S2' } });
    log.info({ venue: { apiKey: 'K3', secret: 'S3' } });
    log.info({ headers: { 'X-MBX-APIKEY': 'K4', 'X-Signature': 'S4', 'x-pck': 'K5' } });
    log.info({ request: { headers: { 'x-mbx-apikey': 'K6', 'X-PCK': 'K7', 'x-signature': 'S7' } } });
    const text = lines.join('');
    for (const s of ['K1', 'S1', 'K2', 'S2', 'K3', 'S3', 'K4', 'S4', 'K5', 'K6', 'K7', 'S7']) expect(text).not.toContain(`"${s}"`);
    expect(text.match(/\[REDACTED\]/g)!.length).toBeGreaterThanOrEqual(11);
  });
});
