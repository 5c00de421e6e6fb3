import type http from 'node:http';

/**
 * Server-sent events to every open status page: a new client gets the latest message of each kind at once, then
 * each one published after it. Only the latest message is kept (a slow page skips to the newest view;
 * there is no backlog to grow). A comment line every `heartbeatMs` keeps proxies from closing idle
 * streams and lets the server notice a page that went away.
 */
export class SseHub {
  private readonly clients = new Set<http.ServerResponse>();
  /** The latest message of each event name (a view, a problem). */
  private readonly latest = new Map<string, string>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.broadcastRaw(': ping\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  attach(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    const drop = (): void => {
      this.clients.delete(res);
    };
    req.on('close', drop);
    res.on('error', drop);
    for (const text of this.latest.values()) res.write(text);
  }

  publish(event: string, data: unknown, id: string | null = null): void {
    const text = frame({ event, id, data: JSON.stringify(data) });
    this.latest.set(event, text);
    this.broadcastRaw(text);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcastRaw(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}

function frame(m: { event: string; id: string | null; data: string }): string {
  // JSON.stringify never emits a raw newline, so the data is one line.
  return `event: ${m.event}\n${m.id === null ? '' : `id: ${m.id}\n`}data: ${m.data}\n\n`;
}
