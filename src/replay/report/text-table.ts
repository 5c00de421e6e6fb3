/** Plain-text tables for the stdout summary: columns padded to their widest cell, numbers right-aligned. */
export function textTable(rows: readonly (readonly string[])[], options: { rightAligned?: (column: number) => boolean; indent?: string } = {}): string[] {
  if (rows.length === 0) return [];
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const right = options.rightAligned ?? ((c: number) => c > 0);
  const indent = options.indent ?? '  ';
  return rows.map((r) => `${indent}${widths.map((w, c) => (right(c) ? (r[c] ?? '').padStart(w) : (r[c] ?? '').padEnd(w))).join('  ')}`.trimEnd());
}
