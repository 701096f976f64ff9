/**
 * Strategies panel: load a strategy by name or path into the live paper session, set its
 * parameters (rendered from its spec), start it; running strategies listed with their params,
 * state, position and PnL; stop. Errors (bad path, bad parameter) are shown inline.
 */
import '../backtest/backtest.css';
import { useEffect, useState } from 'react';
import { fmt, fmtQty, pnlClass } from '../../app/format';
import { useBridge } from '../../app/bridge-context';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectInstruments } from '../session/session-slice';
import { ParamInputs } from './param-inputs';
import { selectLoadedStrategy, selectStrategies, selectStrategyError, strategiesListed, strategyChanged, strategyDescribed, strategyFailed } from './strategies-slice';

const REFRESH_MS = 1000;

/** `instrument`: the symbol new strategies trade (the watchlist's selection); default: the session's first. */
export function StrategiesPanel({ instrument }: { instrument?: { readonly id: string; readonly symbol: string } | undefined } = {}) {
  const bridge = useBridge();
  const dispatch = useAppDispatch();
  const list = useAppSelector(selectStrategies);
  const instruments = useAppSelector(selectInstruments);
  const loaded = useAppSelector(selectLoadedStrategy);
  const error = useAppSelector(selectStrategyError);
  const [ref, setRef] = useState('sma-cross');
  const [params, setParams] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const refresh = () =>
      void bridge.strategies.list({}).then((r) => {
        if (r.ok) dispatch(strategiesListed(r.value));
      });
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [bridge, dispatch]);

  const load = async () => {
    setBusy(true);
    const r = await bridge.strategies.describe({ strategy: ref });
    setBusy(false);
    if (!r.ok) return dispatch(strategyFailed(r.error));
    setParams(Object.fromEntries(r.value.params.map((p) => [p.name, String(p.default)])));
    dispatch(strategyDescribed(r.value));
  };
  const start = async () => {
    setBusy(true);
    const r = await bridge.strategies.start({ strategy: ref, params, ...(instrument ? { instrumentId: instrument.id } : {}) });
    setBusy(false);
    dispatch(r.ok ? strategyChanged(r.value) : strategyFailed(r.error));
  };
  const stop = async (id: string) => {
    const r = await bridge.strategies.stop({ id });
    dispatch(r.ok ? strategyChanged(r.value) : strategyFailed(r.error));
  };

  return (
    <section className="panel" data-testid="strategies-panel">
      <h2>Strategies <span className="muted">paper session</span></h2>
      <div className="bt-form">
        <label className="wide">Name or path
          <input value={ref} onChange={(e) => setRef(e.target.value)} list="builtin-strategies" placeholder="sma-cross or ./my-strategy.ts" data-testid="st-ref" />
          <datalist id="builtin-strategies"><option value="sma-cross" /></datalist>
        </label>
        <button onClick={() => void load()} disabled={busy || ref.trim() === ''} data-testid="st-load">Load</button>
        {loaded && loaded.name.endsWith(ref.trim().replace(/^\.\//, '')) ? (
          <>
            <ParamInputs specs={loaded.params} values={params} onChange={setParams} testIdPrefix="st-param" />
            <button className="run" onClick={() => void start()} disabled={busy} data-testid="st-start">Start{instrument ? ` on ${instrument.symbol}` : ''}</button>
          </>
        ) : null}
      </div>
      {error ? <p className="error" role="alert" data-testid="st-error">{error.code}: {error.message}</p> : null}
      {list.length === 0 ? <p className="muted">No strategy loaded in the paper session.</p> : null}
      <ul className="strat-list" data-testid="st-list">
        {list.map((s) => (
          <li key={s.id} data-testid={`strategy-${s.id}`}>
            <b>{s.id}</b>
            <span className={`badge state-${s.state}`} data-testid="st-state">{s.state}</span>
            <span className="muted">{Object.entries(s.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')} · {instruments.find((i) => i.id === s.instrumentId)?.symbol ?? s.instrumentId} {s.timeframe}</span>
            <span>pos {fmtQty(s.position)}</span>
            <span className={pnlClass(s.realized + s.unrealized)}>PnL {fmt(s.realized + s.unrealized)}</span>
            <span className="muted">{s.orders} orders</span>
            {s.error ? <span className="error">{s.error}</span> : null}
            {s.state === 'running' ? <button className="small" onClick={() => void stop(s.id)} data-testid="st-stop">Stop</button> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
