import Table from 'cli-table3';

/** Human output of the read commands and doctor fits a terminal of this many columns. */
export const TABLE_WIDTH = 100;
const GAP = 2;
const MIN_COLUMN = 8;

export interface TableOptions {
  /** Right-aligned columns (numbers), by index. */
  right?: readonly number[];
  width?: number;
}

/**
 * An aligned table without borders that fits `width` columns (cli-table3 draws and wraps it): columns keep
 * their natural width while the row fits; otherwise the widest columns give way first and their cells wrap
 * (on spaces, or anywhere for one long word such as an id).
 */
export function renderTable(head: readonly string[], rawRows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  // cli-table3 cuts (instead of wrapping) a cell that starts with a space: cells are trimmed, line by line.
  const rows = rawRows.map((r) => r.map((c) => c.split('\n').map((l) => l.trim()).join('\n')));
  const width = options.width ?? TABLE_WIDTH;
  const widths = fitWidths(
    head.map((h, i) => Math.max(h.length, ...rows.map((r) => longestLine(r[i] ?? '')))),
    head.map((h) => Math.min(h.length, MIN_COLUMN)),
    width,
    head.map((h, i) => Math.max(...h.split(' ').map((w) => w.length), ...rows.map((r) => longestWord(r[i] ?? '')))),
  );
  const right = new Set(options.right ?? []);
  const table = new Table({
    head: [...head],
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' '.repeat(GAP),
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colWidths: widths,
    colAligns: head.map((_, i) => (right.has(i) ? 'right' : 'left')),
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const r of rows) table.push(head.map((_, i) => breakLongWords(r[i] ?? '', widths[i]!)));
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}

function longestLine(cell: string): number {
  return Math.max(0, ...cell.split('\n').map((l) => l.length));
}

function longestWord(cell: string): number {
  return Math.max(0, ...cell.split(/[ \n]/).map((w) => w.length));
}

/**
 * Natural widths, cut one column at a time until the row (with gaps) fits: first the widest column that can
 * still wrap between words (its width above its longest word), then, if that is not enough, the widest.
 */
export function fitWidths(natural: readonly number[], minimum: readonly number[], width: number, words: readonly number[] = []): number[] {
  const w = [...natural];
  const total = (): number => w.reduce((a, b) => a + b, 0) + GAP * Math.max(0, w.length - 1);
  const floor = (i: number): number => minimum[i] ?? MIN_COLUMN;
  while (total() > width) {
    let pick = -1;
    for (let i = 0; i < w.length; i++) if (w[i]! > Math.max(floor(i), words[i] ?? 0) && (pick < 0 || w[i]! > w[pick]!)) pick = i;
    if (pick < 0) for (let i = 0; i < w.length; i++) if (w[i]! > floor(i) && (pick < 0 || w[i]! > w[pick]!)) pick = i;
    if (pick < 0) break;
    w[pick]!--;
  }
  return w;
}

/** cli-table3 wraps on spaces and cuts a word longer than its column with "…": break such words (ids, hashes) first. */
export function breakLongWords(cell: string, width: number): string {
  if (width < 1) return cell;
  return cell
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((word) => (word.length <= width ? word : (word.match(new RegExp(`.{1,${width}}`, 'g')) ?? [word]).join('\n')))
        .join(' '),
    )
    .join('\n');
}
