/** A finished backtest: stats table, equity and drawdown charts, trades (a row opens the chart at it). */
import { fmt, fmtQty, fmtTime, pnlClass } from '../../app/format';
import { useBridge } from '../../app/bridge-context';
import { SeriesChart } from '../../charts/series-chart';
import type { BacktestReportView, BacktestStatsView } from '../../../shared/ipc/views';

const pct = (v: number | null): string => (v === null ? '—' : `${fmt(v * 100)}%`);
const days = (ms: number): string => `${fmt(ms / 86_400_000, 1)} d`;

export function statRows(s: BacktestStatsView): [string, string][] {
  return [
    ['Period', `${fmtTime(s.startTime).slice(0, 10)} → ${fmtTime(s.endTime).slice(0, 10)}`],
    ['Final equity', fmt(s.finalEquity)],
    ['Total return', pct(s.totalReturn)],
    ['CAGR', pct(s.cagr)],
    ['Sharpe', fmt(s.sharpe)],
    ['Sortino', fmt(s.sortino)],
    ['Max drawdown', pct(-s.maxDrawdown)],
    ['Max DD duration', days(s.maxDrawdownDurationMs)],
    ['Trades', `${s.trades} (${s.closedTrades} closed)`],
    ['Win rate', pct(s.winRate)],
    ['Profit factor', fmt(s.profitFactor)],
    ['Avg trade', fmt(s.avgTradePnl)],
    ['Best / worst', `${fmt(s.bestTradePnl)} / ${fmt(s.worstTradePnl)}`],
    ['Exposure', pct(s.exposure)],
    ['Fees', fmt(s.feesPaid)],
  ];
}

export function BacktestReport({ runId, report }: { runId: string; report: BacktestReportView }) {
  const bridge = useBridge();
  const s = report.stats;
  const openTrade = (index: number) => void bridge.windows.openBacktestChart({ runId, trade: index });
  return (
    <div data-testid="bt-report">
      <div className="muted">
        {report.strategy} {Object.entries(report.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')} · {report.symbol} {report.timeframe} · {report.events.toLocaleString('en-US')} events in {fmt(report.elapsedMs / 1000, 2)} s
        {report.denials > 0 ? ` · ${report.denials} denied (${report.firstDenial ?? ''})` : ''}
      </div>
      <div className="bt-report">
        <table className="bt-stats" data-testid="bt-stats">
          <tbody>
            {statRows(s).map(([k, v]) => (
              <tr key={k}><td>{k}</td><td className={`num ${k === 'Total return' ? pnlClass(s.totalReturn) : ''}`} data-testid={`stat-${k.toLowerCase().replace(/[^a-z]+/g, '-')}`}>{v}</td></tr>
            ))}
          </tbody>
        </table>
        <div className="bt-charts">
          <div className="muted">Equity ({report.equity.length} points)</div>
          <SeriesChart points={report.equity} color="#4fa3ff" testId="bt-equity" height={150} />
          <div className="muted">Drawdown</div>
          <SeriesChart points={report.drawdown} color="#ef5350" percent invert testId="bt-drawdown" height={110} />
        </div>
      </div>
      <div className="bt-trades">
        <table data-testid="bt-trades">
          <thead>
            <tr><th>#</th><th>Side</th><th>Entry</th><th className="num">Entry px</th><th>Exit</th><th className="num">Exit px</th><th className="num">Qty</th><th className="num">PnL</th></tr>
          </thead>
          <tbody>
            {report.trades.map((t, i) => (
              <tr key={i} onClick={() => openTrade(i)} title={report.chartable ? 'Show this trade on the chart' : 'no bars kept for this run'} data-testid="bt-trade">
                <td>{i + 1}</td>
                <td>{t.side}</td>
                <td>{fmtTime(t.entryTime)}</td>
                <td className="num">{fmt(t.entryPrice, report.pricePrecision)}</td>
                <td>{t.exitTime === null ? 'open' : fmtTime(t.exitTime)}</td>
                <td className="num">{fmt(t.exitPrice, report.pricePrecision)}</td>
                <td className="num">{fmtQty(t.quantity)}</td>
                <td className={`num ${pnlClass(t.pnl)}`}>{fmt(t.pnl)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.tradesTotal > report.trades.length ? <p className="muted">First {report.trades.length} of {report.tradesTotal} trades.</p> : null}
      </div>
    </div>
  );
}
