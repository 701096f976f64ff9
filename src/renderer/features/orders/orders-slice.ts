/** Orders (normalised by client order id) and the fills of this session. */
import { createEntityAdapter, createSelector, createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { FillView, OrderView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

const orders = createEntityAdapter<OrderView, string>({
  selectId: (o) => o.clientOrderId,
  sortComparer: (a, b) => b.createdAt - a.createdAt || b.clientOrderId.localeCompare(a.clientOrderId, undefined, { numeric: true }),
});

export const MAX_FILLS = 500;

export interface OrdersState {
  readonly orders: ReturnType<typeof orders.getInitialState>;
  readonly fills: readonly FillView[];
}

const initialState: OrdersState = { orders: orders.getInitialState(), fills: [] };

export const ordersSlice = createSlice({
  name: 'orders',
  initialState,
  reducers: {
    orderUpdated: {
      reducer(state, action: PayloadAction<OrderView>) {
        orders.setOne(state.orders, action.payload);
      },
      prepare: prepareAutoBatched<OrderView>(),
    },
    fillReceived: {
      reducer(state, { payload }: PayloadAction<FillView>) {
        if (state.fills.some((f) => f.tradeId === payload.tradeId)) return;
        const fills = [...state.fills, payload];
        state.fills = fills.length > MAX_FILLS ? fills.slice(fills.length - MAX_FILLS) : fills;
      },
      prepare: prepareAutoBatched<FillView>(),
    },
  },
  extraReducers: (b) =>
    b.addCase(snapshotReceived, (state, { payload }) => {
      orders.setAll(state.orders, payload.orders);
      state.fills = [...payload.fills];
    }),
});

export const { orderUpdated, fillReceived } = ordersSlice.actions;

type WithOrders = { orders: OrdersState };
const sel = orders.getSelectors((s: WithOrders) => s.orders.orders);
export const selectAllOrders = sel.selectAll;
export const selectOrderById = sel.selectById;
export const selectWorkingOrders = createSelector([selectAllOrders], (all) => all.filter((o) => o.working));
export const selectDoneOrders = createSelector([selectAllOrders], (all) => all.filter((o) => !o.working));
export const selectFills = (s: WithOrders): readonly FillView[] => s.orders.fills;
export const selectFillsFor = createSelector([selectFills, (_s: WithOrders, instrumentId: string) => instrumentId], (fills, id) =>
  fills.filter((f) => f.instrumentId === id),
);
