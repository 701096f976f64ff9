/**
 * Order toasts: each action that sends an order (ticket, chart click, close position, amend)
 * opens one; the toast then follows that order through the orders slice to its end (filled,
 * rejected, cancelled, with the reason). A request the host refused at once is a failed toast.
 */
import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';

export interface Toast {
  readonly id: number;
  /** What was asked, as the person would say it ("Buy 0.5 BTC limit 600.00"). */
  readonly label: string;
  /** The order followed; null when the request never became one. */
  readonly clientOrderId: string | null;
  /** The host's refusal (`CODE: message`), when the request failed at once. */
  readonly error: string | null;
  /** Set on an amend: the toast reports the amend, not a new order. */
  readonly amend: boolean;
}

export const MAX_TOASTS = 4;

export interface ToastsState {
  readonly next: number;
  readonly items: readonly Toast[];
}

const initialState: ToastsState = { next: 1, items: [] };

export const toastsSlice = createSlice({
  name: 'toasts',
  initialState,
  reducers: {
    orderSent(state, { payload }: PayloadAction<{ label: string; clientOrderId: string; amend?: boolean }>) {
      state.items = [...state.items, { id: state.next++, label: payload.label, clientOrderId: payload.clientOrderId, error: null, amend: payload.amend ?? false }].slice(-MAX_TOASTS);
    },
    orderRefused(state, { payload }: PayloadAction<{ label: string; error: string; clientOrderId?: string; amend?: boolean }>) {
      state.items = [...state.items, { id: state.next++, label: payload.label, clientOrderId: payload.clientOrderId ?? null, error: payload.error, amend: payload.amend ?? false }].slice(-MAX_TOASTS);
    },
    toastDismissed(state, { payload }: PayloadAction<number>) {
      state.items = state.items.filter((t) => t.id !== payload);
    },
  },
  selectors: {
    selectToasts: (s) => s.items,
  },
});

export const { orderSent, orderRefused, toastDismissed } = toastsSlice.actions;
export const { selectToasts } = toastsSlice.selectors;
