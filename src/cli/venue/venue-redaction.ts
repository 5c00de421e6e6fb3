/**
 * pino `redact` paths for a live venue run, beside the logger's own key-name redaction
 * (src/cli/logger.ts): request headers that carry a key or signature (Binance X-MBX-APIKEY, BTCTurk
 * X-PCK / X-Signature), credentials objects, and the fields ccxt keeps them in. Exchange objects are
 * sealed (they serialise to their id only) and never handed out by the adapters; these paths are for
 * anything a future log line might still carry.
 */
export const VENUE_REDACT_PATHS: readonly string[] = [
  'apiKey',
  'secret',
  'password',
  'credentials',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.credentials',
  '*.*.apiKey',
  '*.*.secret',
  'headers["x-mbx-apikey"]',
  'headers["X-MBX-APIKEY"]',
  'headers["x-pck"]',
  'headers["X-PCK"]',
  'headers["x-signature"]',
  'headers["X-Signature"]',
  '*.headers["x-mbx-apikey"]',
  '*.headers["X-MBX-APIKEY"]',
  '*.headers["x-pck"]',
  '*.headers["X-PCK"]',
  '*.headers["x-signature"]',
  '*.headers["X-Signature"]',
];
