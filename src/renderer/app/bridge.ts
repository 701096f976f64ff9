/**
 * Picks the transport: `window.libra` when the Electron preload exposed it, else a WebSocket to
 * the `libra serve` that served this page (token from the page URL).
 */
import type { LibraBridge } from '../../shared/ipc/state-stream';
import { createWsBridge } from './ws-bridge';

declare global {
  interface Window {
    readonly libra?: LibraBridge;
  }
}

export function pageToken(): string {
  return new URLSearchParams(location.search).get('token') ?? '';
}

export function chartUrl(req: { instrumentId: string; timeframe: string; indicators?: readonly string[] }, token = pageToken()): string {
  const q = new URLSearchParams({ token, instrument: req.instrumentId, timeframe: req.timeframe });
  if (req.indicators && req.indicators.length > 0) q.set('indicators', req.indicators.join(','));
  return `/chart?${q.toString()}`;
}

/** The backtest chart tab: run in the query, trade in the hash (a new trade only moves the chart). */
export function backtestChartUrl(req: { runId: string; trade: number }, token = pageToken()): string {
  const q = new URLSearchParams({ token, backtest: req.runId });
  return `/chart?${q.toString()}#trade=${req.trade}`;
}

/** One named tab for backtest charts, so clicking another trade re-focuses it instead of piling up tabs. */
export const BACKTEST_CHART_TARGET = 'libra-backtest-chart';

let bridge: LibraBridge | null = null;

export function getBridge(): LibraBridge {
  if (bridge) return bridge;
  if (window.libra) {
    bridge = window.libra;
    return bridge;
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  bridge = createWsBridge({
    // A chart window shows no order book or tape: the host leaves their deltas out of its feed.
    url: `${scheme}//${location.host}/ws?token=${encodeURIComponent(pageToken())}${location.pathname.startsWith('/chart') ? '&feed=chart' : ''}`,
    openChart: (req) => {
      window.open(chartUrl(req), '_blank', 'noopener');
    },
    openBacktestChart: (req) => {
      window.open(backtestChartUrl(req), BACKTEST_CHART_TARGET)?.focus();
    },
  });
  return bridge;
}
