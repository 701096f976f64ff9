import { useState } from 'react';
import { fmt, fmtQty, fmtTime } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { rowKeys } from '../../app/row-keys';
import { selectDoneOrders, selectWorkingOrders } from './orders-slice';

/** `onSelect`: Enter on a focused row selects its symbol; Delete cancels a working one (↑/↓ move between rows). */
export function OrdersTable({ onSelect }: { onSelect?: (instrumentId: string) => void } = {}) {
  const bridge = useBridge();
  const [tab, setTab] = useState<'working' | 'done'>('working');
  const working = useAppSelector(selectWorkingOrders);
  const done = useAppSelector(selectDoneOrders);
  const [error, setError] = useState<string | null>(null);
  const rows = tab === 'working' ? working : done;
  const cancel = (clientOrderId: string): void => {
    void bridge.orders.cancel({ clientOrderId }).then((r) => setError(r.ok ? null : `${r.error.code}: ${r.error.message}`));
  };
  return (
    <section className="panel" data-testid="orders">
      <h2>
        Orders
        <span className="tabs">
          <button className={tab === 'working' ? 'active' : ''} onClick={() => setTab('working')} data-testid="tab-working">Working ({working.length})</button>
          <button className={tab === 'done' ? 'active' : ''} onClick={() => setTab('done')} data-testid="tab-done">Filled / done ({done.length})</button>
        </span>
      </h2>
      {error ? <p className="error" role="alert">{error}</p> : null}
      <table>
        <thead>
          <tr><th>Id</th><th>Time</th><th>Symbol</th><th>Side</th><th>Type</th><th className="num">Qty</th><th className="num">Filled</th><th className="num">Price</th><th className="num">Avg</th><th>Status</th><th /></tr>
        </thead>
        <tbody>
          {rows.slice(0, 100).map((o) => (
            <tr key={o.clientOrderId} data-testid={`order-${o.clientOrderId}`} title={o.reason ?? ''} {...rowKeys(() => onSelect?.(o.instrumentId), o.working ? () => cancel(o.clientOrderId) : undefined)}>
              <td>{o.clientOrderId}</td>
              <td>{fmtTime(o.createdAt)}</td>
              <td data-testid="order-symbol">{o.symbol}</td>
              <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
              <td>{o.type}{o.postOnly ? ' PO' : ''}{o.reduceOnly ? ' RO' : ''}</td>
              <td className="num" data-testid="order-qty">{fmtQty(o.quantity)}</td>
              <td className="num">{fmtQty(o.filled)}</td>
              <td className="num">{o.price === null ? (o.triggerPrice === null ? 'MKT' : `@${fmt(o.triggerPrice)}`) : fmt(o.price)}</td>
              <td className="num">{o.avgPx > 0 ? fmt(o.avgPx) : '—'}</td>
              <td className={o.status === 'DENIED' || o.status === 'REJECTED' ? 'down' : ''} data-testid="order-status">{o.status}</td>
              <td>
                {o.working ? (
                  <button
                    className="small"
                    data-testid="cancel-order"
                    onClick={() => cancel(o.clientOrderId)}
                  >
                    Cancel
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
