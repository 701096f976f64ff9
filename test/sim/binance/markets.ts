/**
 * Symbol catalogue of the Binance spot simulator and the `exchangeInfo`
 * document built from it (same field set and filter shapes as
 * `GET /api/v3/exchangeInfo` on api.binance.com).
 */

import type { SymbolSpec } from './types';

export const DEFAULT_SYMBOLS: readonly SymbolSpec[] = [
  {
    symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT',
    tickSize: 0.01, minPrice: 0.01, maxPrice: 1_000_000,
    stepSize: 0.00001, minQty: 0.00001, maxQty: 9000,
    minNotional: 5, baseDecimals: 8, quoteDecimals: 8,
    initialPrice: 60_000, levelQty: 0.5,
  },
  {
    symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT',
    tickSize: 0.01, minPrice: 0.01, maxPrice: 1_000_000,
    stepSize: 0.0001, minQty: 0.0001, maxQty: 9000,
    minNotional: 5, baseDecimals: 8, quoteDecimals: 8,
    initialPrice: 3_000, levelQty: 5,
  },
  {
    symbol: 'ETHBTC', base: 'ETH', quote: 'BTC',
    tickSize: 0.00001, minPrice: 0.00001, maxPrice: 922_327,
    stepSize: 0.0001, minQty: 0.0001, maxQty: 100_000,
    minNotional: 0.0001, baseDecimals: 8, quoteDecimals: 8,
    initialPrice: 0.05, levelQty: 5,
  },
];

/** Number of decimals of a step like 0.00100000 → 3. */
export function decimalsOf(step: number): number {
  if (step >= 1) return 0;
  return Math.max(0, Math.round(-Math.log10(step)));
}

/** Renders a number with exactly `dp` decimals (Binance style, no exponent). */
export function fmt(value: number, dp = 8): string {
  return (Math.round(value * 10 ** dp) / 10 ** dp).toFixed(dp);
}

/** Rounds to `dp` decimals, killing binary floating-point noise. */
export function round(value: number, dp = 8): number {
  const f = 10 ** dp;
  return Math.round(value * f) / f;
}

/** True when `value` is an integer multiple of `step` (within float noise). */
export function isMultipleOf(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-7;
}

function symbolInfo(s: SymbolSpec): Record<string, unknown> {
  return {
    symbol: s.symbol,
    status: 'TRADING',
    baseAsset: s.base,
    baseAssetPrecision: s.baseDecimals,
    quoteAsset: s.quote,
    quotePrecision: s.quoteDecimals,
    quoteAssetPrecision: s.quoteDecimals,
    baseCommissionPrecision: s.baseDecimals,
    quoteCommissionPrecision: s.quoteDecimals,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: fmt(s.minPrice), maxPrice: fmt(s.maxPrice), tickSize: fmt(s.tickSize) },
      { filterType: 'LOT_SIZE', minQty: fmt(s.minQty), maxQty: fmt(s.maxQty), stepSize: fmt(s.stepSize) },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: fmt(0), maxQty: fmt(s.maxQty / 10), stepSize: fmt(0) },
      { filterType: 'TRAILING_DELTA', minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
      { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2', avgPriceMins: 5 },
      { filterType: 'NOTIONAL', minNotional: fmt(s.minNotional), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
  };
}

/** Body of `GET /api/v3/exchangeInfo`, optionally restricted to some symbols. */
export function exchangeInfo(specs: readonly SymbolSpec[], serverTime: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: specs.map(symbolInfo),
  };
}
