/**
 * The backtest chart window: a finished run's bars around one trade (run id in the query, trade
 * index in the hash). Clicking another trade in the main window re-targets this tab by changing
 * only the hash, so the chart moves to the new trade without a reload.
 */
import { useEffect, useState } from 'react';
import { fmt, fmtTime, pnlClass } from '../../app/format';
import { useBridge } from '../../app/bridge-context';
import { BacktestCandles } from '../../charts/backtest-candles';
import type { BacktestChartView } from '../../../shared/ipc/views';

export function readTradeHash(hash: string): number {
  const m = /trade=(\d+)/.exec(hash);
  return m?.[1] ? Number(m[1]) : 0;
}

export function BacktestChartWindow({ runId }: { runId: string }) {
  const bridge = useBridge();
  const [trade, setTrade] = useState(() => readTradeHash(location.hash));
  const [view, setView] = useState<BacktestChartView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const onHash = () => setTrade(readTradeHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    let live = true;
    const load = async (attempt: number): Promise<void> => {
      const r = await bridge.backtest.chart({ id: runId, trade });
      if (!live) return;
      // The socket may still be connecting when the tab opens: retry a few times.
      if (!r.ok && r.error.code === 'DISCONNECTED' && attempt < 20) {
        setTimeout(() => void load(attempt + 1), 150);
        return;
      }
      if (r.ok) {
        setView(r.value);
        setError(null);
      } else setError(`${r.error.code}: ${r.error.message}`);
    };
    void load(0);
    return () => {
      live = false;
    };
  }, [bridge, runId, trade]);

  const t = view?.trades.find((x) => x.index === view.focus.index);
  if (view) document.title = `${view.symbol} ${view.timeframe} · ${runId} trade #${trade + 1} — LIBRA`;
  return (
    <div className="app chart-app">
      <header className="topbar">
        <strong data-testid="chart-symbol">{view?.symbol ?? '…'}</strong>
        <span className="badge" data-testid="chart-timeframe">{view?.timeframe ?? ''}</span>
        <span className="muted">backtest {runId}</span>
        {t ? (
          <span data-testid="bt-focus">
            trade <b>#{t.index + 1}</b> {t.side} {fmtTime(t.entryTime)} @ {fmt(t.entryPrice, view?.pricePrecision)} → {t.exitTime === null ? 'open' : `${fmtTime(t.exitTime)} @ ${fmt(t.exitPrice, view?.pricePrecision)}`}{' '}
            <span className={pnlClass(t.pnl)}>{fmt(t.pnl, view?.moneyPrecision)}</span>
          </span>
        ) : null}
      </header>
      <div className="chart-wrap">
        {error ? <p className="error" role="alert" data-testid="bt-chart-error">{error}</p> : null}
        {view ? <BacktestCandles view={view} /> : null}
      </div>
    </div>
  );
}
