/** Epoch milliseconds as the log writes times: ISO-8601, UTC, millisecond precision. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
