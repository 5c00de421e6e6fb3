import type { Exchange } from 'ccxt';
import type { ZodType } from 'zod';
import type { SubmitOutcome } from '../../ports.js';
import { mapVenueRejection } from '../../venue-rejections.js';
import { type CallResult, captureCall } from './call-capture.js';
import type { CcxtVenueId } from './exchange-factory.js';
import { schemaProblem } from './venue-decimal.js';
import { VenueAccessError, type VenueAccessKind } from './venue-errors.js';
import { type VenueErrorReader, type WireFailure, classifyFailure, describeFailure } from './wire-failure.js';

/** Retry-After a 429/418 did not state. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

export type Answer<T> = { ok: true; value: T } | { ok: false; failure: WireFailure };

export interface VenueDialect {
  venue: CcxtVenueId;
  /** The venue's error message in a body, or null when the body is not one. */
  errorMessage: VenueErrorReader;
  /** A refusal that says the client order id is already taken: the order exists. */
  isDuplicate(body: string): boolean;
  /** A refusal that says the key or signature is wrong. */
  isAuthFailure(status: number, body: string): boolean;
}

/**
 * One venue account through one ccxt exchange: every call goes through here, is captured on the wire
 * and classified, and its answer is checked against a zod schema before anything is read from it.
 * The exchange is private: it holds the keys and must never be handed out.
 */
export class VenueSession {
  readonly #exchange: Exchange;

  constructor(
    exchange: Exchange,
    readonly dialect: VenueDialect,
  ) {
    this.#exchange = exchange;
  }

  get venue(): CcxtVenueId {
    return this.dialect.venue;
  }

  /** Calls the exchange and validates the raw answer `pick` selects from what ccxt returned. */
  async ask<R, T>(call: (ex: Exchange) => Promise<R>, pick: (result: R) => unknown, schema: ZodType<T>): Promise<Answer<T>> {
    const r: CallResult<R> = await captureCall(() => call(this.#exchange));
    if (!r.ok) return { ok: false, failure: classifyFailure(r.error, r.wire, this.dialect.errorMessage) };
    let raw: unknown;
    try {
      raw = pick(r.value);
    } catch {
      raw = undefined;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { ok: true, value: parsed.data };
    // A 2xx that is not the venue's answer: the request may have been carried out.
    const body = r.wire.body ?? '';
    const said = this.dialect.errorMessage(body);
    if (said !== null) return { ok: false, failure: { kind: 'refused', status: r.wire.status ?? 200, text: body } };
    return {
      ok: false,
      failure: {
        kind: 'unknown',
        cause: 'NETWORK',
        detail: `HTTP ${r.wire.status ?? '?'} answer not understood (${schemaProblem(parsed.error)}): ${clip(body)}`,
        status: r.wire.status,
      },
    };
  }

  /** The raw body text of the call (for answers whose numbers must not pass through JSON.parse). */
  async askRaw<R>(call: (ex: Exchange) => Promise<R>): Promise<Answer<string>> {
    const r = await captureCall(() => call(this.#exchange));
    if (!r.ok) return { ok: false, failure: classifyFailure(r.error, r.wire, this.dialect.errorMessage) };
    return { ok: true, value: r.wire.body ?? '' };
  }

  /** What a failed create means for the order. */
  submitOutcome(f: WireFailure): SubmitOutcome {
    switch (f.kind) {
      case 'throttled':
        return { kind: 'rate_limited', retryAfterMs: f.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, rawReason: `HTTP ${f.status}: ${f.text}` };
      case 'refused':
        if (this.dialect.isDuplicate(f.text)) return { kind: 'unknown', cause: 'DUPLICATE', detail: `the venue says the client order id is taken: ${f.text}` };
        return { kind: 'rejected', ...mapVenueRejection({ httpStatus: f.status, text: f.text }) };
      case 'not_sent':
        return { kind: 'rejected', ...mapVenueRejection({ text: `not sent: ${f.detail}` }) };
      case 'unknown':
        return { kind: 'unknown', cause: f.cause, detail: f.detail };
    }
  }

  accessError(operation: string, f: WireFailure): VenueAccessError {
    return new VenueAccessError(this.venue, this.accessKind(f), operation, describeFailure(f));
  }

  private accessKind(f: WireFailure): VenueAccessKind {
    switch (f.kind) {
      case 'throttled':
        return 'THROTTLED';
      case 'refused':
        return this.dialect.isAuthFailure(f.status, f.text) ? 'AUTH' : 'REFUSED';
      case 'not_sent':
        return /credential|apikey|secret/i.test(f.detail) ? 'AUTH' : 'REFUSED';
      case 'unknown':
        if (f.cause === 'HTTP_5XX') return 'VENUE_ERROR';
        if (f.status === 401 || f.status === 403) return 'AUTH';
        if (f.status === null) return 'UNREACHABLE';
        return 'GARBAGE';
    }
  }
}

export function rejectedBeforeSending(reason: string): SubmitOutcome {
  return { kind: 'rejected', reasonCode: 'VENUE_INVALID_ORDER', rawReason: `refused before sending: ${reason}` };
}

function clip(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}...` : one;
}
