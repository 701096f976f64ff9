/**
 * Trade log: turns fills into round trips (flat → position → flat) per strategy and instrument,
 * for the backtest report. A flip closes one trade and opens the next at the same fill.
 * PnL is net of the fees paid on the entries and exits of that trade.
 */
import type { Instrument, InstrumentId } from '../../shared/domain/instrument';
import type { Fill } from '../../shared/domain/order';

export interface RoundTrip {
  readonly instrumentId: InstrumentId;
  readonly strategyId: string;
  readonly side: 'LONG' | 'SHORT';
  readonly entryTime: number;
  readonly exitTime: number | null;
  /** Largest absolute position held during the trade (decimal). */
  readonly quantity: number;
  readonly entryPrice: number;
  readonly exitPrice: number | null;
  /** Realized PnL net of fees (for an open trade: fees only, marked PnL is in the equity). */
  readonly pnl: number;
  readonly fees: number;
}

interface Open {
  side: 'LONG' | 'SHORT';
  entryTime: number;
  net: number;
  maxQty: number;
  entryQty: number;
  entryValue: number;
  exitQty: number;
  exitValue: number;
  fees: number;
}

export class TradeLog {
  private readonly open = new Map<string, Open>();
  private readonly closed: RoundTrip[] = [];

  constructor(private readonly instrument: (id: InstrumentId) => Instrument) {}

  onFill(fill: Fill): void {
    const inst = this.instrument(fill.instrumentId);
    const key = `${fill.strategyId}|${fill.instrumentId}`;
    const qty = fill.quantityRaw / 10 ** inst.sizePrecision;
    const px = fill.priceRaw / 10 ** inst.pricePrecision;
    const fee = fill.feeCurrency === inst.quote ? fill.feeRaw / 10 ** fill.feePrecision : 0;
    const signed = fill.side === 'BUY' ? qty : -qty;
    let t = this.open.get(key);
    if (!t) {
      t = this.start(signed, fill.ts);
      this.open.set(key, t);
    }
    const adding = t.net === 0 || Math.sign(t.net) === Math.sign(signed);
    if (adding) {
      t.net += signed;
      t.entryQty += qty;
      t.entryValue += qty * px;
      t.fees += fee;
      t.maxQty = Math.max(t.maxQty, Math.abs(t.net));
      return;
    }
    const closing = Math.min(qty, Math.abs(t.net));
    const rest = qty - closing;
    t.exitQty += closing;
    t.exitValue += closing * px;
    t.fees += fee * (closing / qty);
    t.net += Math.sign(signed) * closing;
    if (Math.abs(t.net) < 1e-12) {
      this.closed.push(this.finish(t, fill, key));
      this.open.delete(key);
      if (rest > 1e-12) {
        const n = this.start(Math.sign(signed) * rest, fill.ts);
        n.entryQty = rest;
        n.entryValue = rest * px;
        n.fees = fee * (rest / qty);
        n.maxQty = rest;
        this.open.set(key, n);
      }
    }
  }

  /** Closed round trips, then the still-open ones with exitTime null. */
  trades(): RoundTrip[] {
    const out = [...this.closed];
    for (const [key, t] of this.open) {
      const [strategyId = '', instrumentId = ''] = key.split('|');
      out.push({
        instrumentId,
        strategyId,
        side: t.side,
        entryTime: t.entryTime,
        exitTime: null,
        quantity: t.maxQty,
        entryPrice: t.entryValue / t.entryQty,
        exitPrice: null,
        pnl: -t.fees,
        fees: t.fees,
      });
    }
    return out;
  }

  private start(signed: number, ts: number): Open {
    return { side: signed > 0 ? 'LONG' : 'SHORT', entryTime: ts, net: 0, maxQty: 0, entryQty: 0, entryValue: 0, exitQty: 0, exitValue: 0, fees: 0 };
  }

  private finish(t: Open, fill: Fill, key: string): RoundTrip {
    const [strategyId = '', instrumentId = ''] = key.split('|');
    const entryPrice = t.entryValue / t.entryQty;
    const exitPrice = t.exitValue / t.exitQty;
    const gross = t.side === 'LONG' ? t.exitValue - t.entryValue * (t.exitQty / t.entryQty) : t.entryValue * (t.exitQty / t.entryQty) - t.exitValue;
    return { instrumentId, strategyId, side: t.side, entryTime: t.entryTime, exitTime: fill.ts, quantity: t.maxQty, entryPrice, exitPrice, pnl: gross - t.fees, fees: t.fees };
  }
}
