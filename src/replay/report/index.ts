export { renderReport, type ReportInput } from './render-report.js';
export { renderSummary, type SummaryOptions } from './render-summary.js';
export { minMaxDownsample } from './downsample.js';
export { escapeHtml } from './escape.js';
