import { createHash } from 'node:crypto';
import { canonicalJson } from '../../events/canonical.js';
import type { FillTiming } from '../../engine/venues/simulated/fill-model.js';
import { deriveRunId } from '../../engine/ids.js';
import type { Decimal } from '../../engine/values.js';

export type EventsMode = 'full' | 'decisions';
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Everything that decides what a backtest does, as recorded in RunStarted.config. */
export interface BacktestSettings {
  /** The first instrument. */
  symbol: string;
  /** The run's other instruments (several-instrument backtests); absent or empty: one instrument. */
  moreSymbols?: readonly string[];
  /** Name of the quote asset cash and fees are in (e.g. USD). */
  quoteAsset: string;
  strategy: string;
  /** Effective strategy parameters (defaults filled in). */
  params: Readonly<Record<string, string>>;
  /** A strategy file's sha256 (its text): part of what decides the run. Absent: a built-in strategy. */
  strategySha256?: string;
  seed: string;
  fill: FillTiming;
  feeBps: Decimal;
  slippageBps: Decimal;
  /** Max fraction of a bar's volume per order and bar; null: no cap. */
  participationCap: Decimal | null;
  initialCash: Decimal;
  /** The simulated venue's rules: quantity step, minimum notional, limit price tick (the EXECUTION checks). */
  qtyStep: Decimal;
  minNotional: Decimal;
  priceTick: Decimal;
  /** Zone for naive timestamps in the data. */
  tz: string;
  /** The risk policy's own effective configuration, whatever its shape. */
  risk: Json;
}

/** The config as recorded: plain JSON, decimals as normalised strings. */
export function configJson(s: BacktestSettings): Json {
  return JSON.parse(
    canonicalJson({
      symbol: s.symbol,
      ...(s.moreSymbols && s.moreSymbols.length > 0 ? { moreSymbols: [...s.moreSymbols] } : {}),
      quoteAsset: s.quoteAsset,
      strategy: { name: s.strategy, params: s.params, ...(s.strategySha256 !== undefined ? { sha256: s.strategySha256 } : {}) },
      seed: s.seed,
      venue: {
        kind: 'simulated',
        fill: s.fill,
        feeBps: s.feeBps,
        slippageBps: s.slippageBps,
        participationCap: s.participationCap,
        qtyStep: s.qtyStep,
        minNotional: s.minNotional,
        priceTick: s.priceTick,
      },
      initialCash: s.initialCash,
      tz: s.tz,
      risk: s.risk,
    }),
  ) as Json;
}

export function configHash(config: Json): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/**
 * Same config, same data, same seed, same event mode => same run id, so a re-run lands on the same
 * stream and its appends are recognised as already stored. The data's path is not part of it: the
 * same bars read from another directory are the same run.
 */
/** The data hash a run id derives from: the dataset's, or, with several instruments, one over every (symbol, hash). */
export function combinedDataHash(datasets: ReadonlyArray<{ symbol: string; hash: string }>): string {
  if (datasets.length === 1) return datasets[0]!.hash;
  return createHash('sha256').update(canonicalJson(datasets.map((d) => ({ symbol: d.symbol, hash: d.hash })))).digest('hex');
}

export function backtestRunId(hashOfConfig: string, dataHash: string, seed: string, eventsMode: EventsMode): string {
  return deriveRunId('bt', { configHash: hashOfConfig, dataHash, seed, eventsMode });
}
