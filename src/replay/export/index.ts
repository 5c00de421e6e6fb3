import { decisionsExport } from './decisions-export.js';
import { equityExport } from './equity-export.js';
import type { ExportKind } from './export-kind.js';
import { fillsExport } from './fills-export.js';
import { ordersExport } from './orders-export.js';
import { tradesExport } from './trades-export.js';

export { ExportNotPossibleError, type Cell, type ColumnSpec, type ExportKind, type Row } from './export-kind.js';
export { EXPORT_FORMATS, exportFormatter, type ExportFormat, type ExportFormatter } from './formats.js';

/** Every export `engine export <kind>` offers, in the order its help lists them. */
export const EXPORT_KINDS: readonly ExportKind[] = [tradesExport, fillsExport, ordersExport, equityExport, decisionsExport];
