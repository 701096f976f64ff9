/**
 * Indicator registry: turns a spec string such as `macd:12:26:9` into a ready-to-feed handle
 * with CSV-friendly column names. Used by the CLI and anything configured by text.
 *
 * Spec grammar: `<name>[:<p1>[:<p2>…]]`. Omitted (or empty, e.g. `macd::30`) parameters take the
 * defaults below; the name is case-insensitive. Column names are `<name>_<params joined by _>`
 * with the effective parameters (defaults filled in), plus `.<output>` when an indicator has
 * several outputs; parameterless indicators use the bare name (`obv`, `vwap`).
 *
 *   sma|ema|wma|dema|tema:period(20)  rsi:period(14)  macd:fast(12):slow(26):signal(9) → .macd .signal .hist
 *   bb:period(20):multiplier(2) → .upper .middle .lower        atr|natr:period(14)
 *   stoch:k(14):kSmooth(3):d(3) → .k .d                        stochrsi:rsi(14):stoch(14):kSmooth(3):d(3) → .k .d
 *   adx:period(14) → adx_14 (ADX only)                         dmi:period(14) → .plus .minus (+DI/−DI)
 *   cci:period(20)  roc|mom:period(10)  willr:period(14)  mfi:period(14)  obv
 *   vwap[:sessionMinutes(0 = from the first bar)]  keltner:ema(20):multiplier(2):atr(10) → .upper .middle .lower
 *   donchian:period(20) → .upper .middle .lower                 supertrend:period(10):multiplier(3) → .value .direction
 *   psar:acceleration(0.02):maximum(0.2)                        ichimoku:tenkan(9):kijun(26):senkou(52) → .tenkan .kijun .senkouA .senkouB .chikou
 *
 * Invariants: every error thrown for a bad spec names the offending token and what was expected;
 * a handle's `columns` and `values()` always have the same length and order.
 */
import type { Indicator, IndicatorInput } from './types';
import { Dema, Ema, Sma, Tema, Wma } from './moving-averages';
import { Cci, Macd, Mom, Roc, Rsi, Stoch, StochRsi, WillR } from './oscillators';
import { Atr, BollingerBands, Donchian, Keltner, Natr } from './volatility';
import { Adx, Dmi, Ichimoku, Psar, SuperTrend } from './trend';
import { Mfi, Obv, Vwap } from './volume';

type ParamKind = 'period' | 'positive' | 'minutes';

interface ParamDef {
  readonly name: string;
  readonly kind: ParamKind;
  readonly default: number;
}

interface IndicatorDef {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamDef[];
  /** Column suffixes (after `.`); empty for single-column indicators. */
  readonly outputs: readonly string[];
  /** Which `indicator.output(i)` feeds each column. */
  readonly select: readonly number[];
  /** When true, the column base omits params equal to the defaults-only case (vwap with 0). */
  readonly omitZeroParams?: boolean;
  create(p: readonly number[]): Indicator;
}

const period = (d: number, name = 'period'): ParamDef => ({ name, kind: 'period', default: d });
const positive = (name: string, d: number): ParamDef => ({ name, kind: 'positive', default: d });

/** p[i] with a defined type (params are always filled with defaults before `create`). */
const at = (p: readonly number[], i: number): number => p[i] ?? NaN;

const single = (name: string, description: string, params: readonly ParamDef[], create: (p: readonly number[]) => Indicator): IndicatorDef => ({
  name,
  description,
  params,
  outputs: [],
  select: [0],
  create,
});

