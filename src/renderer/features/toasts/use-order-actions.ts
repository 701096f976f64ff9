/**
 * Sending orders from any panel: the call goes to the host (the risk gate decides there) and a
 * toast follows what came of it. Returns the host's answer so the caller can show it inline too.
 */
import { useMemo } from 'react';
import type { OrderTicket } from '../../../shared/ipc/schemas';
import type { Result } from '../../../shared/ipc/result';
import { useBridge } from '../../app/bridge-context';
import { useAppDispatch } from '../../app/hooks';
import { orderRefused, orderSent } from './toasts-slice';

type Placed = Result<{ clientOrderId: string; status: string }>;

export interface OrderActions {
  submit(ticket: OrderTicket, label: string): Promise<Placed>;
  amend(req: { clientOrderId: string; quantity?: string; price?: string; triggerPrice?: string }, label: string): Promise<Placed>;
}

export function useOrderActions(): OrderActions {
  const bridge = useBridge();
  const dispatch = useAppDispatch();
  return useMemo(() => {
    const follow = (r: Placed, label: string, amend: boolean, clientOrderId?: string): Placed => {
      if (r.ok) dispatch(orderSent({ label, clientOrderId: r.value.clientOrderId, amend }));
      else dispatch(orderRefused({ label, error: `${r.error.code}: ${r.error.message}`, amend, ...(clientOrderId !== undefined ? { clientOrderId } : {}) }));
      return r;
    };
    return {
      submit: async (ticket, label) => follow(await bridge.orders.submit(ticket), label, false),
      amend: async (req, label) => follow(await bridge.orders.amend(req), label, true, req.clientOrderId),
    };
  }, [bridge, dispatch]);
}
