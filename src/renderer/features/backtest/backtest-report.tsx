/**
 * A finished backtest: stats table, the price chart (close, the strategy's indicators, entries
 * and exits), equity (with buy-and-hold dashed) and drawdown charts, the
 * benchmark's stats, failed orders with reasons and the warning, monthly returns, trades (a row
 * opens the chart at it).
 */
import { fmt, fmtQty, fmtTime, pnlClass } from '../../app/format';
import { useBridge } from '../../app/bridge-context';
import { SeriesChart } from '../../charts/series-chart';
import { BacktestPriceChart } from './price-chart';
import { useMemo } from 'react';
import { moneyDecimals } from '../../../shared/messages/report';
import type { BacktestOrderIssuesView, BacktestReportView, BacktestStatsView } from '../../../shared/ipc/views';

const pct = (v: number | null): string => (v === null ? '—' : `${fmt(v * 100)}%`);
const days = (ms: number): string => `${fmt(ms / 86_400_000, 1)} d`;

export function statRows(s: BacktestStatsView): [string, string][] {
  // Money in the quote currency at the account's scale: a 1-ETH account's P&L is not 0.00.
  const d = moneyDecimals(s.initialCapital);
  return [
    ['Period', `${fmtTime(s.startTime).slice(0, 10)} → ${fmtTime(s.endTime).slice(0, 10)}`],
    ['Final equity', fmt(s.finalEquity, d)],
    ['Total return', pct(s.totalReturn)],
    ['CAGR', pct(s.cagr)],
    ['Sharpe', fmt(s.sharpe)],
    ['Sortino', fmt(s.sortino)],
    ['Max drawdown', pct(-s.maxDrawdown)],
    ['Max DD duration', days(s.maxDrawdownDurationMs)],
    ['Trades', `${s.trades} (${s.closedTrades} closed)`],
    ['Win rate', pct(s.winRate)],
    ['Profit factor', fmt(s.profitFactor)],
    ['Avg trade', fmt(s.avgTradePnl, d)],
    ['Best / worst', `${fmt(s.bestTradePnl, d)} / ${fmt(s.worstTradePnl, d)}`],
    ['Exposure', pct(s.exposure)],
    ['Fees', fmt(s.feesPaid, d)],
  ];
}

export function BacktestReport({ runId, report }: { runId: string; report: BacktestReportView }) {
  const bridge = useBridge();
  const s = report.stats;
  const money = moneyDecimals(s.initialCapital);
  const openTrade = (index: number) => void bridge.windows.openBacktestChart({ runId, trade: index });
  const b = report.benchmark;
  const overlay = useMemo(() => (b ? { points: b.equity, color: '#c9d1d9' } : undefined), [b]);
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
          <BacktestPriceChart report={report} />
          <div className="muted">Equity ({report.equity.length} points){report.benchmark ? <span className="bt-bench-key"> · dashed: buy and hold</span> : null}</div>
          <SeriesChart points={report.equity} color="#4fa3ff" testId="bt-equity" height={150} overlay={overlay} />
          <div className="muted">Drawdown</div>
          <SeriesChart points={report.drawdown} color="#ef5350" percent invert testId="bt-drawdown" height={110} />
        </div>
      </div>
      {b ? (
        <table className="bt-bench" data-testid="bt-benchmark">
          <thead>
            <tr><th /><th className="num">Final equity</th><th className="num">Return</th><th className="num">CAGR</th><th className="num">Sharpe</th><th className="num">Max drawdown</th></tr>
          </thead>
          <tbody>
            <tr><td>Strategy</td><td className="num">{fmt(s.finalEquity, money)}</td><td className="num">{pct(s.totalReturn)}</td><td className="num">{pct(s.cagr)}</td><td className="num">{fmt(s.sharpe)}</td><td className="num">{pct(-s.maxDrawdown)}</td></tr>
            <tr data-testid="bt-benchmark-row"><td>Buy and hold</td><td className="num">{fmt(b.finalEquity, money)}</td><td className="num">{pct(b.totalReturn)}</td><td className="num">{pct(b.cagr)}</td><td className="num">{fmt(b.sharpe)}</td><td className="num">{pct(-b.maxDrawdown)}</td></tr>
          </tbody>
        </table>
      ) : null}
      <OrderIssuesTable issues={report.orderIssues} />
      {report.monthlyReturns.length > 0 ? <MonthlyTable months={report.monthlyReturns} /> : null}
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
                <td className={`num ${pnlClass(t.pnl)}`}>{fmt(t.pnl, money)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.tradesTotal > report.trades.length ? <p className="muted">First {report.trades.length} of {report.tradesTotal} trades.</p> : null}
      </div>
    </div>
  );
}

/** Orders cancelled, rejected and denied: counts, the warning when they keep failing, the first ones with reasons. */
export function OrderIssuesTable({ issues }: { issues: BacktestOrderIssuesView }) {
  const ended = issues.cancelled + issues.rejected + issues.denied;
  return (
    <div className="bt-issues" data-testid="bt-order-issues">
      <div className="muted" data-testid="bt-order-counts">
        Orders: {issues.orders} ({issues.cancelled} cancelled, {issues.rejected} rejected, {issues.denied} denied)
      </div>
      {issues.warning ? <p className="warning" role="alert" data-testid="bt-order-warning">{issues.warning}</p> : null}
      {issues.list.length > 0 ? (
        <table data-testid="bt-failed-orders">
          <caption className="muted">{issues.list.length < ended ? `First ${issues.list.length} of ${ended} orders cancelled, rejected or denied` : `${ended} orders cancelled, rejected or denied`}</caption>
          <thead>
            <tr><th>Time</th><th>Order</th><th>Side</th><th>Status</th><th>Reason</th></tr>
          </thead>
          <tbody>
            {issues.list.map((o, i) => (
              <tr key={i} data-testid="bt-failed-order">
                <td>{fmtTime(o.time)}</td>
                <td>{o.clientOrderId}</td>
                <td>{o.side}</td>
                <td>{o.status}</td>
                <td>{o.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** Monthly returns as a year × month grid (UTC). */
export function MonthlyTable({ months }: { months: readonly { readonly month: string; readonly return: number }[] }) {
  const byYear = new Map<string, Map<number, number>>();
  for (const m of months) {
    const [y = '', mm = ''] = m.month.split('-');
    const row = byYear.get(y) ?? new Map<number, number>();
    row.set(Number(mm), m.return);
    byYear.set(y, row);
  }
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return (
    <table className="bt-monthly" data-testid="bt-monthly">
      <thead>
        <tr><th>Year</th>{names.map((n) => <th key={n} className="num">{n}</th>)}</tr>
      </thead>
      <tbody>
        {[...byYear.entries()].map(([y, row]) => (
          <tr key={y} data-testid="bt-monthly-year">
            <td>{y}</td>
            {names.map((n, i) => {
              const v = row.get(i + 1);
              return <td key={n} className={`num ${v === undefined ? '' : pnlClass(v)}`} data-testid={v === undefined ? undefined : `bt-month-${y}-${String(i + 1).padStart(2, '0')}`}>{v === undefined ? '' : pct(v)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
