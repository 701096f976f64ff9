/**
 * Parameter grids: `name=start:stop:step` ranges (inclusive), or `name=v1,v2,…` lists, expanded
 * into every combination in a fixed order (the first axis varies slowest), so a grid always
 * yields the same sets in the same order.
 */

export class GridError extends Error {
  override readonly name = 'GridError';
}

export interface GridAxis {
  readonly name: string;
  readonly values: readonly (number | string)[];
}

export type ParamSet = Readonly<Record<string, string>>;

/** Sets in one grid at most (a typo such as step 0.0001 should not start a day-long run). */
export const MAX_GRID_SETS = 1_000_000;

const NUM = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** Parses one `--grid` value; the error names the flag and what is wrong with it. */
export function parseGridAxis(text: string, flag = '--grid'): GridAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new GridError(`${flag} ${JSON.stringify(text)}: expected name=start:stop:step or name=v1,v2,…`);
  const name = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new GridError(`${flag} ${JSON.stringify(text)}: ${JSON.stringify(name)} is not a parameter name`);
  if (spec === '') throw new GridError(`${flag} ${name}: no values after "="`);
  if (spec.includes(':')) return { name, values: parseRange(name, spec, flag) };
  const values = spec.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new GridError(`${flag} ${name}: empty value in ${JSON.stringify(spec)}`);
  return { name, values: values.map((v) => (NUM.test(v) ? Number(v) : v)) };
}

function parseRange(name: string, spec: string, flag: string): number[] {
  const parts = spec.split(':');
  if (parts.length !== 3) throw new GridError(`${flag} ${name}: ${JSON.stringify(spec)} must be start:stop:step`);
  const [start, stop, step] = parts.map((p, i) => {
    const t = p.trim();
    if (!NUM.test(t)) throw new GridError(`${flag} ${name}: ${['start', 'stop', 'step'][i]} ${JSON.stringify(t)} is not a number`);
    return Number(t);
  }) as [number, number, number];
  if (!(step > 0)) throw new GridError(`${flag} ${name}: step must be > 0, got ${step}`);
  if (stop < start) throw new GridError(`${flag} ${name}: stop ${stop} is below start ${start}`);
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > MAX_GRID_SETS) throw new GridError(`${flag} ${name}: ${count} values is too many (at most ${MAX_GRID_SETS})`);
  // Decimal steps: round to the step's decimals so 0.1 + 0.2 prints as 0.3.
  const decimals = Math.max(decimalsOf(start), decimalsOf(step));
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Number((start + i * step).toFixed(decimals)));
  return out;
}

function decimalsOf(n: number): number {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Every combination of the axes (the first axis varies slowest); fixed params are added to each. */
export function expandGrid(axes: readonly GridAxis[], fixed: ParamSet = {}): ParamSet[] {
  if (axes.length === 0) throw new GridError('give at least one --grid name=start:stop:step');
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new GridError(`--grid ${a.name} is given twice`);
    if (a.name in fixed) throw new GridError(`${a.name} is both a --grid and a --param`);
    seen.add(a.name);
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_GRID_SETS) throw new GridError(`the grid has ${total} sets, more than ${MAX_GRID_SETS}`);
  const out: ParamSet[] = [];
  const idx = axes.map(() => 0);
  for (let k = 0; k < total; k++) {
    const set: Record<string, string> = { ...fixed };
    axes.forEach((a, i) => (set[a.name] = String(a.values[idx[i] as number])));
    out.push(set);
    for (let i = axes.length - 1; i >= 0; i--) {
      const next = (idx[i] ?? 0) + 1;
      if (next < (axes[i] as GridAxis).values.length) {
        idx[i] = next;
        break;
      }
      idx[i] = 0;
    }
  }
  return out;
}
