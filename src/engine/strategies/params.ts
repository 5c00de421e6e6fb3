import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { normalizeDecimal } from '../../events/decimal-string.js';
import { StrategyConfigError } from '../strategy.js';

/**
 * Strategy parameters arrive as strings (`--param k=v`). Each strategy declares its params with a
 * default, a description and a zod schema; parsing fills defaults, refuses unknown names and reports the
 * first bad value in one line that names the param.
 */

export interface ParamSpec {
  name: string;
  default: string;
  description: string;
  schema: z.ZodType<unknown, string>;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function wholeNumber(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);
}

export function positiveDecimal(max?: Decimal.Value): z.ZodType<Decimal, string> {
  const bound = max === undefined ? '' : ` and at most ${String(max)}`;
  return z
    .string()
    .trim()
    .regex(DECIMAL, `must be a decimal number > 0${bound}`)
    .transform((s) => new Decimal(s))
    .refine((d) => d.isFinite() && d.gt(0) && (max === undefined || d.lte(max)), `must be a decimal number > 0${bound}`);
}

export const booleanParam: z.ZodType<boolean, string> = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => s === 'true' || s === 'false', 'must be true or false')
  .transform((s) => s === 'true');

/** Sizing parameters shared by every strategy that sizes by ATR. */
export const ATR_SIZING_PARAMS: readonly ParamSpec[] = [
  { name: 'risk', default: '0.01', description: 'fraction of equity risked per entry (stop at atrMult x ATR)', schema: positiveDecimal(1) },
  { name: 'atr', default: '14', description: "ATR period (Wilder's smoothing)", schema: wholeNumber(1, 100_000) },
  { name: 'atrMult', default: '2', description: 'stop distance in ATRs used for sizing', schema: positiveDecimal() },
  { name: 'qtyStep', default: '0.0001', description: 'quantity step: sizes are rounded down to it', schema: positiveDecimal() },
  { name: 'maxLeverage', default: '1', description: 'cap: entry notional at most equity x maxLeverage', schema: positiveDecimal() },
];

export interface AtrSizingParams {
  risk: Decimal;
  atr: number;
  atrMult: Decimal;
  qtyStep: Decimal;
  maxLeverage: Decimal;
}

export interface ParsedParams<T> {
  values: T;
  /** The effective parameters, defaults filled in, in normal string form. */
  effective: Record<string, string>;
}

export interface CrossCheck<T> {
  param: string;
  ok: (values: T) => boolean;
  message: (values: T) => string;
}

export function parseParams<T>(
  strategy: string,
  specs: readonly ParamSpec[],
  raw: Readonly<Record<string, string>>,
  checks: readonly CrossCheck<T>[] = [],
): ParsedParams<T> {
  const names = specs.map((s) => s.name);
  const schema = z.strictObject(Object.fromEntries(specs.map((s) => [s.name, s.schema])));
  const input = { ...Object.fromEntries(specs.map((s) => [s.name, s.default])), ...raw };
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '?';
      throw new StrategyConfigError(`strategy "${strategy}" has no param "${key}" (known: ${names.join(', ')})`);
    }
    const key = String(issue.path[0] ?? '?');
    throw new StrategyConfigError(`strategy "${strategy}": param "${key}"="${String(input[key] ?? '')}" ${issue.message}`);
  }
  const values = result.data as T;
  for (const check of checks) {
    if (!check.ok(values)) throw new StrategyConfigError(`strategy "${strategy}": param "${check.param}"${check.message(values)}`);
  }
  const effective: Record<string, string> = {};
  for (const name of names) effective[name] = paramToString((result.data as Record<string, unknown>)[name]);
  return { values, effective };
}

function paramToString(v: unknown): string {
  if (v instanceof Decimal) return normalizeDecimal(v);
  return String(v);
}
