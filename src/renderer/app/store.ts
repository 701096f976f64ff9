/** The window's store: a projection of the host's state (snapshot + deltas), nothing more. */
import { combineSlices, configureStore } from '@reduxjs/toolkit';
import { accountSlice } from '../features/account/account-slice';
import { alertsSlice } from '../features/alerts/alerts-slice';
import { backtestSlice } from '../features/backtest/backtest-slice';
import { bookSlice } from '../features/book/book-slice';
import { marketSlice } from '../features/market/market-slice';
import { ordersSlice } from '../features/orders/orders-slice';
import { positionsSlice } from '../features/positions/positions-slice';
import { replaySlice } from '../features/replay/replay-slice';
import { riskSlice } from '../features/risk/risk-slice';
import { sessionSlice } from '../features/session/session-slice';
import { strategiesSlice } from '../features/strategies/strategies-slice';
import { toastsSlice } from '../features/toasts/toasts-slice';

export const rootReducer = combineSlices(sessionSlice, marketSlice, ordersSlice, positionsSlice, accountSlice, riskSlice, alertsSlice, replaySlice, backtestSlice, strategiesSlice, bookSlice, toastsSlice);
export type RootState = ReturnType<typeof rootReducer>;

export function makeStore(preloadedState?: Partial<RootState>) {
  return configureStore({
    reducer: rootReducer,
    ...(preloadedState ? { preloadedState } : {}),
    // RTK's autoBatchEnhancer (on by default) notifies subscribers once per frame for the
    // delta actions (they are prepared with prepareAutoBatched).
    // The development checks walk the whole state on every action. A finished backtest report
    // (trades, fills, orders, equity, benchmark, indicator curves) is large JSON that arrived over
    // the wire — serialisable and never mutated by construction — and walking it on each of the
    // many market-data deltas a second froze the page: the checks skip it.
    middleware: (getDefault) => getDefault({ serializableCheck: { ignoredPaths: ['backtest'] }, immutableCheck: { ignoredPaths: ['backtest'] } }),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
