/**
 * The engine's cache: the current state of instruments, orders and last prices, read by
 * strategies and the UI. Written only by the engine components that own each piece.
 */
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import { isOpen, isTerminal } from '../../../shared/domain/order';
import type { Order } from '../../../shared/domain/order';
import { PriceMap } from './price-map';
import type { PriceCell } from './price-map';

export class Cache {
  private readonly instruments = new Map<InstrumentId, Instrument>();
  private readonly orders = new Map<string, Order>();
  private readonly open = new Set<string>();
  private readonly lastPrices = new PriceMap();

  /**
   * `keepClosed: false` (backtests) forgets an order once it is closed, so a long run holds only
   * its working orders; live and paper keep every order for the blotter.
   */
  constructor(private readonly options: { readonly keepClosed?: boolean } = {}) {}

  /** Whether closed orders stay readable (`order`, `allOrders`) after they close. */
  get keepsClosed(): boolean {
    return this.options.keepClosed !== false;
  }

  addInstrument(instrument: Instrument): void {
    this.instruments.set(instrument.id, instrument);
  }

  instrument(id: InstrumentId): Instrument | undefined {
    return this.instruments.get(id);
  }

  requireInstrument(id: InstrumentId): Instrument {
    const inst = this.instruments.get(id);
    if (!inst) throw new Error(`unknown instrument ${id}`);
    return inst;
  }

  allInstruments(): Instrument[] {
    return [...this.instruments.values()];
  }

  putOrder(order: Order): void {
    if (isOpen(order.status)) this.open.add(order.clientOrderId);
    else this.open.delete(order.clientOrderId);
    if (this.options.keepClosed === false && isTerminal(order.status)) this.orders.delete(order.clientOrderId);
    else this.orders.set(order.clientOrderId, order);
  }

  order(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId);
  }

  openOrders(filter?: { instrumentId?: InstrumentId; strategyId?: string }): Order[] {
    const out: Order[] = [];
    for (const id of this.open) {
      const o = this.orders.get(id);
      if (!o) continue;
      if (filter?.instrumentId !== undefined && o.instrumentId !== filter.instrumentId) continue;
      if (filter?.strategyId !== undefined && o.strategyId !== filter.strategyId) continue;
      out.push(o);
    }
    return out;
  }

  allOrders(): Order[] {
    return [...this.orders.values()];
  }

  setLastPrice(id: InstrumentId, price: number): void {
    this.lastPrices.set(id, price);
  }

  /** The cell of an instrument's last price: writing `.v` is `setLastPrice` (per-event paths, see PriceMap). */
  lastPriceCell(id: InstrumentId): PriceCell {
    return this.lastPrices.cell(id);
  }

  lastPrice(id: InstrumentId): number | undefined {
    return this.lastPrices.get(id);
  }
}
