/**
 * Portfolio: balances per currency, positions per (strategy, instrument), realized and
 * unrealized PnL, fees. Every amount that accrues is a fixed-point raw integer; floats are used
 * only for average prices (an average is not on the tick grid) and for valuation output.
 *
 * Accounting: spot instruments move cash (quote −cost −fee, base +qty on a buy); perpetuals and
 * futures move only realized PnL and fees into the quote balance (margin accounting).
 * Realized PnL is gross; fees are tracked separately, so net = realized − fees.
 *
 * Locked funds: working orders lock what they may spend (`setLocked`, kept by BalanceLocks in the
 * execution engine). Locks are kept apart from totals, so replacing a total with the venue's
 * (reconciliation) keeps the locks of the orders still working; free = total − locked.
 */
import { mulRaw, pow10, rescale } from '../../../shared/domain/fixed';
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { Fill } from '../../../shared/domain/order';
import type { Balance, Position } from '../../../shared/domain/position';

interface MutablePosition {
  instrumentId: InstrumentId;
  strategyId: string;
  netRaw: number;
  avgEntryPx: number;
  /** Cost basis of the open quantity, raw at quote precision. */
  entryCostRaw: number;
  realizedRaw: number;
  feesRaw: number;
  quotePrecision: number;
  openedAt: number | null;
  updatedAt: number;
  snapshot?: Position | undefined;
}

interface MutableBalance {
  currency: string;
  totalRaw: number;
  lockedRaw: number;
  precision: number;
}

export interface PositionChange {
  readonly position: Position;
  readonly kind: 'opened' | 'updated' | 'closed';
  /** Realized PnL of this fill (gross, raw at quote precision). */
  readonly realizedRaw: number;
}

export class InsufficientBalanceError extends Error {
  override readonly name = 'InsufficientBalanceError';
}

export class Portfolio {
  private readonly positions = new Map<string, MutablePosition>();
  private readonly byInstrument = new Map<InstrumentId, MutablePosition[]>();
  private readonly balances = new Map<string, MutableBalance>();
  private readonly instruments = new Map<InstrumentId, Instrument>();
  private readonly marks = new Map<InstrumentId, number>();
  private feesByCurrency = new Map<string, number>();
  /** Locked amount per currency, raw at the balance's precision. */
  private readonly locks = new Map<string, number>();

  constructor(readonly accountCurrency: string, private readonly defaultPrecision = 8) {}

  registerInstrument(inst: Instrument): void {
    this.instruments.set(inst.id, inst);
  }

  /** Sets a balance (deposit/initial capital or venue snapshot). */
  setBalance(currency: string, amount: number, precision = this.defaultPrecision): void {
    const totalRaw = Math.round(amount * pow10(precision));
    this.balances.set(currency, { currency, totalRaw, lockedRaw: 0, precision });
  }

  /** Sets the amount (decimal) locked in `currency` by working orders; rounded up to the balance's precision. */
  setLocked(currency: string, amount: number): void {
    const raw = amount > 0 ? Math.ceil(amount * pow10(this.precisionOf(currency)) - 1e-9) : 0;
    if (raw > 0) this.locks.set(currency, raw);
    else this.locks.delete(currency);
  }

  /** Decimal total minus what working orders lock (may be negative if the venue's total shrank). */
  freeValue(currency: string): number {
    const p = this.precisionOf(currency);
    return ((this.balances.get(currency)?.totalRaw ?? 0) - (this.locks.get(currency) ?? 0)) / pow10(p);
  }

  balance(currency: string): Balance | undefined {
    const b = this.balances.get(currency);
    return b ? { ...b, lockedRaw: this.locks.get(currency) ?? 0 } : undefined;
  }

  balanceValue(currency: string): number {
    const b = this.balances.get(currency);
    return b ? b.totalRaw / pow10(b.precision) : 0;
  }

  allBalances(): Balance[] {
    return [...this.balances.values()].map((b) => ({ ...b, lockedRaw: this.locks.get(b.currency) ?? 0 }));
  }

  /** Mark price used for unrealized PnL and equity. */
  mark(instrumentId: InstrumentId, price: number): void {
    this.marks.set(instrumentId, price);
  }

  markPrice(instrumentId: InstrumentId): number | undefined {
    return this.marks.get(instrumentId);
  }

  /** True once every registered instrument has a mark (equity is then complete). */
  allMarked(): boolean {
    for (const id of this.instruments.keys()) if (!this.marks.has(id)) return false;
    return true;
  }

