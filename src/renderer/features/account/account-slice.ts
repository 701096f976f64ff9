/** Balances and equity of the paper account. */
import { createSlice, prepareAutoBatched } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { AccountView } from '../../../shared/ipc/views';
import { snapshotReceived } from '../session/session-slice';

const initialState: AccountView = { balances: [], equity: 0, currency: '' };

export const accountSlice = createSlice({
  name: 'account',
  initialState,
  reducers: {
    accountUpdated: {
      reducer: (_state, action: PayloadAction<AccountView>) => action.payload,
      prepare: prepareAutoBatched<AccountView>(),
    },
  },
  extraReducers: (b) => b.addCase(snapshotReceived, (_s, { payload }) => payload.account),
  selectors: {
    selectAccount: (s) => s,
    selectEquity: (s) => s.equity,
  },
});

export const { accountUpdated } = accountSlice.actions;
export const { selectAccount, selectEquity } = accountSlice.selectors;
