/**
 * Trading from a chart: drop an order line at a new price to amend it (through the host's amend,
 * so the risk gate decides; refused → the line snaps back and the reason shows), and Alt/Ctrl/⌘+
 * click a price to place a limit there — a buy below the last price, a sell above — after a
 * confirmation, unless "one-click trading" is on (a setting kept in this browser profile, off by
 * default). Every order sent opens a toast that follows it.
 */
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { InstrumentView } from '../../shared/ipc/views';
import { amountInput, fmtPrice, priceInput } from '../app/format';
import { useOrderActions } from '../features/toasts/use-order-actions';
import { CandleChart } from './candle-chart';
import type { CandleChartProps, PriceLevel } from './candle-chart';

const ONE_CLICK_KEY = 'libra.oneClickTrading';

export function readOneClick(): boolean {
  try {
    return localStorage.getItem(ONE_CLICK_KEY) === '1';
  } catch {
    return false;
  }
}

function writeOneClick(on: boolean): void {
  try {
    if (on) localStorage.setItem(ONE_CLICK_KEY, '1');
    else localStorage.removeItem(ONE_CLICK_KEY);
  } catch {
    // Storage refused (private mode): the setting lasts this page only.
  }
}

/** The side of a limit clicked at `price`: below the last price buys, above sells; at it, neither. */
export function sideAt(price: number, last: number | undefined): 'BUY' | 'SELL' | null {
  if (last === undefined || !(last > 0) || price === last) return null;
  return price < last ? 'BUY' : 'SELL';
}

interface Pending {
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly quantity: string;
}

export function useChartTrading(instrument: InstrumentView, last: number | undefined): {
  readonly onModifierClick: (price: number) => void;
  readonly onAmendLevel: (level: PriceLevel, price: number) => Promise<string | null>;
  readonly toolbar: ReactNode;
  readonly overlay: ReactNode;
} {
  const actions = useOrderActions();
  const [oneClick, setOneClick] = useState(readOneClick);
  // 0.1 of the base to start with (as the ticket), or one lot where lots are bigger.
  const [size, setSize] = useState(() => amountInput(Math.max(instrument.minQty, instrument.lotSize, 0.1), instrument));
  const [pending, setPending] = useState<Pending | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (message === null) return;
    const t = setTimeout(() => setMessage(null), 10_000);
    return () => clearTimeout(t);
  }, [message]);

  const place = async (p: Pending): Promise<void> => {
    setPending(null);
    const r = await actions.submit({ instrumentId: instrument.id, side: p.side, type: 'LIMIT', quantity: p.quantity, price: p.price }, `${p.side === 'BUY' ? 'Buy' : 'Sell'} ${p.quantity} ${instrument.base} ${instrument.symbol} limit ${p.price}`);
    setMessage(r.ok ? null : `${r.error.code}: ${r.error.message}`);
  };
  const onModifierClick = (price: number): void => {
    const side = sideAt(price, last);
    if (side === null) {
      setMessage(last === undefined ? 'no last price yet: cannot tell a buy from a sell' : 'that is the last price: click below it to buy, above it to sell');
      return;
    }
    const p: Pending = { side, price: priceInput(price, instrument), quantity: size.trim() };
    setMessage(null);
    if (oneClick) void place(p);
    else setPending(p);
  };
  const onAmendLevel = async (level: PriceLevel, price: number): Promise<string | null> => {
    if (!level.order) return 'not an order line';
    const value = priceInput(price, instrument);
    const req = level.order.field === 'price' ? { clientOrderId: level.order.clientOrderId, price: value } : { clientOrderId: level.order.clientOrderId, triggerPrice: value };
    const r = await actions.amend(req, `Move ${level.order.clientOrderId} ${level.order.field === 'price' ? 'limit' : 'trigger'} to ${value}`);
    return r.ok ? null : `${r.error.code}: ${r.error.message}`;
  };
  const toolbar = (
    <span className="chart-trading">
      <label className="check" title="Alt/Ctrl+click a price places a limit there; with one-click trading on, without asking">
        <input type="checkbox" checked={oneClick} onChange={(e) => { setOneClick(e.target.checked); writeOneClick(e.target.checked); }} data-testid="one-click" /> One-click trading
      </label>
      <label className="check">
        Click size <input className="inline" value={size} onChange={(e) => setSize(e.target.value)} inputMode="decimal" aria-label="Chart order size" data-testid="chart-size" style={{ width: 96 }} /> {instrument.base}
      </label>
    </span>
  );
  const overlay = (
    <>
      {pending ? (
        <div className="confirm" role="dialog" aria-label="Confirm order" data-testid="chart-confirm">
          <span>
            {pending.side === 'BUY' ? 'Buy' : 'Sell'} <b>{pending.quantity} {instrument.base}</b> limit at <b>{fmtPrice(Number(pending.price), instrument)}</b>?
          </span>
          <button type="button" className={pending.side === 'BUY' ? 'submit buy' : 'submit sell'} onClick={() => void place(pending)} data-testid="chart-confirm-place">
            Place {pending.side === 'BUY' ? 'buy' : 'sell'} limit
          </button>
          <button type="button" onClick={() => setPending(null)}>Cancel</button>
        </div>
      ) : null}
      {message ? <p className="error chart-trade-error" role="alert" data-testid="chart-trade-message">{message} <button type="button" className="small" onClick={() => setMessage(null)} aria-label="Dismiss">×</button></p> : null}
    </>
  );
  return { onModifierClick, onAmendLevel, toolbar, overlay };
}

/** A candle chart with chart trading and its own small toolbar (the chart window's). */
export function TradingCandleChart({ instrument, last, ...chart }: CandleChartProps & { readonly instrument: InstrumentView; readonly last: number | undefined }) {
  const trading = useChartTrading(instrument, last);
  return (
    <div className="chart-stack">
      <div className="chart-toolbar">{trading.toolbar}</div>
      {trading.overlay}
      <CandleChart {...chart} onModifierClick={trading.onModifierClick} onAmendLevel={trading.onAmendLevel} />
    </div>
  );
}