  position(strategyId: string, instrumentId: InstrumentId): Position | undefined {
    const p = this.positions.get(key(strategyId, instrumentId));
    if (!p) return undefined;
    // Snapshots are immutable: hand out the same one until the position changes.
    return (p.snapshot ??= freeze(p));
  }

  /** Net raw quantity across strategies. */
  netPosition(instrumentId: InstrumentId): number {
    let net = 0;
    for (const p of this.byInstrument.get(instrumentId) ?? []) net += p.netRaw;
    return net;
  }

  allPositions(): Position[] {
    return [...this.positions.values()].map(freeze);
  }

  openPositions(): Position[] {
    return [...this.positions.values()].filter((p) => p.netRaw !== 0).map(freeze);
  }

  totalFees(currency: string): number {
    const b = this.balances.get(currency);
    return (this.feesByCurrency.get(currency) ?? 0) / pow10(b?.precision ?? this.defaultPrecision);
  }

  /** Applies a fill; returns the position change. Throws on an unknown instrument. */
  applyFill(fill: Fill): PositionChange {
    const inst = this.instruments.get(fill.instrumentId);
    if (!inst) throw new Error(`portfolio: unknown instrument ${fill.instrumentId}`);
    const k = key(fill.strategyId, fill.instrumentId);
    let p = this.positions.get(k);
    if (!p) {
      p = {
        instrumentId: fill.instrumentId,
        strategyId: fill.strategyId,
        netRaw: 0,
        avgEntryPx: 0,
        entryCostRaw: 0,
        realizedRaw: 0,
        feesRaw: 0,
        quotePrecision: inst.quotePrecision,
        openedAt: null,
        updatedAt: fill.ts,
      };
      this.positions.set(k, p);
      const list = this.byInstrument.get(fill.instrumentId) ?? [];
      list.push(p);
      this.byInstrument.set(fill.instrumentId, list);
    }
    const signed = fill.side === 'BUY' ? fill.quantityRaw : -fill.quantityRaw;
    const wasFlat = p.netRaw === 0;
    const px = fill.priceRaw / pow10(inst.pricePrecision);
    let realizedRaw = 0;

    const qp = inst.quotePrecision;
    if (p.netRaw === 0 || Math.sign(p.netRaw) === Math.sign(signed)) {
      // Opening or adding: the cost basis grows by this fill's value.
      p.entryCostRaw += mulRaw(fill.priceRaw, inst.pricePrecision, fill.quantityRaw, inst.sizePrecision, qp);
      p.netRaw += signed;
    } else {
      // Reducing, closing or flipping: realize PnL on the closed part against its share of the basis.
      const closing = Math.min(Math.abs(signed), Math.abs(p.netRaw));
      const exitValueRaw = mulRaw(fill.priceRaw, inst.pricePrecision, closing, inst.sizePrecision, qp);
      const basisRaw = closing === Math.abs(p.netRaw) ? p.entryCostRaw : Math.round((p.entryCostRaw * closing) / Math.abs(p.netRaw));
      realizedRaw = p.netRaw > 0 ? exitValueRaw - basisRaw : basisRaw - exitValueRaw;
      p.realizedRaw += realizedRaw;
      p.entryCostRaw -= basisRaw;
      const remaining = Math.abs(signed) - closing;
      p.netRaw += signed;
      if (remaining > 0) {
        // Flipped: the rest opens at this fill's price.
        p.entryCostRaw = mulRaw(fill.priceRaw, inst.pricePrecision, remaining, inst.sizePrecision, qp);
      }
    }
    p.avgEntryPx = p.netRaw === 0 ? 0 : p.entryCostRaw / pow10(qp) / (Math.abs(p.netRaw) / pow10(inst.sizePrecision));

    // Fees.
    const feeRawInQuote = fill.feeCurrency === inst.quote ? rescale(fill.feeRaw, fill.feePrecision, inst.quotePrecision, 'ceil') : 0;
    p.feesRaw += feeRawInQuote;
    this.feesByCurrency.set(fill.feeCurrency, (this.feesByCurrency.get(fill.feeCurrency) ?? 0) + this.toBalancePrecision(fill.feeCurrency, fill.feeRaw, fill.feePrecision));

    // Cash.
    if (inst.kind === 'spot') {
      const costRaw = mulRaw(fill.priceRaw, inst.pricePrecision, fill.quantityRaw, inst.sizePrecision, this.precisionOf(inst.quote));
      this.adjust(inst.quote, fill.side === 'BUY' ? -costRaw : costRaw);
      this.adjust(inst.base, this.toBalancePrecision(inst.base, signed, inst.sizePrecision));
    } else if (realizedRaw !== 0) {
      this.adjust(inst.quote, this.toBalancePrecision(inst.quote, realizedRaw, inst.quotePrecision));
    }
    this.adjust(fill.feeCurrency, -this.toBalancePrecision(fill.feeCurrency, fill.feeRaw, fill.feePrecision));

    p.updatedAt = fill.ts;
    p.snapshot = undefined;
    let kind: PositionChange['kind'] = 'updated';
    if (wasFlat && p.netRaw !== 0) {
      p.openedAt = fill.ts;
      kind = 'opened';
    } else if (p.netRaw === 0) {
      kind = 'closed';
      p.openedAt = null;
    }
    this.marks.set(fill.instrumentId, this.marks.get(fill.instrumentId) ?? px);
    return { position: freeze(p), kind, realizedRaw };
  }

