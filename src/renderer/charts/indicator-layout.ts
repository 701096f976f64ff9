/**
 * Where each engine indicator is drawn: overlays (moving averages, bands, VWAP, SAR…) on the
 * price pane, oscillators (RSI, MACD, stochastics, ATR, volume flows…) each in a pane of their
 * own below it — an RSI of 0..100 on a price scale of 90 000 is a flat line at the bottom.
 * Every output of a multi-output indicator is drawn (the host sends `spec` for the first one and
 * `spec#output` for the others).
 */
import type { BarView } from '../../shared/ipc/views';

/** Indicators whose values live on the price scale. Anything else gets its own pane. */
const OVERLAYS: ReadonlySet<string> = new Set(['sma', 'ema', 'wma', 'dema', 'tema', 'bb', 'vwap', 'keltner', 'donchian', 'supertrend', 'psar', 'ichimoku']);
/** Outputs that are not prices even on an overlay (supertrend's ±1 trend direction). */
const HIDDEN_OUTPUTS: ReadonlySet<string> = new Set(['direction']);

/** The indicator's name in a spec (`rsi:14` → `rsi`). */
export const indicatorName = (spec: string): string => (spec.split(':')[0] ?? '').trim().toLowerCase();

export const isOverlay = (spec: string): boolean => OVERLAYS.has(indicatorName(spec));

/** What the picker offers (any other spec can be typed in). */
export const INDICATOR_PRESETS: readonly { readonly spec: string; readonly label: string }[] = [
  { spec: 'sma:20', label: 'SMA 20' },
  { spec: 'sma:50', label: 'SMA 50' },
  { spec: 'ema:20', label: 'EMA 20' },
  { spec: 'ema:50', label: 'EMA 50' },
  { spec: 'bb:20:2', label: 'Bollinger 20, 2' },
  { spec: 'vwap', label: 'VWAP' },
  { spec: 'donchian:20', label: 'Donchian 20' },
  { spec: 'rsi:14', label: 'RSI 14' },
  { spec: 'macd:12:26:9', label: 'MACD 12, 26, 9' },
  { spec: 'stoch:14:3:3', label: 'Stochastic 14, 3, 3' },
  { spec: 'atr:14', label: 'ATR 14' },
  { spec: 'adx:14', label: 'ADX 14' },
  { spec: 'obv', label: 'OBV' },
];

export interface IndicatorPlacement {
  readonly spec: string;
  /** 0 = the price pane; oscillators take 1, 2, … in the order they were picked. */
  readonly pane: number;
}

/** Pane of every spec: overlays on 0, each oscillator on the next free pane (volume stays on 0). */
export function placeIndicators(specs: readonly string[]): IndicatorPlacement[] {
  let next = 1;
  return specs.map((spec) => ({ spec, pane: isOverlay(spec) ? 0 : next++ }));
}

/** The keys of `spec`'s outputs present in a bar (`spec` first, then `spec#output`), hidden ones left out. */
export function outputKeysOf(spec: string, bar: BarView | undefined): string[] {
  if (!bar) return [spec];
  const keys = Object.keys(bar.indicators).filter((k) => k === spec || (k.startsWith(`${spec}#`) && !HIDDEN_OUTPUTS.has(k.slice(spec.length + 1))));
  return keys.length === 0 ? [spec] : keys;
}

/** A short legend label: `RSI 14`, `MACD 12 26 9 · signal`. */
export function outputLabel(key: string): string {
  const [spec = '', output] = key.split('#');
  const [name = '', ...params] = spec.split(':');
  const base = [name.toUpperCase(), ...params].join(' ');
  return output ? `${base} · ${output}` : base;
}
