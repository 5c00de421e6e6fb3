import { parse as parseJsonAst, type AnyNode, type ValueNode } from '@humanwhocodes/momoa';
import { Decimal } from 'decimal.js';
import type { ConfigIssue } from './errors.js';

/**
 * JSON read the way a configuration must be: nothing silently dropped or changed.
 * - A key given twice in one object is refused (JSON.parse keeps the last one without a word).
 * - A number a JS double cannot carry exactly (12345678901234567890123, 0.1000000000000000000001,
 *   1e400) is refused, naming the field and its line: money is written as a decimal string.
 * Every problem is listed at once. The value is JSON.parse's, once the text has passed.
 */
export type StrictJson = { ok: true; value: unknown } | { ok: false; issues: ConfigIssue[] };

export function parseStrictJson(text: string): StrictJson {
  let root: ValueNode;
  try {
    root = parseJsonAst(text, { mode: 'json' }).body;
  } catch (err) {
    return { ok: false, issues: [syntaxIssue(err)] };
  }
  const issues: ConfigIssue[] = [];
  walk(root, [], text, issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: JSON.parse(text) as unknown };
}

function walk(node: ValueNode, at: readonly string[], text: string, issues: ConfigIssue[]): void {
  switch (node.type) {
    case 'Object': {
      const seen = new Map<string, number>();
      for (const member of node.members) {
        const key = member.name.type === 'String' ? member.name.value : member.name.name;
        const line = member.name.loc.start.line;
        const first = seen.get(key);
        if (first !== undefined) {
          issues.push({ path: pathOf([...at, key]), message: `duplicate key (line ${line}, first on line ${first}): give each field once` });
        } else {
          seen.set(key, line);
        }
        walk(member.value, [...at, key], text, issues);
      }
      return;
    }
    case 'Array':
      node.elements.forEach((element, i) => walk(element.value, [...at, String(i)], text, issues));
      return;
    case 'Number': {
      const written = sourceOf(node, text);
      if (!exact(written, node.value)) {
        issues.push({
          path: pathOf(at),
          message: `line ${node.loc.start.line}: the JSON number ${clip(written)} is not exact (it reads as ${String(node.value)}): write it as a string, "${clip(written)}"`,
        });
      }
      return;
    }
    default:
      return;
  }
}

function exact(written: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  try {
    return new Decimal(written).eq(new Decimal(String(value)));
  } catch {
    return false;
  }
}

function sourceOf(node: AnyNode, text: string): string {
  return text.slice(node.loc.start.offset, node.loc.end.offset);
}

function pathOf(at: readonly string[]): string {
  return at.length === 0 ? '(root)' : at.map(clip).join('.');
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}

function syntaxIssue(err: unknown): ConfigIssue {
  const e = err as { message?: string; line?: number; column?: number };
  const message = (e.message ?? String(err)).replace(/\s*\(\d+:\d+\)\s*$/, '');
  if (typeof e.line === 'number' && typeof e.column === 'number') {
    return { path: `line ${e.line}, column ${e.column}`, message: `invalid JSON: ${message}` };
  }
  return { path: '(file)', message: `invalid JSON: ${message}` };
}
