import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AnyNewEvent, AnyStoredEvent } from '../events/event-factory.js';

/**
 * Prometheus metrics (prom-client) for a live run, derived from the events the engine appends:
 * the log stays the one source of truth and the metrics can never disagree with it.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly cycles = new Counter({ name: 'engine_cycles_total', help: 'Cycles completed', registers: [this.registry] });
  private readonly phase = new Histogram({
    name: 'engine_cycle_phase_seconds',
    help: 'Duration of each cycle phase',
    labelNames: ['phase'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly orders = new Counter({ name: 'engine_orders_total', help: 'Order outcomes', labelNames: ['outcome'], registers: [this.registry] });
  private readonly unknown = new Gauge({ name: 'engine_unknown_orders', help: 'Orders whose submit outcome is still unknown', registers: [this.registry] });
  private readonly mode = new Gauge({ name: 'engine_risk_mode', help: 'Current risk mode (1 = active)', labelNames: ['mode'], registers: [this.registry] });
  private readonly killSwitch = new Gauge({ name: 'engine_kill_switch', help: '1 while the kill switch is engaged', registers: [this.registry] });
  private readonly unresolved = new Set<string>();
  private lastCycleAt: number | null = null;

  constructor() {
    this.setMode('NORMAL');
    this.killSwitch.set(0);
    this.unknown.set(0);
  }

  observe(event: AnyNewEvent | AnyStoredEvent, wallClockMs: number): void {
    switch (event.type) {
      case 'CycleCompleted':
        this.cycles.inc();
        this.lastCycleAt = wallClockMs;
        for (const [name, ms] of Object.entries(event.data.phaseMs)) this.phase.observe({ phase: name }, ms / 1000);
        break;
      case 'OrderAccepted':
        this.orders.inc({ outcome: 'accepted' });
        break;
      case 'OrderRejected':
        this.orders.inc({ outcome: 'rejected' });
        break;
      case 'OrderDenied':
        this.orders.inc({ outcome: 'denied' });
        break;
      case 'OrderFilled':
        this.orders.inc({ outcome: 'filled' });
        break;
      case 'OrderOutcomeUnknown':
        this.orders.inc({ outcome: 'unknown' });
        this.unresolved.add(event.data.clientOrderId);
        break;
      case 'OrderSubmitThrottled':
        this.orders.inc({ outcome: 'throttled' });
        break;
      case 'UnknownOrderEscalated':
        this.orders.inc({ outcome: 'escalated' });
        break;
      case 'OrderReconciled':
        if (event.data.outcome !== 'STILL_UNKNOWN') {
          this.orders.inc({ outcome: event.data.outcome === 'COMMITTED' ? 'reconciled_committed' : 'reconciled_failed' });
          this.unresolved.delete(event.data.clientOrderId);
        }
        break;
      case 'RiskModeChanged':
        this.setMode(event.data.to);
        break;
      case 'KillSwitchEngaged':
        this.killSwitch.set(1);
        break;
      case 'KillSwitchReleased':
        this.killSwitch.set(0);
        break;
      default:
        return;
    }
    this.unknown.set(this.unresolved.size);
  }

  /** Seconds since the last completed cycle, or null before the first. */
  secondsSinceLastCycle(nowMs: number): number | null {
    return this.lastCycleAt === null ? null : (nowMs - this.lastCycleAt) / 1000;
  }

  private setMode(mode: 'NORMAL' | 'REDUCE' | 'OBSERVE'): void {
    for (const m of ['NORMAL', 'REDUCE', 'OBSERVE'] as const) this.mode.set({ mode: m }, m === mode ? 1 : 0);
  }
}

export interface HealthReport {
  ok: boolean;
  detail: Record<string, unknown>;
}

/** More GET routes beside /metrics and /healthz (the status page, src/cli/status-page/). */
export interface MountedRoute {
  /** Answers the request and returns true, or returns false to leave it to the next route. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Ends what the route keeps open (event streams) and releases what it holds; called by close(). */
  close?(): Promise<void>;
}

export interface MetricsServer {
  port: number;
  mount(route: MountedRoute): void;
  close(): Promise<void>;
}

/** Serves /metrics and /healthz on 127.0.0.1 (never on all interfaces unless a host is given), and mounted routes. */
export async function startMetricsServer(
  metrics: EngineMetrics,
  health: () => HealthReport,
  port: number,
  host = '127.0.0.1',
): Promise<MetricsServer> {
  const routes: MountedRoute[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (req.method === 'GET' && url === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
      return;
    }
    if (req.method === 'GET' && url === '/healthz') {
      const h = health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: h.ok ? 'ok' : 'unhealthy', ...h.detail }));
      return;
    }
    for (const route of routes) if (route.handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    mount: (route) => void routes.push(route),
    close: async () => {
      await Promise.all(routes.map((r) => r.close?.()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
