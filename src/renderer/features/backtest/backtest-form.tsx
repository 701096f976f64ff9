/** The Backtest panel's form: data (bundled sample or a path), strategy and its parameters, costs. */
import { useEffect, useState } from 'react';
import { useBridge } from '../../app/bridge-context';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import type { ParamSpecView } from '../../../shared/ipc/views';
import { ParamInputs } from '../strategies/param-inputs';
import { selectStatus } from '../session/session-slice';
import { runStarted, selectBacktestCatalog, selectStartError, selectStarting, startRejected, startRequested } from './backtest-slice';

const PATH = '__path__';

export function BacktestForm() {
  const bridge = useBridge();
  const dispatch = useAppDispatch();
  const catalog = useAppSelector(selectBacktestCatalog);
  const startError = useAppSelector(selectStartError);
  const starting = useAppSelector(selectStarting);
  const [data, setData] = useState('');
  const [dataPath, setDataPath] = useState('');
  const [strategy, setStrategy] = useState('sma-cross');
  const [strategyPath, setStrategyPath] = useState('');
  const [specs, setSpecs] = useState<readonly ParamSpecView[]>([]);
  const [specError, setSpecError] = useState<string | null>(null);
  /** The strategy the loaded specs belong to (a reconnect does not reload them nor reset typed values). */
  const [specsFor, setSpecsFor] = useState<string | null>(null);
  const [params, setParams] = useState<Record<string, string>>({});
  const [capital, setCapital] = useState('10000');
  const [feeBps, setFeeBps] = useState('10');
  const [slippageBps, setSlippageBps] = useState('0');
  const ref = strategy === PATH ? strategyPath.trim() : strategy;

  useEffect(() => {
    if (catalog && data === '') setData(catalog.samples[0]?.file ?? PATH);
  }, [catalog, data]);

  // Load the strategy's parameter spec whenever the choice settles.
  // Only asked while the engine is connected; a lost connection is not the strategy's error: the
  // question is asked again when the socket is back (status in the deps).
  const status = useAppSelector(selectStatus);
  useEffect(() => {
    if (ref === '' || status !== 'open' || specsFor === ref) return;
    let live = true;
    const t = setTimeout(() => {
      void bridge.strategies.describe({ strategy: ref }).then((r) => {
        if (!live) return;
        if (r.ok) {
          setSpecs(r.value.params);
          setSpecsFor(ref);
          setSpecError(null);
          setParams(Object.fromEntries(r.value.params.map((p) => [p.name, String(p.default)])));
        } else if (r.error.code !== 'DISCONNECTED') {
          setSpecs([]);
          setSpecsFor(null);
          setSpecError(`${r.error.code}: ${r.error.message}`);
        }
      });
    }, strategy === PATH ? 400 : 0);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [bridge, ref, strategy, status, specsFor]);

  const run = async () => {
    dispatch(startRequested());
    const r = await bridge.backtest.start({
      data: data === PATH ? { path: dataPath } : { sample: data },
      strategy: ref,
      params,
      capital: Number(capital),
      feeBps: Number(feeBps),
      slippageBps: Number(slippageBps),
    });
    dispatch(r.ok ? runStarted(r.value) : startRejected(r.error));
  };

  return (
    <div>
      <div className="bt-form">
        <label className="wide">Data
          <select value={data} onChange={(e) => setData(e.target.value)} data-testid="bt-data">
            {catalog?.samples.map((s) => <option key={s.file} value={s.file}>{s.symbol} {s.timeframe ?? ''} · {s.bars ?? '?'} bars (sample)</option>)}
            <option value={PATH}>A file on this computer…</option>
          </select>
        </label>
        {data === PATH ? (
          <label className="wide">Data file path
            <input value={dataPath} onChange={(e) => setDataPath(e.target.value)} placeholder="/path/to/BTC-USDT_1h.csv" data-testid="bt-data-path" />
          </label>
        ) : null}
        <label>Strategy
          <select value={strategy} onChange={(e) => setStrategy(e.target.value)} data-testid="bt-strategy">
            {catalog?.strategies.map((s) => <option key={s} value={s}>{s}</option>)}
            <option value={PATH}>A strategy file…</option>
          </select>
        </label>
        {strategy === PATH ? (
          <label className="wide">Strategy path
            <input value={strategyPath} onChange={(e) => setStrategyPath(e.target.value)} placeholder="./strategies/my-strategy.ts" data-testid="bt-strategy-path" />
          </label>
        ) : null}
        <ParamInputs specs={specsFor === ref ? specs : []} values={params} onChange={setParams} testIdPrefix="bt-param" />
        <label>Capital
          <input type="number" min="0" value={capital} onChange={(e) => setCapital(e.target.value)} data-testid="bt-capital" />
        </label>
        <label>Fee (bps)
          <input type="number" min="0" value={feeBps} onChange={(e) => setFeeBps(e.target.value)} data-testid="bt-fee" />
        </label>
        <label>Slippage (bps)
          <input type="number" min="0" value={slippageBps} onChange={(e) => setSlippageBps(e.target.value)} data-testid="bt-slippage" />
        </label>
      </div>
      {status !== 'open' ? <p className="muted" role="status" data-testid="bt-waiting">waiting for the engine…</p> : null}
      {specError ? <p className="error" role="alert" data-testid="bt-strategy-error">{specError}</p> : null}
      <div className="bt-actions">
        <button className="run" onClick={() => void run()} disabled={starting || ref === '' || specError !== null} data-testid="bt-run">Run backtest</button>
        {startError ? <span className="error" role="alert" data-testid="bt-error">{startError.code}: {startError.message}</span> : null}
      </div>
    </div>
  );
}
