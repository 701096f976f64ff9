/**
 * Main window, a trading terminal: a grid of docked charts at the centre (1, 2 or 2×2; any
 * pops out and back), panels in dock areas around it (left, right, under the chart, and the
 * research area below) — each movable from its ⋮ menu, the areas resizable by splitters — and a
 * layout saved per host and session, with named layouts (layout-bar.tsx). The default fits one
 * screen down to 1280×720. Hotkeys (? lists them) trade through the same calls as the ticket;
 * PANIC asks first.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { fmt } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { Balances } from '../../features/account/balances';
import { selectEquity } from '../../features/account/account-slice';
import { AgentsPanel } from '../../features/agents/agents-panel';
import { AlertsList } from '../../features/alerts/alerts-list';
import { BacktestPanel } from '../../features/backtest/backtest-panel';
import { Watchlist } from '../../features/market/watchlist';
import { OrderBookPanel, TradesTape } from '../../features/book/order-book';
import { OrderTicket } from '../../features/orders/order-ticket';
import { OrdersTable } from '../../features/orders/orders-table';
import { PositionsTable } from '../../features/positions/positions-table';
import { selectTotalUnrealized } from '../../features/positions/positions-slice';
import { ReplayControls } from '../../features/replay/replay-controls';
import { RiskPanel, TradingStateBadge } from '../../features/risk/risk-panel';
import { ClusterPanel } from '../../features/cluster/cluster-panel';
import { selectTradingState } from '../../features/risk/risk-slice';
import { selectInstruments, selectSession, selectStatus } from '../../features/session/session-slice';
import { StrategiesPanel } from '../../features/strategies/strategies-panel';
import { OrderToasts } from '../../features/toasts/order-toasts';
import { VenueBadges } from '../../features/session/venue-badges';
import { VenueKeysButton } from '../../features/session/venue-keys-dialog';
import { AuthFailed } from '../../features/session/auth-failed';
import { StaleBanner, useStale, useTradingLive } from '../../features/session/stale-banner';
import { ChartGrid } from './chart-grid';
import { ConfirmDialog, HotkeyHelp } from './dialogs';
import { DockFrame, Splitter } from './dock';
import { clampSize, fitSizes, movePanel, shiftPanel } from './layout';
import type { DockArea, PanelId } from './layout';
import { LayoutBar } from './layout-bar';
import { useHotkeys } from './use-hotkeys';
import { useLayout } from './use-layout';

function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState({ width: window.innerWidth, height: window.innerHeight });
  useEffect(() => {
    const on = (): void => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return size;
}

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
  const [confirmPanic, setConfirmPanic] = useState(false);
  const [help, setHelp] = useState(false);
  const [quantities, setQuantities] = useState<Readonly<Record<string, string | null>>>({});
  const instrument = instruments.find((i) => i.id === selected) ?? instruments[0];
  const live = useTradingLive();
  const stale = useStale();
  const controls = useLayout(`${session.kind}:${session.label}`);
  const { layout, update } = controls;
  const viewport = useViewport();
  const onQuantity = useCallback((id: string, q: string | null) => setQuantities((m) => (m[id] === q ? m : { ...m, [id]: q })), []);

  useHotkeys({
    instrument,
    instruments,
    quantity: instrument ? (quantities[instrument.id] ?? null) : null,
    blocked: help || confirmPanic,
    select: setSelected,
    toggleHelp: () => setHelp((h) => !h),
    notify: setNotice,
  });

  const panic = async () => {
    setConfirmPanic(false);
    const r = await bridge.trading.panic({ flatten: true });
    setNotice(r.ok ? `PANIC: cancelled ${r.value.cancelled}, flattening ${r.value.flattening}; trading halted` : `${r.error.code}: ${r.error.message}`);
  };
  const pause = async (paused: boolean) => {
    const r = await bridge.trading.pause({ paused });
    setNotice(r.ok ? `trading ${r.value.tradingState}` : `${r.error.code}: ${r.error.message}`);
  };

  // The same element objects from render to render (until the selection changes): React skips
  // the panels when the window re-renders for its own state (equity, positions on each tick).
  const panels = useMemo<Readonly<Record<PanelId, ReactNode>>>(
    () => ({
      watchlist: <Watchlist onSelect={setSelected} selected={instrument?.id} />,
      ticket: <fieldset className="trading-controls" disabled={!live} data-testid="ticket-controls"><OrderTicket instrument={instrument} onQuantity={onQuantity} /></fieldset>,
      balances: <Balances />,
      positions: <fieldset className="trading-controls" disabled={!live}><PositionsTable onSelect={setSelected} /></fieldset>,
      orders: <fieldset className="trading-controls" disabled={!live}><OrdersTable onSelect={setSelected} /></fieldset>,
      book: <OrderBookPanel instrument={instrument} />,
      tape: <TradesTape instrument={instrument} />,
      risk: <RiskPanel />,
      alerts: <AlertsList />,
      agents: <AgentsPanel />,
      backtest: <BacktestPanel />,
      strategies: <StrategiesPanel instrument={instrument} />,
    }),
    [instrument, onQuantity, live],
  );
  const setCellSymbol = useCallback((cell: number, id: string) => update((l) => ({ ...l, charts: l.charts.map((c, i) => (i === cell ? id : c)) })), [update]);
  const charts = useMemo(
    () => (instrument ? <ChartGrid grid={layout.grid} instruments={instruments} first={instrument} cells={layout.charts} onCellSymbol={setCellSymbol} /> : null),
    [instrument, instruments, layout.grid, layout.charts, setCellSymbol],
  );

  if (status === 'unauthorized') return <AuthFailed />;

  const area = (a: DockArea): ReactNode =>
    layout.areas[a].map((p) => (
      <DockFrame key={p} panel={p} area={a} onMove={(to) => update((l) => movePanel(l, p, to))} onShift={(by) => update((l) => shiftPanel(l, p, by))}>
        {panels[p]}
      </DockFrame>
    ));
  const hasLeft = layout.areas.left.length > 0;
  const hasRight = layout.areas.right.length > 0;
  const hasBottom = layout.areas.bottom.length > 0;
  const sizes = fitSizes(layout.sizes, viewport.width, viewport.height - 48, hasLeft, hasRight);
  const setSize = (key: 'left' | 'right' | 'bottom') => (v: number) => update((l) => ({ ...l, sizes: { ...l.sizes, [key]: clampSize(key, v) } }));
  const columns = [hasLeft ? `${sizes.left}px 6px` : '', 'minmax(0, 1fr)', hasRight ? `6px ${sizes.right}px` : ''].filter(Boolean).join(' ');
  const centre = charts ?? <section className="panel docked-chart" data-testid="docked-chart"><p className="muted">Connecting… ({status})</p></section>;

  return (
    <div className="app">
      <header className="topbar">
        <strong className="logo">LIBRA</strong>
        <span className={`conn conn-${status}`} data-testid="connection">{status}</span>
        {session.kind === 'replay' ? <ReplayControls /> : null}
        <VenueBadges />
        <span className="muted">Equity <b data-testid="equity">{fmt(equity)}</b> · uPnL <b>{fmt(upnl)}</b></span>
        <TradingStateBadge />
        <span className="spacer" />
        <LayoutBar controls={controls} />
        <button type="button" className="small" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">?</button>
        <VenueKeysButton />
        <a href="#research" className="muted" title="Backtest and strategies, below">Research ↓</a>
        {tradingState === 'ACTIVE' ? (
          <button onClick={() => void pause(true)} data-testid="pause-trading" disabled={!live}>Pause trading</button>
        ) : (
          <button onClick={() => void pause(false)} data-testid="resume-trading" disabled={!live}>Resume trading</button>
        )}
        <button className="panic" onClick={() => setConfirmPanic(true)} data-testid="panic" title="Cancel all orders and flatten every position" disabled={!live}>PANIC</button>
      </header>
      {notice ? <div className="notice" role="status" data-testid="notice">{notice}</div> : null}
      <StaleBanner />
      <main className={stale ? 'terminal stale' : 'terminal'} data-stale={stale ? 'true' : 'false'}>
        <div className="terminal-screen" style={{ gridTemplateColumns: columns }} data-testid="terminal-screen">
          {hasLeft ? <div className="col side" data-dock="left">{area('left')}</div> : null}
          {hasLeft ? <Splitter label="Resize the left panels" orientation="vertical" value={sizes.left} sign={1} onChange={setSize('left')} /> : null}
          <div className="centre">
            {centre}
            {hasBottom ? <Splitter label="Resize the panels under the chart" orientation="horizontal" value={sizes.bottom} sign={-1} onChange={setSize('bottom')} /> : null}
            {hasBottom ? <div className="dock-bottom" data-dock="bottom" style={{ height: sizes.bottom, flex: `0 0 ${sizes.bottom}px` }}>{area('bottom')}</div> : null}
          </div>
          {hasRight ? <Splitter label="Resize the right panels" orientation="vertical" value={sizes.right} sign={-1} onChange={setSize('right')} /> : null}
          {hasRight ? <div className="col side" data-dock="right">{area('right')}</div> : null}
        </div>
        {/* The Cluster panel renders only for a cluster node's session, so it stays outside the dockable panels. */}
        <div className="lower" id="research" data-dock="lower"><ClusterPanel />{area('lower')}</div>
      </main>
      {confirmPanic ? (
        <ConfirmDialog title="PANIC" message="Cancel every working order and flatten every position? Trading is halted until you resume it." confirmLabel="Confirm PANIC" onConfirm={() => void panic()} onCancel={() => setConfirmPanic(false)} />
      ) : null}
      {help ? <HotkeyHelp onClose={() => setHelp(false)} /> : null}
      <OrderToasts />
    </div>
  );
}
