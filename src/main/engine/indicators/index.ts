/**
 * Technical indicators library (engine layer): streaming O(1) indicators matching TA-Lib 0.6 (and
 * Skender Stock.Indicators for those TA-Lib lacks), a spec-string registry for the CLI, and batch
 * helpers that run the streaming code. Pure TypeScript: no I/O, no clock, no randomness.
 */
export type { Indicator, IndicatorInput, SingleInputIndicator } from './types';
export { TA_EPSILON, isZero, trueRange } from './types';
export { RollingExtreme, RollingRange } from './buffers';
export { Sma, Ema, Wma, Dema, Tema } from './moving-averages';
export type { MacdValue, KdValue } from './oscillators';
export { Rsi, Macd, Stoch, StochRsi, Cci, Roc, Mom, WillR } from './oscillators';
export type { BandsValue } from './volatility';
export { Atr, Natr, BollingerBands, Keltner, Donchian } from './volatility';
export type { DmiValue, AdxValue, SuperTrendValue, IchimokuValue } from './trend';
export { Dmi, Adx, Psar, SuperTrend, Ichimoku } from './trend';
export { Obv, Mfi, Vwap } from './volume';
export type { IndicatorHandle, IndicatorInfo } from './registry';
export { createIndicator, listIndicators, KNOWN_INDICATORS } from './registry';
export { batch, batchIndicator } from './batch';
