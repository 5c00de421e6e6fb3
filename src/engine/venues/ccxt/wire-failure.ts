import { RequestTimeout } from 'ccxt';
import type { UnknownOutcomeCause } from '../../ports.js';
import type { WireCapture } from './call-capture.js';

/**
 * A failed venue call, classified by what happened on the wire (HTTP status first, never ccxt's error
 * class alone):
 * - not_sent: the error came before a request left (ccxt argument checks, missing credentials).
 * - throttled: 429 or 418; the venue refused to look at the request, nothing was created.
 * - refused: another 4xx, or a 2xx whose body is the venue's error: a definite "no" in the venue's words.
 * - unknown: 5xx, 408, a timeout, a reset or refused connection, an answer that is not the venue's JSON:
 *   whatever was asked may or may not have happened.
 */
export type WireFailure =
  | { kind: 'not_sent'; detail: string }
  | { kind: 'throttled'; status: number; retryAfterMs: number | null; text: string }
  | { kind: 'refused'; status: number; text: string }
  | { kind: 'unknown'; cause: Exclude<UnknownOutcomeCause, 'DUPLICATE'>; detail: string; status: number | null };

/** The venue's error message in a body, or null when the body is not one of its error answers. */
export type VenueErrorReader = (body: string) => string | null;

export function classifyFailure(error: unknown, wire: WireCapture, venueError: VenueErrorReader): WireFailure {
  if (!wire.sent) return { kind: 'not_sent', detail: messageOf(error) };
  const status = wire.status;
  if (status === null) {
    return error instanceof RequestTimeout
      ? { kind: 'unknown', cause: 'TIMEOUT', detail: `no answer in time: ${messageOf(error)}`, status: null }
      : { kind: 'unknown', cause: 'NETWORK', detail: `no answer: ${messageOf(error)}`, status: null };
  }
  return classifyAnswer(status, wire.body ?? '', wire.retryAfterMs, venueError);
}

/** An answer that arrived: what its status and body prove. */
export function classifyAnswer(status: number, body: string, retryAfterMs: number | null, venueError: VenueErrorReader): WireFailure {
  if (status === 429 || status === 418) return { kind: 'throttled', status, retryAfterMs, text: body };
  if (status >= 500) return { kind: 'unknown', cause: 'HTTP_5XX', detail: `HTTP ${status}: ${clip(body)}`, status };
  if (status === 408) return { kind: 'unknown', cause: 'TIMEOUT', detail: `HTTP 408: ${clip(body)}`, status };
  const said = venueError(body);
  if (said !== null && status >= 200 && status < 500) return { kind: 'refused', status, text: body };
  return { kind: 'unknown', cause: 'NETWORK', detail: `HTTP ${status} without a venue answer: ${clip(body)}`, status };
}

export function describeFailure(f: WireFailure): string {
  switch (f.kind) {
    case 'not_sent':
      return `not sent: ${f.detail}`;
    case 'throttled':
      return `HTTP ${f.status}: ${clip(f.text)}`;
    case 'refused':
      return `HTTP ${f.status}: ${clip(f.text)}`;
    case 'unknown':
      return f.detail;
  }
}

/** An error's message without URL query strings (a signed request's query carries its signature). */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1?...');
}

function clip(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}...` : one;
}
