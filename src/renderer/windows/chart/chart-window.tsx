/** Chart window: one instrument/timeframe, engine indicators, fills, click a level to set an alert. */
import { useCallback, useState } from 'react';
import { CandleChart } from '../../charts/candle-chart';
import { fmt, fmtSigned, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { selectActiveAlertsFor } from '../../features/alerts/alerts-slice';
import { selectQuote, selectRecentBars } from '../../features/market/market-slice';
import { selectFillsFor } from '../../features/orders/orders-slice';
import { selectReplay } from '../../features/replay/replay-slice';
import { selectIndicators, selectInstruments, selectStatus } from '../../features/session/session-slice';

export interface ChartParams {
  readonly instrumentId: string | null;
  readonly timeframe: string | null;
  readonly indicators: readonly string[] | null;
}

export function readChartParams(search: string): ChartParams {
  const q = new URLSearchParams(search);
  const ind = q.get('indicators');
  return { instrumentId: q.get('instrument'), timeframe: q.get('timeframe'), indicators: ind ? ind.split(',').filter(Boolean) : null };
}

export function ChartWindow({ params }: { params: ChartParams }) {
  const bridge = useBridge();
  const status = useAppSelector(selectStatus);
  const instruments = useAppSelector(selectInstruments);
  const hostIndicators = useAppSelector(selectIndicators);
  const replay = useAppSelector(selectReplay);
  const instrument = instruments.find((i) => i.id === params.instrumentId) ?? instruments[0];
  const instrumentId = instrument?.id ?? '';
  const timeframe = params.timeframe ?? replay.timeframe;
  const indicators = params.indicators ?? hostIndicators;
  const quote = useAppSelector((s) => selectQuote(s, instrumentId));
  const liveBars = useAppSelector((s) => selectRecentBars(s, instrumentId, timeframe));
  const fills = useAppSelector((s) => selectFillsFor(s, instrumentId));
  const alerts = useAppSelector((s) => selectActiveAlertsFor(s, instrumentId));
  const [picked, setPicked] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const onPick = useCallback((p: number) => setPicked(p), []);

  const setAlert = async () => {
    if (picked === null) return;
    const r = await bridge.alerts.set({ instrumentId, price: picked });
    setMessage(r.ok ? `Alert ${r.value.id} set: ${r.value.direction} ${fmt(r.value.price)}` : `${r.error.code}: ${r.error.message}`);
    setPicked(null);
  };

  if (!instrument || timeframe === '') return <div className="app"><p className="muted">Connecting… ({status})</p></div>;
  document.title = `${instrument.symbol} ${timeframe} — LIBRA`;
  return (
    <div className="app chart-app">
      <header className="topbar">
        <strong data-testid="chart-symbol">{instrument.symbol}</strong>
        <span className="badge" data-testid="chart-timeframe">{timeframe}</span>
        <span className="muted">{instrument.venue}</span>
        {quote ? (
          <span>
            <b data-testid="chart-last">{fmt(quote.last, instrument.pricePrecision)}</b>{' '}
            <span className={pnlClass(quote.change)}>{fmtSigned(quote.changePct)}%</span>
          </span>
        ) : null}
        <span className="legend">{indicators.map((s) => <span key={s} className="legend-item">{s.toUpperCase()}</span>)}</span>
        <span className="spacer" />
        <span className={`conn conn-${status}`}>{status}</span>
      </header>
      {picked !== null ? (
        <div className="notice" data-testid="alert-confirm">
          Set a price alert at <b>{fmt(picked, instrument.pricePrecision)}</b>?{' '}
          <button onClick={() => void setAlert()} data-testid="confirm-alert">Set alert</button>{' '}
          <button onClick={() => setPicked(null)}>Cancel</button>
        </div>
      ) : message ? (
        <div className="notice" role="status" data-testid="alert-message">{message}</div>
      ) : (
        <div className="notice muted">Click a price level to set an alert · scroll back for older history</div>
      )}
      <CandleChart
        instrumentId={instrumentId}
        timeframe={timeframe}
        indicators={indicators}
        pricePrecision={instrument.pricePrecision}
        liveBars={liveBars}
        fills={fills}
        alerts={alerts}
        onPickPrice={onPick}
      />
    </div>
  );
}