  /** Unrealized PnL (quote currency, decimal) of a position at the current mark. */
  unrealized(strategyId: string, instrumentId: InstrumentId): number {
    const p = this.positions.get(key(strategyId, instrumentId));
    const inst = this.instruments.get(instrumentId);
    const mark = this.marks.get(instrumentId);
    if (!p || !inst || mark === undefined || p.netRaw === 0) return 0;
    return (mark - p.avgEntryPx) * (p.netRaw / pow10(inst.sizePrecision));
  }

  /**
   * Equity in the account currency: balances of the account currency plus, for spot, the value
   * of base holdings at the mark; for derivatives, unrealized PnL. Instruments quoted in another
   * currency are not converted (a single-quote account is assumed; documented limitation).
   */
  equity(): number {
    let eq = this.balanceValue(this.accountCurrency);
    for (const p of this.positions.values()) {
      if (p.netRaw === 0) continue;
      const inst = this.instruments.get(p.instrumentId);
      if (!inst || inst.quote !== this.accountCurrency) continue;
      const mark = this.marks.get(p.instrumentId) ?? p.avgEntryPx;
      const qty = p.netRaw / pow10(inst.sizePrecision);
      eq += inst.kind === 'spot' ? qty * mark : (mark - p.avgEntryPx) * qty;
    }
    return eq;
  }

  /**
   * Equity from balances, as a venue account sees it (paper and live): the account currency's
   * total, plus every other currency's total at the mark of a spot instrument trading it against
   * the account currency, plus derivatives' unrealized PnL. Holdings that were on the account
   * before any fill count too (unlike `equity`, which values the strategies' positions).
   * A currency without such an instrument or mark is not counted.
   */
  balanceEquity(): number {
    let eq = this.balanceValue(this.accountCurrency);
    const valued = new Set<string>([this.accountCurrency]);
    for (const inst of this.instruments.values()) {
      if (inst.quote !== this.accountCurrency) continue;
      const mark = this.marks.get(inst.id);
      if (inst.kind === 'spot') {
        if (valued.has(inst.base) || mark === undefined) continue;
        valued.add(inst.base);
        eq += this.balanceValue(inst.base) * mark;
      } else {
        for (const p of this.byInstrument.get(inst.id) ?? []) {
          if (p.netRaw === 0) continue;
          eq += ((mark ?? p.avgEntryPx) - p.avgEntryPx) * (p.netRaw / pow10(inst.sizePrecision));
        }
      }
    }
    return eq;
  }

  private precisionOf(currency: string): number {
    return this.balances.get(currency)?.precision ?? this.defaultPrecision;
  }

  private toBalancePrecision(currency: string, raw: number, precision: number): number {
    return rescale(raw, precision, this.precisionOf(currency), 'half-away');
  }

  private adjust(currency: string, deltaRaw: number): void {
    let b = this.balances.get(currency);
    if (!b) {
      b = { currency, totalRaw: 0, lockedRaw: 0, precision: this.defaultPrecision };
      this.balances.set(currency, b);
    }
    b.totalRaw += deltaRaw;
  }
}

function key(strategyId: string, instrumentId: InstrumentId): string {
  return `${strategyId}|${instrumentId}`;
}

function freeze(p: MutablePosition): Position {
  return Object.freeze({
    instrumentId: p.instrumentId,
    strategyId: p.strategyId,
    netRaw: p.netRaw,
    avgEntryPx: p.avgEntryPx,
    realizedRaw: p.realizedRaw,
    quotePrecision: p.quotePrecision,
    openedAt: p.openedAt,
    updatedAt: p.updatedAt,
  });
}
