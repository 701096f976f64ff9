/** Pure helpers of the optimise form: default ranges for a strategy's numeric parameters, the request's grid, heatmap colours. */
import type { ParamSpecView } from '../../../shared/ipc/views';

export interface RangeInput {
  readonly vary: boolean;
  readonly start: string;
  readonly stop: string;
  readonly step: string;
}

/** A range around each numeric parameter's default (default/2 … default×2, 5 values); the first two vary. */
export function defaultRanges(specs: readonly ParamSpecView[]): Record<string, RangeInput> {
  const out: Record<string, RangeInput> = {};
  let varied = 0;
  for (const p of specs) {
    if (p.type !== 'int' && p.type !== 'number' || typeof p.default !== 'number') continue;
    const d = p.default;
    const lo = Math.max(p.min ?? -Infinity, p.type === 'int' ? Math.max(1, Math.round(d / 2)) : d / 2);
    const hi = Math.min(p.max ?? Infinity, d * 2);
    const raw = (hi - lo) / 4;
    const step = p.type === 'int' ? Math.max(1, Math.round(raw)) : Number(raw.toPrecision(2));
    out[p.name] = { vary: varied < 2, start: String(lo), stop: String(hi), step: String(step > 0 ? step : 1) };
    varied++;
  }
  return out;
}

export interface GridRequestAxis {
  readonly name: string;
  readonly start: number;
  readonly stop: number;
  readonly step: number;
}

/** The varied parameters as grid axes, or the first field that is not a number. */
export function gridOf(ranges: Readonly<Record<string, RangeInput>>): { axes: GridRequestAxis[] } | { error: string } {
  const axes: GridRequestAxis[] = [];
  for (const [name, r] of Object.entries(ranges)) {
    if (!r.vary) continue;
    const [start, stop, step] = [r.start, r.stop, r.step].map((t) => (t.trim() === '' ? NaN : Number(t))) as [number, number, number];
    for (const [label, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
      if (!Number.isFinite(v)) return { error: `${name}: ${label} is not a number` };
    }
    axes.push({ name, start, stop, step });
  }
  if (axes.length === 0) return { error: 'tick "vary" on at least one parameter' };
  return { axes };
}

/** Red (worst) → green (best); grey for a set with no value. */
export function heatColor(v: number | null, lo: number, hi: number): string {
  if (v === null) return '#2a3340';
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  return `hsl(${Math.round(t * 120)} 55% 32%)`;
}
