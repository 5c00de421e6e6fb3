import type { IncomingHttpHeaders } from 'node:http';
import type { Endpoint, Fault } from './faults.js';
import type { MatchingBook } from './matching-book.js';

export interface EmuRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The query string as sent (without '?'). */
  rawQuery: string;
  body: string;
  headers: IncomingHttpHeaders;
}

export interface EmuResponse {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  book: MatchingBook;
  /** Faults drawn for this request (the dialect acts on 'invisible' and 'fill-after-cancel'). */
  faults: readonly Fault[];
}

export interface Route {
  endpoint: Endpoint;
  signed: boolean;
  /** The client order id the request is about, when it names one. */
  clientOrderId(req: EmuRequest): string | null;
  handle(req: EmuRequest, ctx: RouteContext): EmuResponse;
}

/** One venue's HTTP dialect over the book. */
export interface Dialect {
  readonly name: 'binance' | 'btcturk';
  route(method: string, path: string): Route | null;
  /** An error answer when the request's key or signature is wrong, else null. */
  authenticate(req: EmuRequest, now: number): EmuResponse | null;
  rateLimited(status: 429 | 418, retryAfterSec: number): EmuResponse;
  serverError(status: number): EmuResponse;
  notFound(req: EmuRequest): EmuResponse;
}

export function json(status: number, value: unknown): EmuResponse {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json;charset=UTF-8' } };
}

/** Params of a signed request: the query string plus (for a POST) the form or JSON body. */
export function formParams(req: EmuRequest): URLSearchParams {
  const out = new URLSearchParams(req.rawQuery);
  const type = String(req.headers['content-type'] ?? '');
  if (req.body !== '' && type.includes('x-www-form-urlencoded')) for (const [k, v] of new URLSearchParams(req.body)) out.append(k, v);
  return out;
}
