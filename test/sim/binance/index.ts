/**
 * Public entry point of the loopback Binance spot simulator for tests.
 */

export { BinanceSim, startBinanceSim, DEFAULT_API_KEY, DEFAULT_SECRET } from './server';
export type { BinanceSimOptions, SimOrderView, SimFillView } from './server';
export { makeCcxtClient, makeCcxtUsdmClient } from './client';
export type { CcxtBinance, CcxtBinanceUsdm, CcxtClientOptions } from './client';
export type { InjectedStatus, NextStatusOptions } from './faults';
export type { SimCredential } from './auth';
export type { SimRequestLog, SymbolSpec, BalanceEntry } from './types';
export { DEFAULT_SYMBOLS } from './markets';
