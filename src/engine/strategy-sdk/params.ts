import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { ParamSpec } from '../strategies/params.js';
import { booleanParam, positiveDecimal, wholeNumber } from '../strategies/params.js';

/**
 * Parameters of a user strategy: each has a default, a description and a validation. Values arrive as the
 * strings of `--param name=value` (and sweep grids), are validated, and are recorded in RunStarted in their
 * normal form, so a replay rebuilds the strategy with exactly them.
 */
export interface ParamDef<T> {
  readonly default: string;
  readonly description: string;
  readonly schema: z.ZodType<T, string>;
}

export type ParamValues<Defs extends Record<string, ParamDef<unknown>>> = { readonly [K in keyof Defs]: Defs[K] extends ParamDef<infer T> ? T : never };

/** A whole number in [min, max]. */
export function int(o: { default: number; min?: number; max?: number; description?: string }): ParamDef<number> {
  return { default: String(o.default), description: o.description ?? '', schema: wholeNumber(o.min ?? 0, o.max ?? Number.MAX_SAFE_INTEGER) };
}

/** A decimal > 0 (sizes, fractions), as a Decimal: exact. */
export function decimal(o: { default: string; max?: string; description?: string }): ParamDef<Decimal> {
  return { default: o.default, description: o.description ?? '', schema: positiveDecimal(o.max) };
}

/** A floating-point number in [min, max] (thresholds of indicators, never money). */
export function number(o: { default: number; min?: number; max?: number; description?: string }): ParamDef<number> {
  const min = o.min ?? -Number.MAX_VALUE;
  const max = o.max ?? Number.MAX_VALUE;
  return {
    default: String(o.default),
    description: o.description ?? '',
    schema: z
      .string()
      .trim()
      .regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, `must be a number from ${min} to ${max}`)
      .transform(Number)
      .refine((n) => Number.isFinite(n) && n >= min && n <= max, `must be a number from ${min} to ${max}`),
  };
}

export function bool(o: { default: boolean; description?: string }): ParamDef<boolean> {
  return { default: String(o.default), description: o.description ?? '', schema: booleanParam };
}

export function choice<const C extends readonly [string, ...string[]]>(o: { default: C[number]; options: C; description?: string }): ParamDef<C[number]> {
  return { default: o.default, description: o.description ?? '', schema: z.string().trim().pipe(z.enum(o.options)) as unknown as z.ZodType<C[number], string> };
}

export function toParamSpecs(defs: Record<string, ParamDef<unknown>>): ParamSpec[] {
  return Object.entries(defs).map(([name, d]) => ({ name, default: d.default, description: d.description, schema: d.schema }));
}

export { Decimal };
