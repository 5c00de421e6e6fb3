import { z } from 'zod';
import { Decimal } from '../../values.js';

const PLAIN_DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/**
 * A money, price or quantity field exactly as the venue wrote it: a decimal string (never through a
 * JS number). Anything else is a garbage answer.
 */
export const VenueDecimal = z
  .string()
  .regex(PLAIN_DECIMAL, 'expected a decimal string')
  .transform((s) => new Decimal(s));

/** A venue id that may come as a JSON number or a string; kept as its text. */
export const VenueId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform((v) => String(v));

/** One-line summary of a zod failure, naming the first bad field. */
export function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected shape';
  const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${where}: ${issue.message}`;
}
