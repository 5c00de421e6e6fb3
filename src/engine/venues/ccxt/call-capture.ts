import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from 'ccxt';

/**
 * What one ccxt call did on the wire: whether a request left, the HTTP status and Retry-After of the
 * answer, and its body. ccxt's own error classes do not say this reliably (it maps Binance 429/418 to
 * DDoSProtection, a NetworkError; BTCTurk 429 to ExchangeError; -1021 to InvalidNonce; and applies
 * Binance's spot error table only on the production host), so the adapters classify by what is
 * captured here, HTTP status first.
 *
 * The capture is per call (AsyncLocalStorage), so concurrent calls on one exchange never see each
 * other's answers; a new call always starts from an empty capture.
 */
export interface WireCapture {
  /** ccxt entered its fetch: the request may have reached the venue. */
  sent: boolean;
  /** Status of the last answer, null when none arrived (timeout, reset, refused connection). */
  status: number | null;
  /** Retry-After in ms, when the answer carried one in seconds. */
  retryAfterMs: number | null;
  /** The answer's body, verbatim (trimmed), null when none arrived. */
  body: string | null;
}

const current = new AsyncLocalStorage<WireCapture>();

export type CallResult<T> = { ok: true; value: T; wire: WireCapture } | { ok: false; error: unknown; wire: WireCapture };

/** Instruments an exchange once: its fetch marks the capture as sent, onRestResponse fills it. */
export function instrumentExchange(exchange: Exchange): void {
  const fetch = exchange.fetch.bind(exchange);
  exchange.fetch = async (url: string, method?: string, headers?: any, body?: any) => {
    const wire = current.getStore();
    if (wire) wire.sent = true;
    return fetch(url, method, headers, body);
  };
  exchange.onRestResponse = (statusCode: number, _statusText: string, _url: string, _method: string, responseHeaders: any, responseBody: string) => {
    const wire = current.getStore();
    const text = typeof responseBody === 'string' ? responseBody.trim() : String(responseBody);
    if (wire) {
      wire.status = statusCode;
      wire.body = text;
      wire.retryAfterMs = retryAfterMs(responseHeaders);
    }
    return text;
  };
}

/** Runs one ccxt call with a fresh capture; never throws. */
export async function captureCall<T>(call: () => Promise<T>): Promise<CallResult<T>> {
  const wire: WireCapture = { sent: false, status: null, retryAfterMs: null, body: null };
  try {
    const value = await current.run(wire, call);
    return { ok: true, value, wire };
  } catch (error) {
    return { ok: false, error, wire };
  }
}

function retryAfterMs(headers: unknown): number | null {
  if (headers === null || typeof headers !== 'object') return null;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() !== 'retry-after') continue;
    const seconds = Number(String(v).trim());
    return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
  }
  return null;
}
