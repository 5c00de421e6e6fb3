import { z } from 'zod';
import type { Clock, Venue } from '../../ports.js';
import type { MarketRules } from '../market-rules.js';
import { BinanceServerTime } from './binance/binance-answers.js';
import { BINANCE_DIALECT } from './binance/binance-dialect.js';
import { binanceMarketRules } from './binance/binance-market-rules.js';
import { BinanceSpotVenue } from './binance/binance-spot-venue.js';
import { BTCTURK_DIALECT } from './btcturk/btcturk-dialect.js';
import { btcturkMarketRules } from './btcturk/btcturk-market-rules.js';
import { BtcturkVenue } from './btcturk/btcturk-venue.js';
import { BinanceClosedBars, BtcturkClosedBars, type ClosedBarReader } from './closed-bars.js';
import { type CcxtVenueId, type ExchangeSpec, createExchange } from './exchange-factory.js';
import type { RulesParse } from './market-rules-parse.js';
import { VenueAccessError } from './venue-errors.js';
import { VenueSession } from './venue-session.js';

export interface OpenVenueOptions {
  clock: Clock;
  /** Fills are reported (at least once per adapter instance) from this time on; absent: all the venue keeps. */
  fillsSinceMs?: number;
}

interface LoadedMarket {
  rules: MarketRules;
  /** The venue's id of the market: BTCUSDT. */
  marketId: string;
}

const NOT_LISTED = Symbol('not listed');

/**
 * One venue account through one ccxt exchange: market rules, adapters (Venue) and closed-bar readers
 * for a market, and the venue's clock. Every failure is a VenueAccessError with a one-line message
 * that names the venue and what failed, never a key.
 */
export class CcxtVenueAccess {
  readonly #session: VenueSession;
  #marketsFailed = false;

  private constructor(session: VenueSession) {
    this.#session = session;
  }

  static create(spec: ExchangeSpec): CcxtVenueAccess {
    const dialect = spec.venue === 'binance' ? BINANCE_DIALECT : BTCTURK_DIALECT;
    return new CcxtVenueAccess(new VenueSession(createExchange(spec), dialect));
  }

  get venue(): CcxtVenueId {
    return this.#session.venue;
  }

  /** The venue's rules for a market (ccxt symbol, e.g. BTC/USDT), from its own market list. */
  async loadMarketRules(symbol: string): Promise<MarketRules> {
    return (await this.loadMarket(symbol)).rules;
  }

  /** A new adapter over this account (a second one over the same account behaves as a restarted engine's). */
  async openVenue(symbol: string, options: OpenVenueOptions): Promise<{ venue: Venue; rules: MarketRules }> {
    const m = await this.loadMarket(symbol);
    const venue: Venue =
      this.venue === 'binance'
        ? new BinanceSpotVenue({ session: this.#session, symbol, marketId: m.marketId, rules: m.rules, clock: options.clock, ...since(options) })
        : new BtcturkVenue({ session: this.#session, symbol, pairSymbol: m.marketId, rules: m.rules, ...since(options) });
    return { venue, rules: m.rules };
  }

  async closedBars(symbol: string, interval: string, clock: Clock): Promise<ClosedBarReader> {
    const m = await this.loadMarket(symbol);
    return this.venue === 'binance'
      ? new BinanceClosedBars(this.#session, m.marketId, interval, clock)
      : new BtcturkClosedBars(this.#session, m.marketId, interval, clock);
  }

  /** The venue's clock, epoch ms (Binance /api/v3/time; BTCTurk's exchangeinfo serverTime). */
  async serverTime(): Promise<number> {
    if (this.venue === 'binance') {
      const a = await this.#session.ask((ex) => ex.publicGetTime(), (r) => r, BinanceServerTime);
      if (!a.ok) throw this.#session.accessError('server time', a.failure);
      return a.value.serverTime;
    }
    const Info = z.looseObject({ data: z.looseObject({ serverTime: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number) }) });
    const a = await this.#session.ask((ex) => ex.publicGetServerExchangeinfo(), (r) => r, Info);
    if (!a.ok) throw this.#session.accessError('server time', a.failure);
    return a.value.data.serverTime;
  }

  /** Balances need keys: a read-only call that proves them. */
  async freeBalances(): Promise<Record<string, string>> {
    const Balances =
      this.venue === 'binance'
        ? z.looseObject({ info: z.looseObject({ balances: z.array(z.looseObject({ asset: z.string(), free: z.string() })) }) }).transform((b) => b.info.balances)
        : z.looseObject({ data: z.array(z.looseObject({ asset: z.string(), free: z.string() })) }).transform((b) => b.data);
    const a = await this.#session.ask((ex) => (this.venue === 'binance' ? ex.fetchBalance() : ex.privateGetUsersBalances()), (r) => r, Balances);
    if (!a.ok) throw this.#session.accessError('balances', a.failure);
    return Object.fromEntries(a.value.map((b) => [b.asset, b.free]));
  }

  private async loadMarket(symbol: string): Promise<LoadedMarket> {
    const reload = this.#marketsFailed;
    const a = await this.#session.ask(
      (ex) => ex.loadMarkets(reload),
      (markets) => markets,
      z.record(z.string(), z.looseObject({ info: z.unknown() })),
    );
    if (!a.ok) {
      // ccxt keeps a failed load as a rejected promise: the next attempt must reload.
      this.#marketsFailed = true;
      throw this.#session.accessError('loading markets', a.failure);
    }
    this.#marketsFailed = false;
    if (Object.keys(a.value).length === 0) throw new VenueAccessError(this.venue, 'GARBAGE', 'loading markets', 'the venue listed no markets');
    const info = a.value[symbol]?.info ?? NOT_LISTED;
    if (info === NOT_LISTED) throw new VenueAccessError(this.venue, 'UNKNOWN_MARKET', 'loading markets', `${symbol} is not a market at ${this.venue}`);
    const parsed: RulesParse = this.venue === 'binance' ? binanceMarketRules(symbol, info) : btcturkMarketRules(symbol, info);
    if (!parsed.ok) throw new VenueAccessError(this.venue, parsed.problem.includes('not trading') ? 'UNKNOWN_MARKET' : 'GARBAGE', 'loading markets', parsed.problem);
    const raw = info as { symbol?: string; name?: string };
    const marketId = this.venue === 'binance' ? raw.symbol : raw.name;
    if (typeof marketId !== 'string') throw new VenueAccessError(this.venue, 'GARBAGE', 'loading markets', `${symbol} has no market id`);
    return { rules: parsed.rules, marketId };
  }
}

function since(options: OpenVenueOptions): { fillsSinceMs?: number } {
  return options.fillsSinceMs === undefined ? {} : { fillsSinceMs: options.fillsSinceMs };
}