const DEFS: readonly IndicatorDef[] = [
  single('sma', 'simple moving average of close', [period(20)], (p) => new Sma(at(p, 0))),
  single('ema', 'exponential moving average of close (SMA-seeded, TA-Lib)', [period(20)], (p) => new Ema(at(p, 0))),
  single('wma', 'linearly weighted moving average of close', [period(20)], (p) => new Wma(at(p, 0))),
  single('dema', 'double EMA', [period(20)], (p) => new Dema(at(p, 0))),
  single('tema', 'triple EMA', [period(20)], (p) => new Tema(at(p, 0))),
  single('rsi', 'relative strength index (Wilder)', [period(14)], (p) => new Rsi(at(p, 0))),
  {
    name: 'macd',
    description: 'MACD line, signal and histogram (TA-Lib seeding)',
    params: [period(12, 'fast period'), period(26, 'slow period'), period(9, 'signal period')],
    outputs: ['macd', 'signal', 'hist'],
    select: [0, 1, 2],
    create: (p) => new Macd(at(p, 0), at(p, 1), at(p, 2)),
  },
  {
    name: 'bb',
    description: 'Bollinger Bands (SMA ± multiplier·population σ)',
    params: [period(20), positive('multiplier', 2)],
    outputs: ['upper', 'middle', 'lower'],
    select: [0, 1, 2],
    create: (p) => new BollingerBands(at(p, 0), at(p, 1)),
  },
  single('atr', 'average true range (Wilder)', [period(14)], (p) => new Atr(at(p, 0))),
  single('natr', 'ATR as % of close', [period(14)], (p) => new Natr(at(p, 0))),
  {
    name: 'stoch',
    description: 'stochastic oscillator (slow %K and %D, SMA smoothing)',
    params: [period(14, 'k period'), period(3, 'k smoothing'), period(3, 'd period')],
    outputs: ['k', 'd'],
    select: [0, 1],
    create: (p) => new Stoch(at(p, 0), at(p, 1), at(p, 2)),
  },
  {
    name: 'stochrsi',
    description: 'stochastic RSI (stochrsi:14:14:1:3 = TA-Lib STOCHRSI fastk/fastd)',
    params: [period(14, 'rsi period'), period(14, 'stoch period'), period(3, 'k smoothing'), period(3, 'd period')],
    outputs: ['k', 'd'],
    select: [0, 1],
    create: (p) => new StochRsi(at(p, 0), at(p, 1), at(p, 2), at(p, 3)),
  },
  {
    name: 'adx',
    description: 'average directional index (use dmi for +DI/−DI)',
    params: [period(14)],
    outputs: [],
    select: [0],
    create: (p) => new Adx(at(p, 0)),
  },
  {
    name: 'dmi',
    description: 'directional movement indicators +DI and −DI',
    params: [period(14)],
    outputs: ['plus', 'minus'],
    select: [0, 1],
    create: (p) => new Dmi(at(p, 0)),
  },
  single('cci', 'commodity channel index', [period(20)], (p) => new Cci(at(p, 0))),
  single('roc', 'rate of change, %', [period(10)], (p) => new Roc(at(p, 0))),
  single('mom', 'momentum (close − close[n])', [period(10)], (p) => new Mom(at(p, 0))),
  single('willr', 'Williams %R', [period(14)], (p) => new WillR(at(p, 0))),
  single('obv', 'on-balance volume', [], () => new Obv()),
  single('mfi', 'money flow index', [period(14)], (p) => new Mfi(at(p, 0))),
  {
    name: 'vwap',
    description: 'volume-weighted average price (optionally restarting every N minutes, UTC-aligned)',
    params: [{ name: 'session minutes', kind: 'minutes', default: 0 }],
    outputs: [],
    select: [0],
    omitZeroParams: true,
    create: (p) => new Vwap(at(p, 0)),
  },
  {
    name: 'keltner',
    description: 'Keltner channels (EMA ± multiplier·ATR)',
    params: [period(20, 'ema period'), positive('multiplier', 2), period(10, 'atr period')],
    outputs: ['upper', 'middle', 'lower'],
    select: [0, 1, 2],
    create: (p) => new Keltner(at(p, 0), at(p, 1), at(p, 2)),
  },
  {
    name: 'donchian',
    description: 'Donchian channels of the previous N bars',
    params: [period(20)],
    outputs: ['upper', 'middle', 'lower'],
    select: [0, 1, 2],
    create: (p) => new Donchian(at(p, 0)),
  },
  {
    name: 'supertrend',
    description: 'SuperTrend (value and direction +1/−1)',
    params: [period(10), positive('multiplier', 3)],
    outputs: ['value', 'direction'],
    select: [0, 1],
    create: (p) => new SuperTrend(at(p, 0), at(p, 1)),
  },
  single('psar', 'parabolic SAR', [positive('acceleration', 0.02), positive('maximum', 0.2)], (p) => new Psar(at(p, 0), at(p, 1))),
  {
    name: 'ichimoku',
    description: 'Ichimoku cloud',
    params: [period(9, 'tenkan period'), period(26, 'kijun period'), period(52, 'senkou period')],
    outputs: ['tenkan', 'kijun', 'senkouA', 'senkouB', 'chikou'],
    select: [0, 1, 2, 3, 4],
    create: (p) => new Ichimoku(at(p, 0), at(p, 1), at(p, 2)),
  },
];

const BY_NAME = new Map(DEFS.map((d) => [d.name, d]));

/** Names accepted by `createIndicator`, in documentation order. */
export const KNOWN_INDICATORS: readonly string[] = DEFS.map((d) => d.name);

export interface IndicatorInfo {
  readonly name: string;
  readonly description: string;
  readonly params: readonly { readonly name: string; readonly default: number }[];
  readonly outputs: readonly string[];
}

/** Machine-readable catalogue (for CLI help). */
export function listIndicators(): IndicatorInfo[] {
  return DEFS.map((d) => ({
    name: d.name,
    description: d.description,
    params: d.params.map((p) => ({ name: p.name, default: p.default })),
    outputs: d.outputs,
  }));
}

