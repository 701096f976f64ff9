/**
 * The Backtest panel's optimise mode: data and strategy as for a backtest, a start/stop/step
 * range for each numeric parameter (ticked ones vary, the others stay at their value), the
 * objective; then progress (status polled over the contract), the ranked sets and a heatmap of
 * the objective over the first two varied parameters. The sets run in worker threads on main's
 * side (the `optimize` service), exactly as `libra optimize` runs them.
 */
import { useEffect, useState } from 'react';
import { useBridge } from '../../app/bridge-context';
import { useAppSelector } from '../../app/hooks';
import { OPTIMIZE_OBJECTIVES } from '../../../shared/ipc/schemas';
import type { OptimizeRunView, ParamSpecView } from '../../../shared/ipc/views';
import { selectBacktestCatalog } from './backtest-slice';
import { defaultRanges, gridOf, heatColor } from './optimize-grid';
import type { RangeInput } from './optimize-grid';

const POLL_MS = 300;
/** The data select's value for "a file on this computer" (its path in the field below). */
const PATH = '__path__';
const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;
const fix = (v: number | null, d = 3): string => (v === null ? 'n/a' : v.toFixed(d));
/** An objective's value as the heatmap shows it: a total return in percent, a ratio with 2 decimals. */
const cell = (objective: string, v: number | null): string => (v === null ? 'n/a' : objective === 'total-return' ? pct(v) : v.toFixed(2));

