/**
 * Main window, a trading terminal: the chart of the selected watchlist symbol docked at the
 * centre (pop out opens it in a chart window), watchlist, ticket and balances on the left,
 * positions and orders under the chart, order book, time & sales, risk, alerts and agent approvals
 * on the right — all in
 * one screen down to 1280×720. Backtests and strategies sit below, a scroll away.
 */
import { useState } from 'react';
import { fmt } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { Balances } from '../../features/account/balances';
import { selectEquity } from '../../features/account/account-slice';
import { AgentsPanel } from '../../features/agents/agents-panel';
import { AlertsList } from '../../features/alerts/alerts-list';
import { BacktestPanel } from '../../features/backtest/backtest-panel';
import { Watchlist } from '../../features/market/watchlist';
import { DockedChart } from './docked-chart';
import { OrderBookPanel, TradesTape } from '../../features/book/order-book';
import { OrderTicket } from '../../features/orders/order-ticket';
import { OrdersTable } from '../../features/orders/orders-table';
import { PositionsTable } from '../../features/positions/positions-table';
import { selectTotalUnrealized } from '../../features/positions/positions-slice';
import { ReplayControls } from '../../features/replay/replay-controls';
import { RiskPanel } from '../../features/risk/risk-panel';
import { selectTradingState } from '../../features/risk/risk-slice';
import { selectInstruments, selectStatus } from '../../features/session/session-slice';
import { StrategiesPanel } from '../../features/strategies/strategies-panel';
import { OrderToasts } from '../../features/toasts/order-toasts';
import { VenueBadges } from '../../features/session/venue-badges';
import { AuthFailed } from '../../features/session/auth-failed';
import { selectSession } from '../../features/session/session-slice';

export function MainWindow() {
  const bridge = useBridge();
  const status = useAppSelector(selectStatus);
  const instruments = useAppSelector(selectInstruments);
  const equity = useAppSelector(selectEquity);
  const upnl = useAppSelector(selectTotalUnrealized);
  const tradingState = useAppSelector(selectTradingState);
  const session = useAppSelector(selectSession);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const instrument = instruments.find((i) => i.id === selected) ?? instruments[0];

  const panic = async () => {
    const r = await bridge.trading.panic({ flatten: true });
    setNotice(r.ok ? `PANIC: cancelled ${r.value.cancelled}, flattening ${r.value.flattening}; trading halted` : `${r.error.code}: ${r.error.message}`);
  };
  const pause = async (paused: boolean) => {
    const r = await bridge.trading.pause({ paused });
    setNotice(r.ok ? `trading ${r.value.tradingState}` : `${r.error.code}: ${r.error.message}`);
  };

  if (status === 'unauthorized') return <AuthFailed />;
  return (
    <div className="app">
      <header className="topbar">
        <strong className="logo">LIBRA</strong>
        <span className={`conn conn-${status}`} data-testid="connection">{status}</span>
        {session.kind === 'replay' ? <ReplayControls /> : null}
        <VenueBadges />
        <span className="muted">Equity <b data-testid="equity">{fmt(equity)}</b> · uPnL <b>{fmt(upnl)}</b></span>
        <span className="spacer" />
        <a href="#research" className="muted">Backtest &amp; strategies ↓</a>
        {tradingState === 'ACTIVE' ? (
          <button onClick={() => void pause(true)} data-testid="pause-trading">Pause trading</button>
        ) : (
          <button onClick={() => void pause(false)} data-testid="resume-trading">Resume trading</button>
        )}
        <button className="panic" onClick={() => void panic()} data-testid="panic" title="Cancel all orders and flatten every position">PANIC</button>
      </header>
      {notice ? <div className="notice" role="status">{notice}</div> : null}
      <main className="terminal">
        <div className="terminal-screen">
          <div className="col side">
            <Watchlist onSelect={setSelected} selected={instrument?.id} />
            <OrderTicket instrument={instrument} />
            <Balances />
          </div>
          <div className="centre">
            {instrument ? <DockedChart instrument={instrument} /> : <section className="panel docked-chart"><p className="muted">Connecting… ({status})</p></section>}
            <div className="dock-bottom">
              <PositionsTable />
              <OrdersTable />
            </div>
          </div>
          <div className="col side">
            <OrderBookPanel instrument={instrument} />
            <TradesTape instrument={instrument} />
            <RiskPanel />
            <AlertsList />
            <AgentsPanel />
          </div>
        </div>
        <div className="lower" id="research">
          <BacktestPanel />
          <StrategiesPanel instrument={instrument} />
        </div>
      </main>
      <OrderToasts />
    </div>
  );
}
