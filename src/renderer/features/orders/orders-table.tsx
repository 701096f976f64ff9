/**
 * Orders and fills of the session: working orders (amend price / trigger / quantity inline from
 * the row, cancel one, Cancel all), done orders with their reason, and the fills; TIF and the
 * trigger price of stop orders in their own columns; 100 rows a page. Numbers at each
 * instrument's tick and lot.
 */
import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { InstrumentView, OrderView } from '../../../shared/ipc/views';
import { fmt, fmtAmount, fmtPrice, fmtTime, priceInput } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { rowKeys } from '../../app/row-keys';
import { selectInstruments } from '../session/session-slice';
import { useOrderActions } from '../toasts/use-order-actions';
import { selectDoneOrders, selectFills, selectWorkingOrders } from './orders-slice';
import { pageOf, Pager } from './pager';

type Tab = 'working' | 'done' | 'fills';

interface Draft {
  readonly clientOrderId: string;
  readonly quantity: string;
  readonly price: string;
  readonly trigger: string;
}

/** The fields of an amend that differ from the order (null: nothing changed). */
export function amendOf(o: OrderView, d: Draft): { quantity?: string; price?: string; triggerPrice?: string } | null {
  const out: { quantity?: string; price?: string; triggerPrice?: string } = {};
  if (d.quantity.trim() !== '' && Number(d.quantity) !== o.quantity) out.quantity = d.quantity.trim();
  if (o.price !== null && d.price.trim() !== '' && Number(d.price) !== o.price) out.price = d.price.trim();
  if (o.triggerPrice !== null && d.trigger.trim() !== '' && Number(d.trigger) !== o.triggerPrice) out.triggerPrice = d.trigger.trim();
  return Object.keys(out).length > 0 ? out : null;
}

