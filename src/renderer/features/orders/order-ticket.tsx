/**
 * Order ticket for the selected symbol (the watchlist picks it): market / limit / stop /
 * stop-limit, TIF, post-only, reduce-only; the available balance of the side's currency, size by
 * % of it (slider), the estimated cost and taker fee. After submit its status line follows the
 * order (accepted, filled, rejected or cancelled with the reason; never a green "submitted" for an
 * order that then fails) and a toast does the same; the risk gate's denial shows inline.
 */
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { OrderTicket as Ticket } from '../../../shared/ipc/schemas';
import type { InstrumentView } from '../../../shared/ipc/views';
import { amountInput, decimalsOf, fmt, fmtAmount, fmtPrice } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { selectAccount } from '../account/account-slice';
import { selectQuote } from '../market/market-slice';
import { selectInstrumentById } from '../session/session-slice';
import { toastState } from '../toasts/toast-state';
import { useOrderActions } from '../toasts/use-order-actions';
import { selectOrderById } from './orders-slice';

type Type = Ticket['type'];
type Tif = NonNullable<Ticket['timeInForce']>;

export function buildTicket(f: { instrumentId: string; side: 'BUY' | 'SELL'; type: Type; quantity: string; price: string; trigger: string; tif: Tif | ''; postOnly: boolean; reduceOnly: boolean; quoteQuantity?: string }): Ticket {
  const t: Ticket = { instrumentId: f.instrumentId, side: f.side, type: f.type, quantity: f.quantity.trim() };
  // A market buy in quote units spends the amount, sized at the fill (quantity: the estimate).
  if (f.quoteQuantity !== undefined && f.type === 'MARKET' && f.side === 'BUY') t.quoteQuantity = f.quoteQuantity.trim();
  if (f.type === 'LIMIT' || f.type === 'STOP_LIMIT') t.price = f.price.trim();
  if (f.type === 'STOP_MARKET' || f.type === 'STOP_LIMIT') t.triggerPrice = f.trigger.trim();
  if (f.tif !== '') t.timeInForce = f.tif;
  if (f.postOnly && f.type === 'LIMIT') t.postOnly = true;
  if (f.reduceOnly) t.reduceOnly = true;
  return t;
}

/**
 * Base quantity for an amount of quote currency at a price, rounded DOWN to the lot (never
 * spend more than asked), as a decimal string; null when it cannot be worked out.
 */
export function quoteToBase(amount: string, price: number | undefined, lotSize: number): string | null {
  const a = Number(amount.trim());
  if (amount.trim() === '' || !Number.isFinite(a) || a <= 0 || price === undefined || !(price > 0) || !(lotSize > 0)) return null;
  const lots = Math.floor(a / price / lotSize + 1e-9);
  if (lots <= 0) return null;
  const decimals = Math.max(0, Math.min(15, Math.ceil(-Math.log10(lotSize) - 1e-9)));
  return (lots * lotSize).toFixed(decimals);
}

/** Free (total − locked) of a currency on the instrument's venue (or the shared account of a replay). */
export function freeBalance(balances: readonly { venue: string; currency: string; total: number; locked: number }[], currency: string, venue: string): number | null {
  const b = balances.find((x) => x.currency === currency && x.venue === venue) ?? balances.find((x) => x.currency === currency && x.venue === '');
  return b ? Math.max(0, b.total - b.locked) : null;
}

/**
 * The quantity for `pct` % of the free balance: a buy spends that share of the quote currency,
 * fee included, at `price`; a sell sells that share of the base. Rounded down to the lot.
 */
export function sizeForPercent(pct: number, side: 'BUY' | 'SELL', free: number | null, price: number | undefined, inst: Pick<InstrumentView, 'tickSize' | 'lotSize'>, feeBps = 0): string | null {
  if (free === null || !(pct > 0)) return null;
  const base = side === 'SELL' ? (free * pct) / 100 : price !== undefined && price > 0 ? (free * pct) / 100 / price / (1 + feeBps / 10_000) : null;
  if (base === null) return null;
  const q = amountInput(base, inst);
  return Number(q) > 0 ? q : null;
}

