/**
 * `makeCcxtClient(sim)` — an unmodified CCXT (ccxt.pro) `binance` client wired
 * to a running simulator. What the client needs, and why:
 *
 * - `urls.api` is REPLACED (not merged) with `{ public, private, v1, ws }`
 *   pointing at the simulator. Spot REST goes through `public` / `private`
 *   (`.../api/v3`); market streams use `ws.spot` (ccxt appends `/<n>`, e.g.
 *   `/ws/0`); the spot user data stream uses `ws['ws-api'].spot` with the
 *   `userDataStream.subscribe.signature` method. Because every other key
 *   (sapi, fapi, dapi, eapi, papi, …) is absent, any code path that would
 *   leave spot fails fast with ccxt's `NotSupported` instead of trying the
 *   real internet.
 * - `options.fetchMarkets = { types: ['spot'] }` (default also loads linear
 *   and inverse futures), `options.fetchCurrencies = false` (default calls
 *   sapi capital/config/getall when keys are set), `options.fetchMargins =
 *   false` (default calls sapi margin allPairs / isolated allPairs).
 * - `options.adjustForTimeDifference = false` (no time sync call on load).
 * - Error mapping: binance's `handleErrors` consults market-type specific
 *   exception tables only when the URL starts with `https://api.binance.com`
 *   (see `getExceptionsByUrl`). On a loopback URL only the generic tables
 *   apply, so the spot tables are merged on top of the generic ones here to
 *   reproduce what ccxt does against api.binance.com.
 * - `enableRateLimit = false` and a short `timeout` keep tests fast;
 *   `streaming.keepAlive` (ccxt's ping interval; a connection is declared
 *   dead after 2 missed pongs) is configurable for stall tests.
 * - `httpAgent` is preset: ccxt throws NotSupported for `ws://` URLs unless
 *   `loadHttpProxyAgent()` ran first.
 */

import { Agent } from 'node:http';
import { pro } from 'ccxt';
import type { BinanceSim } from './server';
import { DEFAULT_API_KEY, DEFAULT_SECRET } from './server';

export type CcxtBinance = InstanceType<typeof pro.binance>;

export interface CcxtClientOptions {
  readonly apiKey?: string;
  readonly secret?: string;
  /** REST timeout in ms (default 2000). */
  readonly timeoutMs?: number;
  /** WebSocket keep-alive ping interval in ms (default 10 000). */
  readonly keepAliveMs?: number;
  /** Extra `options` merged over the simulator defaults. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly verbose?: boolean;
}

/** The constructor settings both simulator clients share (credentials, timeout, keep-alive). */
function baseSettings(opts: CcxtClientOptions): { apiKey: string; secret: string; enableRateLimit: false; timeout: number; verbose: boolean; streaming: { keepAlive: number } } {
  return {
    apiKey: opts.apiKey ?? DEFAULT_API_KEY,
    secret: opts.secret ?? DEFAULT_SECRET,
    enableRateLimit: false,
    timeout: opts.timeoutMs ?? 2000,
    verbose: opts.verbose ?? false,
    streaming: { keepAlive: opts.keepAliveMs ?? 10_000 },
  };
}

/**
 * Points `exchange` at the simulator and merges the market type's error tables (`spot`,
 * `linear`) into the top-level ones, as ccxt does only for Binance's own host names.
 * ccxt refuses plain ws:// URLs until an http.Agent is loaded (what the async
 * `loadHttpProxyAgent()` does); it is set synchronously so watch* works at once.
 */
function wireToSim<T extends { urls: Record<string, unknown>; httpAgent: unknown; exceptions: unknown }>(exchange: T, urls: unknown, marketType: 'spot' | 'linear'): T {
  exchange.urls['api'] = urls;
  exchange.httpAgent = new Agent({ keepAlive: true });
  const exceptions = exchange.exceptions as Record<string, Record<string, Record<string, unknown>> | Record<string, unknown>>;
  const typed = (exceptions[marketType] ?? {}) as Record<string, Record<string, unknown>>;
  exceptions['exact'] = { ...(exceptions['exact'] as Record<string, unknown>), ...(typed['exact'] ?? {}) };
  exceptions['broad'] = { ...(exceptions['broad'] as Record<string, unknown>), ...(typed['broad'] ?? {}) };
  return exchange;
}

export function makeCcxtClient(sim: Pick<BinanceSim, 'ccxtUrls'>, opts: CcxtClientOptions = {}): CcxtBinance {
  const exchange = new pro.binance({
    ...baseSettings(opts),
    options: {
      defaultType: 'spot',
      fetchMarkets: { types: ['spot'] },
      fetchCurrencies: false,
      fetchMargins: false,
      adjustForTimeDifference: false,
      ...opts.options,
    },
  });
  return wireToSim(exchange, sim.ccxtUrls, 'spot');
}

export type CcxtBinanceUsdm = InstanceType<typeof pro.binanceusdm>;

/**
 * An unmodified ccxt.pro `binanceusdm` client wired to the simulator's USD-M side (`/fapi`,
 * `/fstream`), with the linear error tables merged in (ccxt applies them only on
 * fapi.binance.com URLs), linear markets only, no time sync.
 */
export function makeCcxtUsdmClient(sim: BinanceSim, opts: CcxtClientOptions = {}): CcxtBinanceUsdm {
  const exchange = new pro.binanceusdm({
    ...baseSettings(opts),
    options: { fetchMarkets: { types: ['linear'] }, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false, ...opts.options },
  });
  return wireToSim(exchange, sim.ccxtFuturesUrls, 'linear');
}