/** `onSelect`: Enter on a focused row selects its symbol; Delete cancels a working one (↑/↓ move between rows). */
export function OrdersTable({ onSelect }: { onSelect?: (instrumentId: string) => void } = {}) {
  const bridge = useBridge();
  const actions = useOrderActions();
  const [tab, setTab] = useState<Tab>('working');
  const [page, setPage] = useState(0);
  const working = useAppSelector(selectWorkingOrders);
  const done = useAppSelector(selectDoneOrders);
  const fills = useAppSelector(selectFills);
  const instruments = useAppSelector(selectInstruments);
  const inst = (id: string): InstrumentView | undefined => instruments.find((i) => i.id === id);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const choose = (t: Tab): void => {
    setTab(t);
    setPage(0);
    setDraft(null);
  };
  const cancelAll = async (): Promise<void> => {
    const r = await bridge.orders.cancelAll({});
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
  };
  const startEdit = (o: OrderView): void => {
    const i = inst(o.instrumentId);
    setDraft({ clientOrderId: o.clientOrderId, quantity: String(o.quantity), price: o.price === null ? '' : priceInput(o.price, i), trigger: o.triggerPrice === null ? '' : priceInput(o.triggerPrice, i) });
  };
  const saveEdit = async (o: OrderView): Promise<void> => {
    if (!draft) return;
    const change = amendOf(o, draft);
    if (change === null) {
      setDraft(null);
      return;
    }
    const r = await actions.amend({ clientOrderId: o.clientOrderId, ...change }, `Amend ${o.clientOrderId}`);
    if (r.ok) {
      setDraft(null);
      setError(null);
    } else setError(`${r.error.code}: ${r.error.message}`);
  };
  const onKey = (e: KeyboardEvent, o: OrderView): void => {
    if (e.key === 'Enter') void saveEdit(o);
    if (e.key === 'Escape') setDraft(null);
  };
  const cancel = (clientOrderId: string): void => {
    void bridge.orders.cancel({ clientOrderId }).then((r) => setError(r.ok ? null : `${r.error.code}: ${r.error.message}`));
  };
  const orders = tab === 'working' ? working : done;
  const fillPage = pageOf(fills.toReversed(), page);
  const orderPage = pageOf(orders, page);
  const shown = tab === 'fills' ? fillPage : orderPage;
  const editing = (o: OrderView): Draft | null => (draft?.clientOrderId === o.clientOrderId ? draft : null);
  const input = (o: OrderView, field: 'quantity' | 'price' | 'trigger', label: string) => {
    const d = editing(o);
    if (!d) return null;
    return <input className="inline" aria-label={`${label} of ${o.clientOrderId}`} value={d[field]} inputMode="decimal" onKeyDown={(e) => onKey(e, o)} onChange={(e) => setDraft({ ...d, [field]: e.target.value })} data-testid={`edit-${field}`} />;
  };
  return (
    <section className="panel" data-testid="orders">
      <h2>
        Orders
        {working.length > 0 ? (
          <span className="orders-actions">
            <button type="button" className="small" onClick={() => void cancelAll()} data-testid="cancel-all">Cancel all ({working.length})</button>
          </span>
        ) : null}
        <span className="tabs">
          <button className={tab === 'working' ? 'active' : ''} onClick={() => choose('working')} data-testid="tab-working">Working ({working.length})</button>
          <button className={tab === 'done' ? 'active' : ''} onClick={() => choose('done')} data-testid="tab-done">Filled / done ({done.length})</button>
          <button className={tab === 'fills' ? 'active' : ''} onClick={() => choose('fills')} data-testid="tab-fills">Fills ({fills.length})</button>
        </span>
      </h2>
      {error ? <p className="error" role="alert" data-testid="orders-error">{error}</p> : null}
      {tab === 'fills' ? (
        <table>
          <thead>
            <tr><th>Time</th><th>Order</th><th>Side</th><th className="num">Qty</th><th className="num">Price</th><th className="num">Fee</th><th>Liq.</th></tr>
          </thead>
          <tbody>
            {fillPage.rows.map((f) => {
              const i = inst(f.instrumentId);
              return (
                <tr key={f.tradeId} data-testid="fill-row">
                  <td>{fmtTime(f.ts)}</td>
                  <td>{f.clientOrderId}</td>
                  <td className={f.side === 'BUY' ? 'up' : 'down'}>{f.side}</td>
                  <td className="num">{fmtAmount(f.quantity, i)}</td>
                  <td className="num">{fmtPrice(f.price, i)}</td>
                  <td className="num">{fmt(f.fee, f.feeCurrency === i?.quote ? 2 : 8)} {f.feeCurrency}</td>
                  <td>{f.liquidity}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <table>
          <thead>
            <tr><th>Id</th><th>Time</th><th>Symbol</th><th>Side</th><th>Type</th><th>TIF</th><th className="num">Qty</th><th className="num">Filled</th><th className="num">Price</th><th className="num">Trigger</th><th className="num">Avg</th><th>Status</th><th /></tr>
          </thead>
          <tbody>
            {orderPage.rows.map((o) => {
              const i = inst(o.instrumentId);
              const d = editing(o);
              return (
                <tr key={o.clientOrderId} data-testid={`order-${o.clientOrderId}`} title={o.reason ?? ''} {...rowKeys(() => onSelect?.(o.instrumentId), o.working && !d ? () => cancel(o.clientOrderId) : undefined)}>
                  <td>{o.clientOrderId}</td>
                  <td>{fmtTime(o.createdAt)}</td>
                  <td data-testid="order-symbol">{o.symbol}</td>
                  <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
                  <td>{o.type}{o.postOnly ? ' PO' : ''}{o.reduceOnly ? ' RO' : ''}</td>
                  <td data-testid="order-tif">{o.timeInForce}</td>
                  <td className="num" data-testid="order-qty">{input(o, 'quantity', 'Quantity') ?? fmtAmount(o.quantity, i)}</td>
                  <td className="num">{fmtAmount(o.filled, i)}</td>
                  <td className="num" data-testid="order-price">{o.price === null ? 'MKT' : (input(o, 'price', 'Limit price') ?? fmtPrice(o.price, i))}</td>
                  <td className="num" data-testid="order-trigger">{o.triggerPrice === null ? '—' : (input(o, 'trigger', 'Trigger price') ?? fmtPrice(o.triggerPrice, i))}</td>
                  <td className="num">{o.avgPx > 0 ? fmtPrice(o.avgPx, i) : '—'}</td>
                  <td className={o.status === 'DENIED' || o.status === 'REJECTED' ? 'down' : ''} data-testid="order-status">
                    {o.status}
                    {!o.working && o.reason ? <span className="muted" data-testid="order-reason"> {o.reason}</span> : null}
                  </td>
                  <td>
                    {o.working && d ? (
                      <>
                        <button className="small" onClick={() => void saveEdit(o)} data-testid="save-amend">Save</button>{' '}
                        <button className="small" onClick={() => setDraft(null)}>Discard</button>
                      </>
                    ) : o.working ? (
                      <>
                        <button className="small" onClick={() => startEdit(o)} data-testid="amend-order" aria-label={`Amend ${o.clientOrderId}`}>Edit</button>{' '}
                        <button
                          className="small"
                          data-testid="cancel-order"
                          onClick={() => cancel(o.clientOrderId)}
                        >
                          Cancel
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager total={tab === 'fills' ? fills.length : orders.length} page={shown.page} pages={shown.pages} onPage={setPage} testId="orders-pager" />
    </section>
  );
}