export interface IndicatorHandle {
  /** Canonical spec with all parameters, e.g. `macd:12:26:9`. */
  readonly spec: string;
  readonly name: string;
  readonly params: readonly number[];
  /** Column names, e.g. `['macd_12_26_9.macd', 'macd_12_26_9.signal', 'macd_12_26_9.hist']`. */
  readonly columns: readonly string[];
  readonly indicator: Indicator;
  /** 0-based index of the first bar with every column valid. */
  readonly warmup: number;
  update(bar: IndicatorInput): void;
  readonly ready: boolean;
  /** Current row, one entry per column; null where the value is not (yet) valid. Allocates. */
  values(): (number | null)[];
  /** Column `c` of the current row (NaN where not valid, or past the last column). Allocation-free. */
  column(c: number): number;
  /** Writes the current row into `out` from `offset` (NaN where not valid). Allocation-free. */
  writeInto(out: Float64Array | number[], offset?: number): void;
  reset(): void;
}

class Handle implements IndicatorHandle {
  constructor(
    readonly spec: string,
    readonly name: string,
    readonly params: readonly number[],
    readonly columns: readonly string[],
    readonly indicator: Indicator,
    private readonly select: readonly number[],
  ) {}

  get warmup(): number {
    return this.indicator.warmup;
  }
  get ready(): boolean {
    return this.indicator.ready;
  }
  update(bar: IndicatorInput): void {
    this.indicator.update(bar);
  }
  values(): (number | null)[] {
    return this.select.map((i) => {
      const v = this.indicator.output(i);
      return v === v ? v : null;
    });
  }
  column(c: number): number {
    const i = this.select[c];
    return i === undefined ? NaN : this.indicator.output(i);
  }
  writeInto(out: Float64Array | number[], offset = 0): void {
    const sel = this.select;
    for (let c = 0; c < sel.length; c++) out[offset + c] = this.indicator.output(sel[c]!);
  }
  reset(): void {
    this.indicator.reset();
  }
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function parseParam(def: IndicatorDef, param: ParamDef, token: string): number {
  const t = token.trim();
  if (t === '') return param.default;
  const v = NUMBER_RE.test(t) ? Number(t) : NaN;
  switch (param.kind) {
    case 'period':
      if (!Number.isInteger(v) || v < 1) throw new Error(`${def.name} ${param.name} must be an integer ≥ 1, got "${t}"`);
      return v;
    case 'minutes':
      if (!Number.isInteger(v) || v < 0) throw new Error(`${def.name} ${param.name} must be an integer ≥ 0, got "${t}"`);
      return v;
    case 'positive':
      if (!Number.isFinite(v) || !(v > 0)) throw new Error(`${def.name} ${param.name} must be a number > 0, got "${t}"`);
      return v;
  }
}

/**
 * Parses `spec` and returns a fresh indicator handle.
 * @throws Error with a specific message for unknown names, extra or malformed parameters.
 */
export function createIndicator(spec: string): IndicatorHandle {
  const raw = spec.trim();
  if (raw === '') throw new Error(`empty indicator spec (known: ${KNOWN_INDICATORS.join(', ')})`);
  const [head = '', ...tokens] = raw.split(':');
  const name = head.trim().toLowerCase();
  const def = BY_NAME.get(name);
  if (!def) {
    const best = KNOWN_INDICATORS.map((k) => [k, editDistance(name, k)] as const).sort((a, b) => a[1] - b[1])[0];
    const hint = best && best[1] <= 2 ? `; did you mean "${best[0]}"?` : '';
    throw new Error(`unknown indicator "${head.trim()}" (known: ${KNOWN_INDICATORS.join(', ')})${hint}`);
  }
  if (tokens.length > def.params.length) {
    const names = def.params.map((p) => p.name).join(', ');
    throw new Error(
      def.params.length === 0
        ? `${def.name} takes no parameters, got "${raw}"`
        : `${def.name} takes at most ${def.params.length} parameter${def.params.length === 1 ? '' : 's'} (${names}), got ${tokens.length} in "${raw}"`,
    );
  }
  const params = def.params.map((p, i) => {
    const tok = tokens[i];
    return tok === undefined ? p.default : parseParam(def, p, tok);
  });
  const indicator = def.create(params);
  const shown = def.omitZeroParams && params.every((p) => p === 0) ? [] : params;
  const base = shown.length === 0 ? def.name : `${def.name}_${shown.map(String).join('_')}`;
  const columns = def.outputs.length === 0 ? [base] : def.outputs.map((o) => `${base}.${o}`);
  const canonical = params.length === 0 ? def.name : `${def.name}:${params.map(String).join(':')}`;
  return new Handle(canonical, def.name, params, columns, indicator, def.select);
}
