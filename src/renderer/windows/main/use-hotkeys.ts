/**
 * The main window's hotkey handler: reads the table in hotkeys.ts and acts through the same
 * engine calls as the ticket and the tables (orders.submit passes the one risk gate), telling the
 * user the outcome through `notify`. The book, working orders and positions are read from the
 * store when a key is pressed, not subscribed to: the window would otherwise re-render with each
 * of them (a live book changes up to 1 000 times a second) to have them ready for a key press.
 */
import { useEffect, useRef } from 'react';
import type { OrderTicket as Ticket } from '../../../shared/ipc/schemas';
import type { BookView, InstrumentView, OrderView, PositionView } from '../../../shared/ipc/views';
import { useBridge } from '../../app/bridge-context';
import { useAppStore } from '../../app/hooks';
import type { RootState } from '../../app/store';
import { selectBook } from '../../features/book/book-slice';
import { selectWorkingOrders } from '../../features/orders/orders-slice';
import { selectAllPositions } from '../../features/positions/positions-slice';
import { selectSession } from '../../features/session/session-slice';
import { hotkeyOf } from './hotkeys';
import type { HotkeyAction } from './hotkeys';

export interface HotkeyContext {
  readonly instrument: InstrumentView | undefined;
  readonly instruments: readonly InstrumentView[];
  readonly quantity: string | null;
  /** A dialog is open: hotkeys wait. */
  readonly blocked: boolean;
  select(instrumentId: string): void;
  toggleHelp(): void;
  notify(text: string): void;
}

/** The ticket for buy/sell at the touch: a marketable limit IOC at the best opposite level, or a market order without a book. */
export function touchTicket(instrument: InstrumentView, side: 'BUY' | 'SELL', quantity: string, book: BookView | undefined): Ticket {
  const level = side === 'BUY' ? book?.asks[0] : book?.bids[0];
  if (!level) return { instrumentId: instrument.id, side, type: 'MARKET', quantity };
  return { instrumentId: instrument.id, side, type: 'LIMIT', quantity, price: level.price.toFixed(instrument.pricePrecision), timeInForce: 'IOC' };
}

/**
 * The book the hotkeys trade at. The first-run replay's ladder is a bundled recording scaled to
 * the candles, shown for display: its paper venue fills from the bars, so an IOC at that "best
 * ask" would often be cancelled unfilled — the replay's hotkeys trade at market instead.
 */
export function hotkeyBook(s: RootState, instrumentId: string): BookView | undefined {
  return selectSession(s).kind === 'replay' ? undefined : selectBook(s, instrumentId);
}

/** The store as of the key press: what the hotkeys act on besides the context. */
interface AtPress {
  readonly book: BookView | undefined;
  readonly working: readonly OrderView[];
  readonly positions: readonly PositionView[];
}

/** "0.01000000" → "0.01", "10" stays "10". */
export const trimZeros = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

export function useHotkeys(ctx: HotkeyContext): void {
  const bridge = useBridge();
  const store = useAppStore();
  const latest = useRef(ctx);
  latest.current = ctx;
  useEffect(() => {
    const failed = (r: { ok: false; error: { code: string; message: string } }): string => `${r.error.code}: ${r.error.message}`;
    const run = async (action: HotkeyAction): Promise<void> => {
      const c = latest.current;
      const inst = c.instrument;
      const s = store.getState();
      const now: AtPress = { book: inst ? hotkeyBook(s, inst.id) : undefined, working: selectWorkingOrders(s), positions: selectAllPositions(s) };
      switch (action) {
        case 'help':
          c.toggleHelp();
          return;
        case 'nextSymbol':
        case 'prevSymbol': {
          if (c.instruments.length === 0) return;
          const i = Math.max(0, c.instruments.findIndex((x) => x.id === inst?.id));
          const next = c.instruments[(i + (action === 'nextSymbol' ? 1 : c.instruments.length - 1)) % c.instruments.length];
          if (next) c.select(next.id);
          return;
        }
        case 'buy':
        case 'sell': {
          if (!inst) return;
          if (c.quantity === null) return c.notify(`hotkey ${action}: the ticket has no quantity for ${inst.symbol}`);
          const ticket = touchTicket(inst, action === 'buy' ? 'BUY' : 'SELL', c.quantity, now.book);
          const r = await bridge.orders.submit(ticket);
          return c.notify(r.ok ? `${ticket.side} ${ticket.quantity} ${inst.symbol} ${ticket.type === 'LIMIT' ? `@ ${ticket.price} IOC` : 'market'}: ${r.value.clientOrderId} ${r.value.status}` : failed(r));
        }
        case 'cancelLast': {
          const last = [...now.working].sort((a, b) => b.createdAt - a.createdAt)[0];
          if (!last) return c.notify('no working order to cancel');
          const r = await bridge.orders.cancel({ clientOrderId: last.clientOrderId });
          return c.notify(r.ok ? `cancel sent for ${last.clientOrderId}` : failed(r));
        }
        case 'cancelAll': {
          const r = await bridge.orders.cancelAll({});
          return c.notify(r.ok ? `cancel all: ${r.value.cancelled} order(s)` : failed(r));
        }
        case 'closePosition': {
          if (!inst) return;
          const qty = now.positions.filter((p) => p.instrumentId === inst.id).reduce((n, p) => n + p.quantity, 0);
          if (qty === 0) return c.notify(`no position in ${inst.symbol} to close`);
          const decimals = Math.max(0, Math.ceil(-Math.log10(inst.lotSize) - 1e-9));
          const ticket: Ticket = { instrumentId: inst.id, side: qty > 0 ? 'SELL' : 'BUY', type: 'MARKET', quantity: trimZeros(Math.abs(qty).toFixed(decimals)), reduceOnly: true };
          const r = await bridge.orders.submit(ticket);
          return c.notify(r.ok ? `close ${inst.symbol}: ${ticket.side} ${ticket.quantity} ${r.value.clientOrderId} ${r.value.status}` : failed(r));
        }
      }
    };
    const onKey = (e: KeyboardEvent): void => {
      const action = hotkeyOf({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, repeat: e.repeat, target: e.target instanceof HTMLElement ? e.target : null });
      if (action === null) return;
      if (latest.current.blocked) return; // an open dialog keeps the keys (Escape closes it)
      e.preventDefault();
      void run(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bridge, store]);
}
