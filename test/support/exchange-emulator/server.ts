import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Endpoint } from './faults.js';
import { FaultPlan } from './faults.js';
import type { Dialect, EmuRequest, EmuResponse } from './http-types.js';
import type { MatchingBook } from './matching-book.js';

export interface RequestRecord {
  endpoint: Endpoint | null;
  /** The client order id the request names (create, cancel, query), when it names one. */
  clientOrderId: string | null;
  method: string;
  path: string;
  status: number | null;
  /** What the emulator did with the answer: sent, held (timeout), reset. */
  answer: 'sent' | 'held' | 'reset';
}

/**
 * The emulator's HTTP server on 127.0.0.1 with an ephemeral port. Each request: route, draw faults,
 * wait out latency, refuse with 429/418 (nothing carried out), hold forever (timeout before commit),
 * check key and signature, carry out (the dialect's handler, which commits to the book), then answer,
 * or break the answer after the commit (5xx, hold, reset, non-JSON 200).
 */
export class EmulatorServer {
  readonly faults = new FaultPlan();
  readonly requests: RequestRecord[] = [];
  private readonly creates = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((req, res) => void this.serve(req, res));
  private port = 0;

  constructor(
    private readonly dialect: Dialect,
    readonly book: MatchingBook,
  ) {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('emulator: no port');
    this.port = addr.port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Create requests received for a client order id (whatever became of them). */
  createCalls(clientOrderId: string): number {
    return this.creates.get(clientOrderId) ?? 0;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const r: EmuRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      rawQuery: url.search.replace(/^\?/, ''),
      body,
      headers: req.headers,
    };
    const record: RequestRecord = { endpoint: null, clientOrderId: null, method: r.method, path: r.path, status: null, answer: 'sent' };
    this.requests.push(record);
    this.book.sync();
    const route = this.dialect.route(r.method, r.path);
    if (!route) return this.send(res, record, this.dialect.notFound(r));
    record.endpoint = route.endpoint;
    const clientOrderId = route.clientOrderId(r);
    record.clientOrderId = clientOrderId;
    if (route.endpoint === 'createOrder' && clientOrderId !== null) this.creates.set(clientOrderId, this.createCalls(clientOrderId) + 1);
    const faults = this.faults.take(route.endpoint, clientOrderId);
    const latency = faults.find((f) => f.kind === 'latency');
    if (latency) await sleep(latency.ms);
    const fault = faults.find((f) => f.kind !== 'latency');
    if (fault?.kind === 'rate-limited') return this.send(res, record, this.dialect.rateLimited(fault.status ?? 429, fault.retryAfterSec));
    if (fault?.kind === 'answer') return this.send(res, record, { status: fault.status, body: fault.body, headers: { 'content-type': 'application/json' } });
    if (fault?.kind === 'timeout-before-commit') return this.hold(record);
    if (route.signed) {
      const refused = this.dialect.authenticate(r, this.book.now);
      if (refused) return this.send(res, record, refused);
    }
    // The venue does the work; a fault "after commit" then replaces whatever it would have answered.
    const answer = route.handle(r, { book: this.book, faults });
    if (fault?.kind === 'timeout-after-commit') return this.hold(record);
    if (fault?.kind === 'reset-after-commit') {
      record.answer = 'reset';
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === '5xx-after-commit') return this.send(res, record, this.dialect.serverError(fault.status ?? (this.dialect.name === 'binance' ? 503 : 500)));
    if (fault?.kind === 'non-json-200') {
      return this.send(res, record, { status: 200, body: '<html><body>upstream says OK</body></html>', headers: { 'content-type': 'text/html' } });
    }
    this.send(res, record, answer);
  }

  private hold(record: RequestRecord): void {
    // The socket stays open and silent until the client gives up or the emulator closes.
    record.answer = 'held';
  }

  private send(res: ServerResponse, record: RequestRecord, a: EmuResponse): void {
    record.status = a.status;
    res.writeHead(a.status, { 'content-type': 'application/json;charset=UTF-8', ...(a.headers ?? {}) });
    res.end(a.body);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
