import { createHash } from 'node:crypto';

/**
 * The status page: one self-contained HTML document (inline CSS and script, no external asset) that
 * renders the StatusView (./status-view.ts) the server pushes on /status/events (server-sent events).
 * It only reads: no form, no request other than the event stream. The Content-Security-Policy allows
 * exactly this script and this style (by hash) and connections to this origin, so an external asset
 * could not load even if one slipped in.
 */

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
header{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:baseline;padding:10px 16px;background:#1b1f24;color:#fff}
header h1{font-size:16px;margin:0}
header .muted{color:#aab}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px;padding:12px 16px}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 12px;overflow-x:auto}
section.wide{grid-column:1/-1}
h2{font-size:14px;margin:2px 0 6px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:2px 6px;border-bottom:1px solid #eef;white-space:nowrap}
td.num,th.num{text-align:right}
td.why{white-space:normal;min-width:200px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;background:#e3e7ee;color:#1b1f24}
.ok{background:#d5f5dd;color:#0b5a1f}.warn{background:#fff0c2;color:#6b4a00}.bad{background:#fddcdc;color:#8a1111}
.empty{color:#889}
svg.chart{width:100%;height:auto;max-height:260px}
svg .grid{stroke:#e6e8ee;stroke-width:1}
svg .tick{fill:#667;font-size:11px}
svg .equity{fill:none;stroke:#2458c6;stroke-width:1.6}
svg .last{fill:#2458c6}
`;

const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v === null || v === undefined ? '' : v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const time = (iso) => (iso ? esc(iso.replace('T', ' ').replace('Z', '')) : '');
function table(id, cols, rows, key, empty) {
  const el = $(id);
  if (rows.length === 0) { el.innerHTML = '<p class="empty">' + esc(empty) + '</p>'; return; }
  const head = '<tr>' + cols.map((c) => '<th' + (c.num ? ' class="num"' : '') + '>' + esc(c.label) + '</th>').join('') + '</tr>';
  const body = rows.map((r) => '<tr data-key="' + esc(key(r)) + '">' + cols.map((c) => '<td data-col="' + c.name + '"' + (c.num ? ' class="num"' : c.wrap ? ' class="why"' : '') + '>' + c.cell(r) + '</td>').join('') + '</tr>').join('');
  el.innerHTML = '<table><thead>' + head + '</thead><tbody>' + body + '</tbody></table>';
}
const col = (name, label, cell, opts) => Object.assign({ name, label, cell: cell || ((r) => esc(r[name])) }, opts || {});
const num = (name, label) => col(name, label, null, { num: true });
function badge(el, text, cls) { el.textContent = text; el.className = 'badge ' + cls; }
function render(v) {
  document.body.dataset.position = String(v.position);
  $('run').textContent = v.runId;
  $('position').textContent = String(v.position);
  $('last-at').textContent = v.lastEventAt ? v.lastEventAt.replace('T', ' ').replace('Z', '') : '-';
  $('cycles').textContent = String(v.cycles);
  $('ended').textContent = v.ended ? 'run ended: ' + v.ended.reason + ' after ' + v.ended.cycles + ' cycles' : '';
  badge($('risk-mode'), v.risk.mode, v.risk.mode === 'NORMAL' ? 'ok' : v.risk.mode === 'REDUCE' ? 'warn' : 'bad');
  $('risk-why').textContent = v.risk.reasonCode ? v.risk.reasonCode + ' since ' + v.risk.since : '';
  badge($('kill-switch'), v.killSwitch.engaged ? 'ENGAGED' : 'released', v.killSwitch.engaged ? 'bad' : 'ok');
  $('kill-why').textContent = v.killSwitch.at ? (v.killSwitch.reason || '') + ' (' + (v.killSwitch.by || '?') + ', ' + v.killSwitch.at + ')' : '';
  $('equity-now').textContent = v.equity.now;
  $('equity-chart').innerHTML = v.equity.svg;
  badge($('unknown-count'), v.unknownOrders + ' unknown', v.unknownOrders > 0 ? 'bad' : 'ok');
  table('positions', [col('symbol', 'symbol'), num('qty', 'qty'), num('avgCost', 'avg cost'), num('mark', 'mark'), num('realizedPnl', 'realized'), num('unrealizedPnl', 'unrealized'), num('fees', 'fees'), num('fills', 'fills')],
    v.positions, (r) => r.symbol, 'no fills yet');
  table('orders', [col('clientOrderId', 'client order id'), col('symbol', 'symbol'), col('side', 'side'), num('qty', 'qty'), num('filledQty', 'filled'),
    col('status', 'status', (r) => '<span class="badge ' + (r.unknown ? 'bad' : 'warn') + '">' + esc(r.status) + '</span>'), col('reasonCode', 'reason'), num('submitAttempts', 'submits'), num('reconcileAttempts', 'reconciles'), col('updatedAt', 'updated', (r) => time(r.updatedAt))],
    v.openOrders, (r) => r.clientOrderId, 'no open or unknown orders');
  table('decisions', [col('at', 'time', (r) => time(r.at)), col('symbol', 'symbol'), col('side', 'side'), num('requestedQty', 'asked'), num('approvedQty', 'approved'),
    col('verdict', 'verdict', (r) => '<span class="badge ' + (r.verdict === 'APPROVED' ? 'ok' : r.verdict === 'REDUCED' ? 'warn' : 'bad') + '">' + esc(r.verdict) + '</span>'),
    col('reasonCode', 'reason code'), col('layer', 'layer'), col('order', 'order'), col('rationale', 'rationale', null, { wrap: true })],
    v.decisions, (r) => r.intentId, 'no decisions yet');
  table('fills', [col('at', 'time', (r) => time(r.at)), col('fillId', 'fill id'), col('clientOrderId', 'order'), col('side', 'side'), num('qty', 'qty'), num('price', 'price'), num('fee', 'fee')],
    v.fills, (r) => r.fillId, 'no fills yet');
  const f = v.slo.figures;
  const checks = new Map(v.slo.checks.map((c) => [c.name, c]));
  const fmt = (x) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(4));
  const rows = Object.keys(f).map((name) => ({ name, value: f[name], check: checks.get(name) }));
  table('slo', [col('name', 'figure'), col('value', 'value', (r) => esc(fmt(r.value)), { num: true }), col('limit', 'limit', (r) => esc(r.check ? fmt(r.check.limit) : ''), { num: true }),
    col('status', 'status', (r) => (r.check ? '<span class="badge ' + (r.check.status === 'PASS' ? 'ok' : 'bad') + '">' + r.check.status + '</span>' : ''))],
    rows, (r) => r.name, 'no figures');
}
function connect() {
  const es = new EventSource('/status/events');
  es.onopen = () => badge($('conn'), 'live', 'ok');
  es.onerror = () => badge($('conn'), es.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting', 'warn');
  es.addEventListener('view', (m) => render(JSON.parse(m.data)));
  es.addEventListener('problem', (m) => { $('problem').textContent = JSON.parse(m.data).message; });
}
connect();
`;

const BODY = `
<header>
  <h1>engine status</h1>
  <span>run <b id="run">-</b></span>
  <span class="muted">log position <b id="position">-</b></span>
  <span class="muted">last event <b id="last-at">-</b></span>
  <span class="muted">cycles <b id="cycles">0</b></span>
  <span id="conn" class="badge warn">connecting</span>
  <span id="ended"></span>
  <span id="problem"></span>
</header>
<main>
  <section><h2>Risk</h2>
    <p>risk mode <span id="risk-mode" class="badge">-</span> <span id="risk-why" class="muted"></span></p>
    <p>kill switch <span id="kill-switch" class="badge">-</span> <span id="kill-why" class="muted"></span></p>
  </section>
  <section><h2>Equity <span id="equity-now"></span></h2><div id="equity-chart"></div></section>
  <section class="wide"><h2>Positions</h2><div id="positions"></div></section>
  <section class="wide"><h2>Open and unknown orders <span id="unknown-count" class="badge">-</span></h2><div id="orders"></div></section>
  <section class="wide"><h2>Last decisions</h2><div id="decisions"></div></section>
  <section class="wide"><h2>Last fills</h2><div id="fills"></div></section>
  <section><h2>SLO figures</h2><div id="slo"></div></section>
</main>
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>engine status</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>
`;

export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
