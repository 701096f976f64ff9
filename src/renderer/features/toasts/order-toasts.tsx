/**
 * The order toasts, top right: each follows its order. A finished one goes after a while (filled
 * or cancelled 8 s, failed 20 s: long enough to read the reason, which the orders row keeps too);
 * a working one stays while it works (the newest few are shown).
 */
import { useEffect } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectOrderById } from '../orders/orders-slice';
import { selectInstrumentById } from '../session/session-slice';
import { toastState } from './toast-state';
import type { Toast } from './toasts-slice';
import { selectToasts, toastDismissed } from './toasts-slice';

const FADE_MS: Partial<Record<string, number>> = { filled: 8000, cancelled: 8000, failed: 20_000 };

function OrderToast({ toast }: { toast: Toast }) {
  const dispatch = useAppDispatch();
  const order = useAppSelector((s) => (toast.clientOrderId === null ? undefined : selectOrderById(s, toast.clientOrderId)));
  const inst = useAppSelector((s) => (order ? selectInstrumentById(s, order.instrumentId) : undefined));
  const { kind, text } = toastState(toast, order, inst);
  useEffect(() => {
    const ms = FADE_MS[kind];
    if (ms === undefined) return;
    const t = setTimeout(() => dispatch(toastDismissed(toast.id)), ms);
    return () => clearTimeout(t);
  }, [kind, toast.id, dispatch]);
  return (
    <div className={`toast toast-${kind}`} role={kind === 'failed' ? 'alert' : 'status'} data-testid="order-toast" data-kind={kind} data-order={toast.clientOrderId ?? ''}>
      <div className="toast-head">
        <b>{toast.label}</b>
        {toast.clientOrderId !== null ? <span className="muted">{toast.clientOrderId}</span> : null}
        <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dispatch(toastDismissed(toast.id))}>×</button>
      </div>
      <div data-testid="toast-text">{text}</div>
    </div>
  );
}

export function OrderToasts() {
  const toasts = useAppSelector(selectToasts);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" aria-label="Order notifications">
      {toasts.map((t) => <OrderToast key={t.id} toast={t} />)}
    </div>
  );
}
