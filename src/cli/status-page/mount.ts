import type http from 'node:http';
import type { SloConfig } from '../../engine/config/schema.js';
import { sloThresholdsFromConfig } from '../../engine/config/slo-thresholds.js';
import type { Logger } from '../logger.js';
import type { MetricsServer, MountedRoute } from '../metrics-server.js';
import { type OpenedStore, openStore } from '../open-store.js';
import { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from './page-html.js';
import { SseHub } from './sse-hub.js';
import { StatusFeed } from './status-feed.js';

export interface StatusPageOptions {
  /** The --db of the run: opened a second time, read-only. */
  db: string;
  runId: string;
  /** The profile's SLO thresholds the figures are judged against (as `engine doctor` does). */
  slo: SloConfig;
  logger: Logger;
  pollIntervalMs?: number;
}

const PAGE_PATHS = new Set(['/', '/status']);
const EVENTS_PATH = '/status/events';
const JSON_PATH = '/status.json';
/** Browsers ask for it with every page: an empty answer, not a 404 in the page's console. */
const ICON_PATH = '/favicon.ico';

/**
 * Mounts the live status page on the metrics server: GET /status (and /) the page, GET /status/events
 * its server-sent events, GET /status.json the current view. Read-only: its own read-only handle on
 * the log, and any other method is 405. The page must never take the run down: a failure to open or
 * follow the log is logged and shown on the page, and the run goes on. `ready` settles once the page has
 * read the log (or given up); until then /status.json answers 503 and the stream waits.
 */
export function mountStatusPage(server: Pick<MetricsServer, 'mount'>, options: StatusPageOptions): { ready: Promise<void> } {
  const hub = new SseHub();
  let opened: OpenedStore | null = null;
  let feed: StatusFeed | null = null;
  let failed = false;
  const publishView = (): void => {
    if (feed === null) return;
    const view = feed.view();
    hub.publish('view', view, String(view.position));
  };
  const problem = (err: unknown, what: string): void => {
    options.logger.warn({ err }, `status page: ${what}`);
    hub.publish('problem', { message: `status page: ${what}: ${err instanceof Error ? err.message : String(err)}` });
  };
  // Loaded beside the run, not before it: folding a long log (from its checkpoint) must not delay the first cycle.
  const ready = (async () => {
    try {
      opened = await openStore(options.db, { access: 'read' });
      feed = await StatusFeed.start({
        store: opened.store,
        checkpoints: opened.checkpoints(),
        runId: options.runId,
        thresholds: sloThresholdsFromConfig(options.slo),
        // A view is built only while a page is open; a page that opens gets a fresh one (below).
        onChange: () => {
          if (hub.size > 0) publishView();
        },
        onError: (err) => problem(err, 'following the log stopped'),
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      });
    } catch (err) {
      failed = true;
      problem(err, 'cannot read the log');
    }
  })();
  const route: MountedRoute = {
    handle: (req, res) => {
      const url = req.url?.split('?')[0] ?? '';
      if (!PAGE_PATHS.has(url) && url !== EVENTS_PATH && url !== JSON_PATH && url !== ICON_PATH) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end('the status page is read-only\n');
        return true;
      }
      if (url === EVENTS_PATH) {
        if (req.method === 'HEAD') {
          send(req, res, 200, 'text/event-stream; charset=utf-8', '');
          return true;
        }
        publishView(); // nothing while loading: the view follows once the log is read
        hub.attach(req, res);
      } else if (url === JSON_PATH) sendJson(req, res, feed, failed);
      else if (url === ICON_PATH) send(req, res, 204, 'image/x-icon', '');
      else send(req, res, 200, 'text/html; charset=utf-8', STATUS_PAGE_HTML, { 'content-security-policy': STATUS_PAGE_CSP, 'referrer-policy': 'no-referrer' });
      return true;
    },
    close: async () => {
      await ready;
      await feed?.settle().catch(() => undefined);
      hub.close();
      await feed?.stop();
      await opened?.close();
    },
  };
  server.mount(route);
  return { ready };
}

function sendJson(req: http.IncomingMessage, res: http.ServerResponse, feed: StatusFeed | null, failed: boolean): void {
  if (feed === null) send(req, res, 503, 'application/json', JSON.stringify({ error: failed ? 'the status page cannot read the log' : 'the status page is still reading the log' }));
  else send(req, res, 200, 'application/json', JSON.stringify(feed.view()));
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}
