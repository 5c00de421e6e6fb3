import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../src/engine/config/strict-json.js';
import { normalizeDecimal } from '../../src/events/decimal-string.js';

/** Configuration JSON: nothing dropped (duplicate keys) and nothing changed (inexact numbers). */
describe('parseStrictJson', () => {
  it('any JSON value without duplicates reads as JSON.parse reads it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseStrictJson(text);
        expect(parsed).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 300 },
    );
  });

  it('a key given twice anywhere is refused, naming its path and both lines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.jsonValue({ maxDepth: 1 }),
        fc.jsonValue({ maxDepth: 1 }),
        (outer, key, a, b) => {
          let text = `{${JSON.stringify(key)}:${JSON.stringify(a)},\n${JSON.stringify(key)}:${JSON.stringify(b)}}`;
          for (const k of [...outer].reverse()) text = `{${JSON.stringify(k)}:${text}}`;
          const parsed = parseStrictJson(text);
          expect(parsed.ok).toBe(false);
          if (parsed.ok) return;
          expect(parsed.issues).toContainEqual({
            path: [...outer, key].map((s) => (s.length > 80 ? `${s.slice(0, 80)}...` : s)).join('.'),
            message: `duplicate key (line ${2}, first on line 1): give each field once`,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an integer literal is taken when the amount the config yields is the one written, refused otherwise', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (n) => {
        const parsed = parseStrictJson(`{"amount": ${n}}`);
        // What a config field makes of a JSON number (fields.ts): its shortest decimal spelling.
        const exact = normalizeDecimal(String((JSON.parse(`{"amount": ${n}}`) as { amount: number }).amount)) === n.toString();
        expect(parsed.ok).toBe(exact);
        if (!parsed.ok) expect(parsed.issues[0]?.message).toMatch(new RegExp(`^line 1: the JSON number ${n} is not exact`));
      }),
      { numRuns: 300 },
    );
  });

  it('every problem is listed at once; a syntax error names its line and column', () => {
    const both = parseStrictJson('{"a": 1e400, "b": {"c": 1, "c": 2}}');
    expect(both.ok ? [] : both.issues.map((i) => i.path)).toEqual(['a', 'b.c']);
    expect(parseStrictJson('{"a": 1,\n}')).toEqual({ ok: false, issues: [{ path: 'line 2, column 1', message: 'invalid JSON: Unexpected token RBrace found.' }] });
  });
});
