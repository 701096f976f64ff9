/** What a toast says of the order it follows: never "done" before the venue says so. */
import type { InstrumentView, OrderView } from '../../../shared/ipc/views';
import { fmtAmount, fmtPrice } from '../../app/format';
import type { Toast } from './toasts-slice';

export type ToastKind = 'pending' | 'working' | 'filled' | 'cancelled' | 'failed';

const ENDED = new Set(['CANCELED', 'REJECTED', 'DENIED', 'EXPIRED']);

export function toastState(t: Toast, o: OrderView | undefined, inst: InstrumentView | undefined): { kind: ToastKind; text: string } {
  if (t.error !== null) return { kind: 'failed', text: t.error };
  if (!o) return { kind: 'pending', text: 'sent, waiting for the venue' };
  if (o.status === 'FILLED') return { kind: 'filled', text: `FILLED ${fmtAmount(o.filled, inst)} @ ${fmtPrice(o.avgPx, inst)}` };
  if (ENDED.has(o.status)) {
    const part = o.filled > 0 ? ` after ${fmtAmount(o.filled, inst)} filled` : '';
    // Cancelled is an end the trader may have asked for: not an error, but never green either.
    return { kind: o.status === 'CANCELED' ? 'cancelled' : 'failed', text: `${o.status}${part}: ${o.reason ?? 'the venue gave no reason'}` };
  }
  if (o.status === 'PARTIALLY_FILLED') return { kind: 'working', text: `PARTIALLY_FILLED ${fmtAmount(o.filled, inst)} of ${fmtAmount(o.quantity, inst)}` };
  const at = o.price !== null ? ` at ${fmtPrice(o.price, inst)}` : o.triggerPrice !== null ? ` trigger ${fmtPrice(o.triggerPrice, inst)}` : '';
  if (t.amend && o.status !== 'PENDING_UPDATE' && o.status !== 'PENDING_CANCEL') return { kind: 'working', text: `amended: ${o.status} ${fmtAmount(o.quantity - o.filled, inst)}${at}` };
  return { kind: o.status === 'SUBMITTED' || o.status === 'PENDING_UPDATE' ? 'pending' : 'working', text: `${o.status}${at}` };
}
