/**
 * Chart window: one instrument/timeframe at a time, switched in place (symbol selector,
 * timeframe buttons — each window keeps its own, in its URL so a reload or a restored window
 * comes back to it), engine indicators, fills, click a level to set an alert on that symbol.
 */
import { useCallback, useState } from 'react';
import { TradingCandleChart } from '../../charts/chart-trading';
import { OrderToasts } from '../../features/toasts/order-toasts';
import { useChartLevels } from '../../charts/chart-levels';
import { IndicatorPicker } from '../../charts/indicator-picker';
import { fmt, fmtSigned, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { selectActiveAlertsFor } from '../../features/alerts/alerts-slice';
import { selectQuote, selectRecentBars } from '../../features/market/market-slice';
import { selectFillsFor } from '../../features/orders/orders-slice';
import { selectReplay } from '../../features/replay/replay-slice';
import { selectIndicators, selectInstruments, selectStatus, selectTimeframes } from '../../features/session/session-slice';
import { AuthFailed } from '../../features/session/auth-failed';
import { StaleBanner } from '../../features/session/stale-banner';

export interface ChartParams {
  readonly instrumentId: string | null;
  readonly timeframe: string | null;
  readonly indicators: readonly string[] | null;
}

export function readChartParams(search: string): ChartParams {
  const q = new URLSearchParams(search);
  const ind = q.get('indicators');
  // Present but empty = the user removed every indicator (not "use the defaults").
  return { instrumentId: q.get('instrument'), timeframe: q.get('timeframe'), indicators: ind !== null ? ind.split(',').filter(Boolean) : null };
}

/** The window's query with its symbol and timeframe replaced (token, indicators… kept). */
export function withChartParams(search: string, choice: { instrumentId: string; timeframe: string }): string {
  const q = new URLSearchParams(search);
  q.set('instrument', choice.instrumentId);
  q.set('timeframe', choice.timeframe);
  return `?${q.toString()}`;
}

/** The timeframe to show: the one asked for when the host serves it, else the replay's own (the first served). */
export function pickTimeframe(wanted: string | null, served: readonly string[], fallback: string): string {
  if (wanted !== null && served.includes(wanted)) return wanted;
  return served[0] ?? fallback;
}

/** The window's query with its indicator list replaced (this window's own; no other chart sees it). */
export function withIndicators(search: string, specs: readonly string[]): string {
  const q = new URLSearchParams(search);
  q.set('indicators', specs.join(','));
  return `?${q.toString()}`;
}

/** Remembers the choice in the page URL (no navigation): reloads and the window manager see it. */
function rememberChoice(choice: { instrumentId: string; timeframe: string } | { indicators: readonly string[] }): void {
  try {
    const search = 'indicators' in choice ? withIndicators(location.search, choice.indicators) : withChartParams(location.search, choice);
    history.replaceState(history.state, '', search + location.hash);
  } catch {
    // Some schemes refuse history changes; the choice then lasts as long as the page.
  }
}

export function ChartWindow({ params }: { params: ChartParams }) {
  const bridge = useBridge();
  const status = useAppSelector(selectStatus);
  const instruments = useAppSelector(selectInstruments);
  const hostIndicators = useAppSelector(selectIndicators);
  const served = useAppSelector(selectTimeframes);
  const replay = useAppSelector(selectReplay);
  const [choice, setChoice] = useState<{ instrumentId: string | null; timeframe: string | null }>({ instrumentId: params.instrumentId, timeframe: params.timeframe });
  const instrument = instruments.find((i) => i.id === choice.instrumentId) ?? instruments[0];
  const instrumentId = instrument?.id ?? '';
  const timeframes = served.length > 0 ? served : replay.timeframe ? [replay.timeframe] : [];
  const timeframe = pickTimeframe(choice.timeframe, timeframes, replay.timeframe);
  const [chosenIndicators, setChosenIndicators] = useState<readonly string[] | null>(params.indicators);
  const [logScale, setLogScale] = useState(false);
  const indicators = chosenIndicators ?? hostIndicators;
  const levels = useChartLevels(instrumentId);
  const pickIndicators = (next: readonly string[]): void => {
    setChosenIndicators(next);
    rememberChoice({ indicators: next });
  };
  const quote = useAppSelector((s) => selectQuote(s, instrumentId));
  const liveBars = useAppSelector((s) => selectRecentBars(s, instrumentId, timeframe));
  const fills = useAppSelector((s) => selectFillsFor(s, instrumentId));
  const alerts = useAppSelector((s) => selectActiveAlertsFor(s, instrumentId));
  const [picked, setPicked] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const onPick = useCallback((p: number) => setPicked(p), []);

  const choose = (next: { instrumentId?: string; timeframe?: string }): void => {
    const c = { instrumentId: next.instrumentId ?? instrumentId, timeframe: next.timeframe ?? timeframe };
    setChoice(c);
    setPicked(null);
    setMessage(null);
    rememberChoice(c);
  };

  const setAlert = async () => {
    if (picked === null) return;
    const r = await bridge.alerts.set({ instrumentId, price: picked });
    setMessage(r.ok ? `Alert ${r.value.id} set on ${r.value.symbol}: ${r.value.direction} ${fmt(r.value.price, instrument?.pricePrecision)}` : `${r.error.code}: ${r.error.message}`);
    setPicked(null);
  };

  if (status === 'unauthorized') return <AuthFailed />;
  if (!instrument || timeframe === '') return <div className="app"><p className="muted">Connecting… ({status})</p></div>;
  document.title = `${instrument.symbol} ${timeframe} — LIBRA`;
  return (
    <div className="app chart-app">
      <header className="topbar">
        <select value={instrument.id} onChange={(e) => choose({ instrumentId: e.target.value })} data-testid="chart-symbol-select" aria-label="Symbol">
          {instruments.map((i) => (
            <option key={i.id} value={i.id}>{i.symbol}</option>
          ))}
        </select>
        <strong className="visually-hidden" data-testid="chart-symbol">{instrument.symbol}</strong>
        <span className="seg tf" role="group" aria-label="Timeframe">
          {timeframes.map((tf) => (
            <button key={tf} type="button" className={tf === timeframe ? 'active' : ''} aria-pressed={tf === timeframe} onClick={() => choose({ timeframe: tf })} data-testid={`tf-${tf}`}>
              {tf}
            </button>
          ))}
        </span>
        <span className="visually-hidden" data-testid="chart-timeframe">{timeframe}</span>
        <span className="muted">{instrument.venue}</span>
        {/* Back to the docked chart: this window closes; the main window's grid still holds the chart. */}
        <button type="button" className="small" onClick={() => window.close()} data-testid="dock-back" title="Close this window and go back to the main window's charts">Back to main window</button>
        {quote ? (
          <span>
            <b data-testid="chart-last">{fmt(quote.last, instrument.pricePrecision)}</b>{' '}
            <span className={pnlClass(quote.change)}>{fmtSigned(quote.changePct)}%</span>
          </span>
        ) : null}
        <IndicatorPicker specs={indicators} onChange={pickIndicators} />
        <label className="check">
          <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> Log
        </label>
        <span className="spacer" />
        <span className={`conn conn-${status}`}>{status}</span>
      </header>
      <StaleBanner />
      {picked !== null ? (
        <div className="notice" data-testid="alert-confirm">
          Set a price alert on {instrument.symbol} at <b>{fmt(picked, instrument.pricePrecision)}</b>?{' '}
          <button onClick={() => void setAlert()} data-testid="confirm-alert">Set alert</button>{' '}
          <button onClick={() => setPicked(null)}>Cancel</button>
        </div>
      ) : message ? (
        <div className="notice" role="status" data-testid="alert-message">{message}</div>
      ) : (
        <div className="notice muted">
          Click a price level to set an alert · Alt/Ctrl+click to place a limit · drag an order line to amend it · scroll back for older history
          {timeframe !== timeframes[0] ? ` · ${timeframe} bars are built from the ${timeframes[0] ?? ''} replay; the last one is forming until its period ends` : ''}
        </div>
      )}
      <TradingCandleChart
        instrument={instrument}
        last={quote?.last}
        key={`${instrumentId}|${timeframe}`}
        instrumentId={instrumentId}
        timeframe={timeframe}
        indicators={indicators}
        pricePrecision={instrument.pricePrecision}
        liveBars={liveBars}
        fills={fills}
        alerts={alerts}
        levels={levels}
        logScale={logScale}
        onPickPrice={onPick}
      />
      <OrderToasts />
    </div>
  );
}