export function OptimizeForm() {
  const bridge = useBridge();
  const catalog = useAppSelector(selectBacktestCatalog);
  const [data, setData] = useState('');
  const [dataPath, setDataPath] = useState('');
  const [strategy, setStrategy] = useState('sma-cross');
  const [specs, setSpecs] = useState<readonly ParamSpecView[]>([]);
  const [ranges, setRanges] = useState<Record<string, RangeInput>>({});
  const [objective, setObjective] = useState<(typeof OPTIMIZE_OBJECTIVES)[number]>('sharpe');
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<OptimizeRunView | null>(null);

  useEffect(() => {
    if (catalog && data === '') setData(catalog.samples[0]?.file ?? '');
  }, [catalog, data]);

  useEffect(() => {
    let live = true;
    void bridge.strategies.describe({ strategy }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setSpecs(r.value.params);
        setRanges(defaultRanges(r.value.params));
      } else setError(`${r.error.code}: ${r.error.message}`);
    });
    return () => {
      live = false;
    };
  }, [bridge, strategy]);

  const runId = run?.status === 'running' ? run.id : null;
  useEffect(() => {
    if (runId === null) return;
    const timer = setInterval(() => {
      void bridge.optimize.status({ id: runId }).then((r) => {
        if (r.ok) setRun(r.value);
      });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [bridge, runId]);

  const start = async () => {
    const grid = gridOf(ranges);
    if ('error' in grid) {
      setError(grid.error);
      return;
    }
    setError(null);
    const fixed = Object.fromEntries(specs.filter((p) => !ranges[p.name]?.vary).map((p) => [p.name, String(p.default)]));
    if (data === PATH && dataPath.trim() === '') {
      setError('give the data file path');
      return;
    }
    const r = await bridge.optimize.start({ data: data === PATH ? { path: dataPath.trim() } : { sample: data }, strategy, params: fixed, grid: grid.axes, objective, capital: catalog?.defaults.capital ?? 10_000, feeBps: catalog?.defaults.feeBps ?? 10, slippageBps: catalog?.defaults.slippageBps ?? 0 });
    if (r.ok) setRun(r.value);
    else setError(`${r.error.code}: ${r.error.message}`);
  };
  const cancel = async () => {
    if (!run) return;
    const r = await bridge.optimize.cancel({ id: run.id });
    if (r.ok) setRun(r.value);
  };
  const setRange = (name: string, patch: Partial<RangeInput>) => setRanges((rs) => ({ ...rs, [name]: { ...(rs[name] as RangeInput), ...patch } }));
  const fraction = run?.progress ? run.progress.done / Math.max(1, run.progress.total) : 0;

  return (
    <div data-testid="opt-form">
      <div className="bt-form">
        <label className="wide">Data
          <select value={data} onChange={(e) => setData(e.target.value)} data-testid="opt-data">
            {catalog?.samples.map((s) => <option key={s.file} value={s.file}>{s.symbol} {s.timeframe ?? ''} · {s.bars ?? '?'} bars (sample)</option>)}
            <option value={PATH}>A file on this computer…</option>
          </select>
        </label>
        {data === PATH ? (
          <label className="wide">Data file path
            <input value={dataPath} onChange={(e) => setDataPath(e.target.value)} placeholder="/path/to/XRP_ETH-trades.feather" data-testid="opt-data-path" />
          </label>
        ) : null}
        <label>Strategy
          <select value={strategy} onChange={(e) => setStrategy(e.target.value)} data-testid="opt-strategy">
            {catalog?.strategies.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Objective
          <select value={objective} onChange={(e) => setObjective(e.target.value as (typeof OPTIMIZE_OBJECTIVES)[number])} data-testid="opt-objective">
            {OPTIMIZE_OBJECTIVES.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </label>
      </div>
      <table className="opt-ranges">
        <thead><tr><th>vary</th><th>parameter</th><th>start</th><th>stop</th><th>step</th></tr></thead>
        <tbody>
          {Object.entries(ranges).map(([name, r]) => (
            <tr key={name}>
              <td><input type="checkbox" checked={r.vary} onChange={(e) => setRange(name, { vary: e.target.checked })} data-testid={`opt-vary-${name}`} /></td>
              <td>{name}</td>
              {(['start', 'stop', 'step'] as const).map((k) => (
                <td key={k}><input value={r[k]} onChange={(e) => setRange(name, { [k]: e.target.value })} data-testid={`opt-${k}-${name}`} /></td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="bt-actions">
        <button className="run" onClick={() => void start()} disabled={runId !== null || data === ''} data-testid="opt-run">Optimise</button>
        {run ? <span className="badge" data-testid="opt-status">{run.status}</span> : null}
        {run?.status === 'running' ? (
          <>
            <div className="progress" data-testid="opt-progress"><div style={{ width: `${(fraction * 100).toFixed(1)}%` }} /></div>
            <button onClick={() => void cancel()} data-testid="opt-cancel">Cancel</button>
          </>
        ) : null}
        {error ? <span className="error" role="alert" data-testid="opt-error">{error}</span> : null}
      </div>
      {run?.status === 'failed' ? <p className="error" role="alert">{run.error}</p> : null}
      {run?.status === 'done' ? <OptimizeResults run={run} /> : null}
    </div>
  );
}

function OptimizeResults({ run }: { readonly run: OptimizeRunView }) {
  const [x, y] = run.axes;
  const vals = (run.heatmap ?? []).flat().filter((v): v is number => v !== null);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  return (
    <div className="opt-results">
      <p className="muted" data-testid="opt-summary">{run.sets} sets · {run.skipped} refused · {run.failed} failed · {((run.elapsedMs ?? 0) / 1000).toFixed(1)} s</p>
      {run.heatmap && x && y ? (
        <table className="opt-heat" data-testid="opt-heatmap">
          <thead><tr><th>{y.name} \ {x.name}</th>{x.values.map((v) => <th key={v}>{v}</th>)}</tr></thead>
          <tbody>
            {run.heatmap.map((row, yi) => (
              <tr key={y.values[yi]}>
                <th>{y.values[yi]}</th>
                {row.map((v, xi) => <td key={x.values[xi]} style={{ background: heatColor(v, lo, hi) }}>{cell(run.objective, v)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <table className="opt-table" data-testid="opt-results">
        <thead><tr><th>#</th><th>params</th><th>{run.objective}</th><th>return</th><th>sharpe</th><th>max dd</th><th>trades</th></tr></thead>
        <tbody>
          {run.results.map((r, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>{Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}</td>
              <td>{fix(r.score)}</td>
              <td>{pct(r.totalReturn)}</td>
              <td>{fix(r.sharpe, 2)}</td>
              <td>{pct(r.maxDrawdown)}</td>
              <td>{r.trades}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