/** The ticket's status line: the order's live state once placed, else the host's refusal. */
function TicketStatus({ answer }: { answer: { kind: 'ok' | 'error'; text: string; clientOrderId: string | null } }) {
  const order = useAppSelector((s) => (answer.clientOrderId === null ? undefined : selectOrderById(s, answer.clientOrderId)));
  const inst = useAppSelector((s) => (order ? selectInstrumentById(s, order.instrumentId) : undefined));
  if (answer.kind === 'error' || answer.clientOrderId === null) {
    return <p className="ticket-status error" role="alert" data-testid="ticket-status">{answer.text}</p>;
  }
  const st = toastState({ id: 0, label: '', clientOrderId: answer.clientOrderId, error: null, amend: false }, order, inst);
  const text = order ? `${answer.clientOrderId} ${st.text}` : answer.text;
  return (
    <p className={`ticket-status ${st.kind === 'failed' ? 'error' : st.kind === 'filled' ? 'ok' : 'pending'}`} role={st.kind === 'failed' ? 'alert' : 'status'} data-testid="ticket-status" data-kind={st.kind}>
      {text}
    </p>
  );
}

/** `onQuantity`: told the ticket's base quantity for the symbol (null: none), for the hotkeys that trade it. */
export function OrderTicket({ instrument, onQuantity }: { instrument: InstrumentView | undefined; onQuantity?: (instrumentId: string, quantity: string | null) => void }) {
  const last = useAppSelector((s) => (instrument ? selectQuote(s, instrument.id)?.last : undefined));
  const [inQuote, setInQuote] = useState(false);
  const actions = useOrderActions();
  const [pct, setPct] = useState(0);
  const [side, setSide] = useState<'BUY' | 'SELL'>('BUY');
  const payCurrency = instrument ? (side === 'BUY' ? instrument.quote : instrument.base) : '';
  // A number, not the account: the ticket re-renders when what it can spend changes, not on every equity tick.
  const free = useAppSelector((s) => (instrument ? freeBalance(selectAccount(s).balances, payCurrency, instrument.venue) : null));
  const [type, setType] = useState<Type>('MARKET');
  // Quantity and prices are per symbol (0.5 BTC is not 0.5 ETH): switching symbols brings back that symbol's values.
  const [fields, setFields] = useState<Readonly<Record<string, { quantity: string; price: string; trigger: string }>>>({});
  const key = instrument?.id ?? '';
  const { quantity, price, trigger } = fields[key] ?? { quantity: '0.1', price: '', trigger: '' };
  const setField = (name: 'quantity' | 'price' | 'trigger', value: string): void =>
    setFields((f) => ({ ...f, [key]: { ...(f[key] ?? { quantity: '0.1', price: '', trigger: '' }), [name]: value } }));
  const setQuantity = (v: string): void => setField('quantity', v);
  const setPrice = (v: string): void => setField('price', v);
  const setTrigger = (v: string): void => setField('trigger', v);
  const [tif, setTif] = useState<Tif | ''>('');
  const [postOnly, setPostOnly] = useState(false);
  const [reduceOnly, setReduceOnly] = useState(false);
  // The last answer, shown while its symbol stays selected.
  const [answer, setAnswer] = useState<{ kind: 'ok' | 'error'; text: string; instrumentId: string; clientOrderId: string | null } | null>(null);
  const status = answer && answer.instrumentId === instrument?.id ? answer : null;
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!instrument) return;
    // Refuse what cannot be sized before locking the ticket: a refusal must leave it usable.
    if (inQuote && baseQty === null) {
      setAnswer({ kind: 'error', text: `enter an amount of ${instrument.quote} worth at least one lot (${instrument.lotSize} ${instrument.base}) at ${refPrice ?? 'the price'}`, instrumentId: instrument.id, clientOrderId: null });
      return;
    }
    setBusy(true);
    let r: Awaited<ReturnType<typeof actions.submit>>;
    const ticket = buildTicket({ instrumentId: instrument.id, side, type, quantity: inQuote ? (baseQty ?? '') : quantity, price, trigger, tif, postOnly, reduceOnly, ...(spends ? { quoteQuantity: quantity } : {}) });
    try {
      r = await actions.submit(ticket, ticketLabel(ticket, instrument));
    } finally {
      setBusy(false);
    }
    setAnswer(r.ok ? { kind: 'ok', text: `${r.value.clientOrderId} ${r.value.status}`, instrumentId: instrument.id, clientOrderId: r.value.clientOrderId } : { kind: 'error', text: `${r.error.code}: ${r.error.message}`, instrumentId: instrument.id, clientOrderId: null });
  };

  const needsPrice = type === 'LIMIT' || type === 'STOP_LIMIT';
  const needsTrigger = type === 'STOP_MARKET' || type === 'STOP_LIMIT';
  // A quote amount converts at the price the order would pay: limit, else trigger, else last.
  const refPrice = needsPrice ? Number(price) || undefined : needsTrigger ? Number(trigger) || undefined : last;
  const baseQty = inQuote && instrument ? quoteToBase(quantity, refPrice, instrument.lotSize) : quantity;
  useEffect(() => {
    if (instrument) onQuantity?.(instrument.id, baseQty === null || baseQty.trim() === '' ? null : baseQty.trim());
  }, [instrument, baseQty, onQuantity]);
  const quantityId = useId();
  // A market buy in quote units is "spend N quote": the venue sizes it at the fill price.
  const spends = inQuote && type === 'MARKET' && side === 'BUY';
  const feeBps = instrument?.takerFeeBps;
  const pricedAt = refPrice ?? last;
  const qtyNum = Number(inQuote ? (baseQty ?? '') : quantity);
  const cost = spends ? Number(quantity) : pricedAt !== undefined && qtyNum > 0 ? qtyNum * pricedAt : null;
  const fee = cost !== null && feeBps !== undefined ? (cost * feeBps) / 10_000 : null;
  const choosePct = (p: number): void => {
    setPct(p);
    if (!instrument) return;
    if (inQuote) {
      // The amount is in quote: a buy spends p % of the quote balance; a sell sells p % of the base, valued at the price.
      const v = side === 'BUY' ? (free !== null ? (free * p) / 100 : null) : free !== null && pricedAt !== undefined ? (free * p * pricedAt) / 100 : null;
      if (v !== null && v > 0) setQuantity(v.toFixed(decimalsOf(instrument.tickSize)));
      return;
    }
    const q = sizeForPercent(p, side, free, pricedAt, instrument, feeBps);
    if (q !== null) setQuantity(q);
  };
  return (
    <section className="panel" data-testid="order-ticket">
      <h2>Order ticket {instrument ? <span className="ticket-symbol" data-testid="ticket-symbol">{instrument.symbol}</span> : null}</h2>
      <form onSubmit={(e) => void submit(e)} className="ticket">
        <div className="seg">
          <button type="button" className={side === 'BUY' ? 'buy active' : 'buy'} onClick={() => setSide('BUY')} data-testid="side-buy">Buy</button>
          <button type="button" className={side === 'SELL' ? 'sell active' : 'sell'} onClick={() => setSide('SELL')} data-testid="side-sell">Sell</button>
        </div>
        <label>Type
          <select value={type} onChange={(e) => setType(e.target.value as Type)} data-testid="order-type">
            <option value="MARKET">Market</option>
            <option value="LIMIT">Limit</option>
            <option value="STOP_MARKET">Stop</option>
            <option value="STOP_LIMIT">Stop limit</option>
          </select>
        </label>
        {/* The label names the amount input alone: the unit switch is a group with its own name. */}
        <div className="ticket-field">
          <label htmlFor={quantityId}>Quantity</label>
          {instrument ? (
            <span className="seg units" role="group" aria-label="Quantity unit">
              <button type="button" className={inQuote ? '' : 'active'} onClick={() => setInQuote(false)} data-testid="units-base">{instrument.base}</button>
              <button type="button" className={inQuote ? 'active' : ''} onClick={() => setInQuote(true)} data-testid="units-quote">{instrument.quote}</button>
            </span>
          ) : null}
          <input id={quantityId} value={quantity} onChange={(e) => setQuantity(e.target.value)} inputMode="decimal" data-testid="quantity" />
          {inQuote && instrument ? (
            <span className="muted" data-testid="quote-conversion">
              {baseQty === null ? `less than one lot (${instrument.lotSize} ${instrument.base})` : `≈ ${baseQty} ${instrument.base} at ${refPrice === undefined ? '—' : fmtPrice(refPrice, instrument)}${spends ? ` · spends ${quantity.trim()} ${instrument.quote} fee included, sized at the fill` : ''}`}
            </span>
          ) : null}
        </div>
        {instrument ? (
          <div className="ticket-balance">
            <span className="muted">Available</span>{' '}
            <b data-testid="ticket-available">{free === null ? '—' : side === 'BUY' ? fmt(free, 2) : fmtAmount(free, instrument)}</b> {payCurrency}
          </div>
        ) : null}
        <span className="pct-row">
          <input type="range" min={0} max={100} step={1} value={pct} onChange={(e) => choosePct(Number(e.target.value))} disabled={!instrument || free === null || free <= 0} aria-label="Size by % of balance" data-testid="size-pct" aria-valuetext={`${pct} %`} />
          <span className="pct-val" data-testid="size-pct-value">{pct}%</span>
        </span>
        {needsTrigger ? (
          <label>Trigger price<input value={trigger} onChange={(e) => setTrigger(e.target.value)} inputMode="decimal" data-testid="trigger-price" /></label>
        ) : null}
        {needsPrice ? (
          <label>Limit price<input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" data-testid="limit-price" /></label>
        ) : null}
        <label className="inline-field">Time in force
          <select value={tif} onChange={(e) => setTif(e.target.value as Tif | '')} data-testid="tif">
            <option value="">Default</option>
            <option value="GTC">GTC</option>
            <option value="IOC">IOC</option>
            <option value="FOK">FOK</option>
          </select>
        </label>
        <div className="checks">
          <label className="check"><input type="checkbox" checked={postOnly} disabled={type !== 'LIMIT'} onChange={(e) => setPostOnly(e.target.checked)} />Post-only</label>
          <label className="check"><input type="checkbox" checked={reduceOnly} onChange={(e) => setReduceOnly(e.target.checked)} data-testid="reduce-only" />Reduce-only</label>
        </div>
        <div className="ticket-estimate muted" data-testid="ticket-estimate">
          Cost ≈ <b data-testid="ticket-cost">{cost === null ? '—' : fmt(cost, 2)}</b> {instrument?.quote ?? ''}
          {' · '}
          {feeBps === undefined ? (
            <span data-testid="ticket-fee" title="the venue's fee rate is not known here">fee unknown</span>
          ) : (
            <>fee ≈ <b data-testid="ticket-fee">{fee === null ? '—' : fmt(fee, 2)}</b> ({feeBps} bps taker)</>
          )}
        </div>
        <button type="submit" className={side === 'BUY' ? 'submit buy' : 'submit sell'} disabled={busy || !instrument} data-testid="submit-order">
          {spends ? `Buy for ${quantity.trim()} ${instrument?.quote ?? ''}` : `${side === 'BUY' ? 'Buy' : 'Sell'} ${inQuote ? (baseQty ?? '…') : quantity} ${instrument?.base ?? ''}`}
        </button>
        {status ? <TicketStatus answer={status} /> : null}
      </form>
    </section>
  );
}

/** The toast's title for a ticket: "Buy 0.5 BTC limit 600.00". */
export function ticketLabel(t: Ticket, inst: InstrumentView): string {
  const side = t.side === 'BUY' ? 'Buy' : 'Sell';
  const size = t.quoteQuantity !== undefined ? `for ${t.quoteQuantity} ${inst.quote}` : `${t.quantity} ${inst.base}`;
  const kind = t.type.toLowerCase().replace('_', ' ');
  const px = t.price !== undefined ? ` ${t.price}` : '';
  const trig = t.triggerPrice !== undefined ? ` trigger ${t.triggerPrice}` : '';
  return `${side} ${size} ${inst.symbol} ${kind}${px}${trig}${t.reduceOnly ? ' reduce-only' : ''}`;
}
