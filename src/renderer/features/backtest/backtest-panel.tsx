/**
 * Backtest panel: the form, then for the selected run a progress bar while its worker runs
 * (status polled over the contract, progress throttled by the host), Cancel, and the report.
 */
import './backtest.css';
import { useEffect } from 'react';
import { useBridge } from '../../app/bridge-context';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { BacktestForm } from './backtest-form';
import { BacktestReport } from './backtest-report';
import { OptimizeForm } from './optimize-form';
import { SavedBacktests } from './saved-backtests';
import { selectStatus } from '../session/session-slice';
import { catalogReceived, progressFraction, runSelected, runUpdated, selectBacktestCatalog, selectRunningIds, selectRuns, selectSelectedRun } from './backtest-slice';

const POLL_MS = 200;

export function BacktestPanel() {
  const bridge = useBridge();
  const dispatch = useAppDispatch();
  const run = useAppSelector(selectSelectedRun);
  const runs = useAppSelector(selectRuns);
  const running = useAppSelector(selectRunningIds);
  const runningKey = running.join(',');

  const status = useAppSelector(selectStatus);
  const catalog = useAppSelector(selectBacktestCatalog);
  // Load the catalog once the engine is there, and again after a reconnect if it did not come.
  useEffect(() => {
    if (status !== 'open' || catalog) return;
    let live = true;
    void bridge.backtest.catalog({}).then((r) => {
      if (live && r.ok) dispatch(catalogReceived(r.value));
    });
    return () => {
      live = false;
    };
  }, [bridge, dispatch, status, catalog]);

  // Poll running runs; the last poll (status ≠ running) carries the report.
  useEffect(() => {
    if (runningKey === '') return;
    const ids = runningKey.split(',');
    const timer = setInterval(() => {
      for (const id of ids) {
        void bridge.backtest.status({ id, report: true }).then((r) => {
          if (r.ok) dispatch(runUpdated(r.value));
        });
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [bridge, dispatch, runningKey]);

  const cancel = async (id: string) => {
    const r = await bridge.backtest.cancel({ id });
    if (r.ok) dispatch(runUpdated(r.value));
  };
  const fraction = run ? progressFraction(run) : null;

  return (
    <section className="panel" data-testid="backtest-panel">
      <h2>Backtest {runs.length > 0 ? <span className="muted">{runs.length} run{runs.length > 1 ? 's' : ''}</span> : null}</h2>
      <BacktestForm />
      <details className="opt-section" data-testid="opt-section">
        <summary>Optimise parameters (grid search)</summary>
        <OptimizeForm />
      </details>
      <SavedBacktests />
      {runs.length > 1 ? (
        <div className="bt-runs">
          {runs.map((r) => (
            <button key={r.id} className={`small ${r.id === run?.id ? 'active' : ''}`} onClick={() => dispatch(runSelected(r.id))}>
              {r.id} · {r.status}
            </button>
          ))}
        </div>
      ) : null}
      {run ? (
        <div data-testid="bt-run-view" data-status={run.status}>
          <div className="bt-actions">
            <b>{run.id}</b> <span className="muted">{run.label}</span>
            <span className="badge" data-testid="bt-status">{run.status}</span>
            {run.status === 'running' ? (
              <>
                <div className="progress" data-testid="bt-progress" data-fraction={fraction ?? 0}><div style={{ width: `${((fraction ?? 0) * 100).toFixed(1)}%` }} /></div>
                <span className="muted">{run.progress ? `${run.progress.done.toLocaleString('en-US')} / ${run.progress.total.toLocaleString('en-US')}` : 'starting…'}</span>
                <button onClick={() => void cancel(run.id)} data-testid="bt-cancel">Cancel</button>
              </>
            ) : null}
          </div>
          {run.status === 'failed' ? <p className="error" role="alert" data-testid="bt-failed">{run.error}</p> : null}
          {run.report ? <BacktestReport runId={run.id} report={run.report} /> : null}
        </div>
      ) : null}
    </section>
  );
}
