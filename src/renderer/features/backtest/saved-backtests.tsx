/**
 * Past backtest results the host keeps under its data folder (they survive reloads and
 * restarts): listed newest first, reopened into the report view, or deleted. The list refreshes
 * when the engine connects and whenever one of this window's runs finishes.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SavedBacktestsView } from '../../../shared/ipc/views';
import { useBridge } from '../../app/bridge-context';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectStatus } from '../session/session-slice';
import { savedOpened, selectRuns } from './backtest-slice';

const when = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function SavedBacktests() {
  const bridge = useBridge();
  const dispatch = useAppDispatch();
  const status = useAppSelector(selectStatus);
  const finished = useAppSelector(selectRuns).filter((r) => r.status === 'done').length;
  const [list, setList] = useState<SavedBacktestsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    void bridge.backtest.saved({}).then((r) => {
      if (r.ok) setList(r.value);
      else setError(`${r.error.code}: ${r.error.message}`);
    });
  }, [bridge]);
  useEffect(() => {
    if (status === 'open') refresh();
  }, [status, finished, refresh]);

  const open = async (id: string): Promise<void> => {
    const r = await bridge.backtest.openSaved({ id });
    if (r.ok) {
      setError(null);
      dispatch(savedOpened(r.value));
    } else setError(`${r.error.code}: ${r.error.message}`);
  };
  const remove = async (id: string): Promise<void> => {
    const r = await bridge.backtest.deleteSaved({ id });
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
    refresh();
  };
  if (!list) return null;
  return (
    <details className="opt-section" data-testid="saved-backtests" open={list.saved.length > 0}>
      <summary>Past results ({list.saved.length}){list.skipped > 0 ? <span className="muted"> · {list.skipped} damaged file(s) not listed</span> : null}</summary>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {list.saved.length === 0 ? <p className="muted">Finished backtests are kept here, across reloads and restarts.</p> : null}
      <table>
        <tbody>
          {list.saved.map((s) => (
            <tr key={s.id} data-testid="saved-backtest" data-id={s.id}>
              <td>{when(s.finishedAt)}</td>
              <td>{s.label}</td>
              <td className="muted">{s.symbol} {s.timeframe}</td>
              <td className="num">{s.trades} trades</td>
              <td className={`num ${s.totalReturn >= 0 ? 'up' : 'down'}`}>{(s.totalReturn * 100).toFixed(2)}%</td>
              <td>
                <button type="button" className="small" onClick={() => void open(s.id)} aria-label={`Open ${s.label} of ${when(s.finishedAt)}`}>Open</button>{' '}
                <button type="button" className="small" onClick={() => void remove(s.id)} aria-label={`Delete ${s.label} of ${when(s.finishedAt)}`}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
