/**
 * The main window's centre: a chart of the selected watchlist symbol, docked. It keeps its own
 * timeframe, indicators (the host's defaults to start with, then whatever the user picks here —
 * never shared with another chart) and log/linear scale; "Pop out" opens a chart window with the
 * same symbol, timeframe and indicators (on any monitor; the window manager remembers it).
 * Orders are traded from it (see chart-trading: drag a line to amend, Alt/Ctrl+click to place).
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import { fmt, fmtSigned, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { CandleChart } from '../../charts/candle-chart';
import { useChartLevels } from '../../charts/chart-levels';
import { useChartTrading } from '../../charts/chart-trading';
import { IndicatorPicker } from '../../charts/indicator-picker';
import { selectActiveAlertsFor } from '../../features/alerts/alerts-slice';
import { selectQuote, selectRecentBars } from '../../features/market/market-slice';
import { selectFillsFor } from '../../features/orders/orders-slice';
import { selectReplay } from '../../features/replay/replay-slice';
import { selectIndicators, selectTimeframes } from '../../features/session/session-slice';
import type { InstrumentView } from '../../../shared/ipc/views';
import { pickTimeframe } from '../chart/chart-window';

/** `symbolPicker`: a grid cell's own symbol choice (the first cell follows the watchlist). */
export function DockedChart({ instrument, testId = 'docked-chart', symbolPicker }: { instrument: InstrumentView; testId?: string; symbolPicker?: ReactNode }) {
  const bridge = useBridge();
  const hostIndicators = useAppSelector(selectIndicators);
  const served = useAppSelector(selectTimeframes);
  const replay = useAppSelector(selectReplay);
  const [wantedTf, setWantedTf] = useState<string | null>(null);
  const [picked, setPicked] = useState<readonly string[] | null>(null);
  const [logScale, setLogScale] = useState(false);
  const timeframes = served.length > 0 ? served : replay.timeframe ? [replay.timeframe] : [];
  const timeframe = pickTimeframe(wantedTf, timeframes, replay.timeframe);
  const indicators = picked ?? hostIndicators;
  const id = instrument.id;
  const quote = useAppSelector((s) => selectQuote(s, id));
  const liveBars = useAppSelector((s) => selectRecentBars(s, id, timeframe));
  const fills = useAppSelector((s) => selectFillsFor(s, id));
  const alerts = useAppSelector((s) => selectActiveAlertsFor(s, id));
  const levels = useChartLevels(id);
  const trading = useChartTrading(instrument, quote?.last);
  const popOut = (): void => {
    void bridge.windows.openChart({ instrumentId: id, timeframe, indicators: [...indicators] });
  };

  return (
    <section className="panel docked-chart" data-testid={testId} aria-label={`Chart ${instrument.symbol}`}>
      <div className="chart-toolbar">
        {symbolPicker ?? <strong data-testid="docked-symbol">{instrument.symbol}</strong>}
        {quote ? (
          <span>
            <b>{fmt(quote.last, instrument.pricePrecision)}</b> <span className={pnlClass(quote.change)}>{fmtSigned(quote.changePct)}%</span>
          </span>
        ) : null}
        <span className="seg tf" role="group" aria-label="Timeframe">
          {timeframes.map((tf) => (
            <button key={tf} type="button" className={tf === timeframe ? 'active' : ''} aria-pressed={tf === timeframe} onClick={() => setWantedTf(tf)}>
              {tf}
            </button>
          ))}
        </span>
        <button type="button" className="small" onClick={popOut} data-testid="open-chart" title="Open this chart in its own window">
          Pop out {instrument.symbol}
        </button>
        <IndicatorPicker specs={indicators} onChange={setPicked} />
        <label className="check">
          <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> Log
        </label>
        {trading.toolbar}
      </div>
      <div className="chart-stack">
      {trading.overlay}
      {timeframe === '' ? (
        <p className="muted">Waiting for the session…</p>
      ) : (
        <CandleChart
          key={`${id}|${timeframe}`}
          instrumentId={id}
          timeframe={timeframe}
          indicators={indicators}
          pricePrecision={instrument.pricePrecision}
          liveBars={liveBars}
          fills={fills}
          alerts={alerts}
          levels={levels}
          logScale={logScale}
          onModifierClick={trading.onModifierClick}
          onAmendLevel={trading.onAmendLevel}
        />
      )}
      </div>
    </section>
  );
}
