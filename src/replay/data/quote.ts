/** The most of one value an error message quotes. */
export const MAX_QUOTED = 200;

/**
 * A value from the user's file, quoted for an error message: control bytes (and the terminal escape
 * sequences they would start) written as \xNN, and at most MAX_QUOTED characters of it, so a 50 MB
 * line or a binary file never reaches the terminal raw.
 */
export function quote(text: string): string {
  const shown = text.length > MAX_QUOTED ? text.slice(0, MAX_QUOTED) : text;
  const escaped = shown
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > MAX_QUOTED ? `"${escaped}..." (${text.length} characters)` : `"${escaped}"`;
}
