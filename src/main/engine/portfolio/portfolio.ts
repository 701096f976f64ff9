/**
 * Portfolio: balances per account (venue) and currency, positions per (strategy, instrument), realized and
 * unrealized PnL, fees. Every amount that accrues is a fixed-point raw integer; floats are used
 * only for average prices (an average is not on the tick grid) and for valuation output.
 *
 * Accounting: spot instruments move cash (quote −cost −fee, base +qty on a buy); perpetuals and
 * futures move only realized PnL and fees into the quote balance (margin accounting).
 * Realized PnL is gross; fees are tracked separately, so net = realized − fees.
 *
 * Locked funds: working orders lock what they may spend (`setLocked`, kept by BalanceLocks in the
 * execution engine, per venue). Locks are kept apart from totals, so replacing a total with the venue's
 * (reconciliation) keeps the locks of the orders still working; free = total − locked.
 *
 * Accounts: each venue of a session opens its own account (`openAccount`, done when the venue
 * attaches), so two venues keep their own balances and locks; a fill moves the account of its
 * instrument's venue. Balances set without a venue (backtests, one-venue replays) live in the
 * shared account, which serves every venue without its own. Positions stay per (strategy,
 * instrument) — instrument ids carry the venue. Equity sums every account in the account currency.
 */
import { mulRaw, pow10, rescale } from '../../../shared/domain/fixed';
import type { Instrument, InstrumentId } from '../../../shared/domain/instrument';
import type { Fill } from '../../../shared/domain/order';
import type { Balance, Position } from '../../../shared/domain/position';
import { PriceMap } from '../cache/price-map';
import type { PriceCell } from '../cache/price-map';

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
  /** The instrument, held so equity() needs no look-up per bar (kept current by registerInstrument). */
  inst: Instrument;
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

/** The account of balances set without a venue (backtests, the first-run replay): serves every venue without its own. */
export const SHARED_ACCOUNT = '';

interface Account {
  readonly balances: Map<string, MutableBalance>;
  /** Locked amount per currency, raw at the balance's precision. */
  readonly locks: Map<string, number>;
}

export class Portfolio {
  private readonly positions = new Map<string, MutablePosition>();
  private readonly byInstrument = new Map<InstrumentId, MutablePosition[]>();
  /** Balances per account: one per venue that has its own (`openAccount`), plus the shared one. */
  private readonly accounts = new Map<string, Account>([[SHARED_ACCOUNT, newAccount()]]);
  /** The accounts and positions again as arrays: equity() walks them on every bar without an iterator. */
  private readonly accountList: Account[] = [...this.accounts.values()];
  private readonly positionList: MutablePosition[] = [];
  private readonly instruments = new Map<InstrumentId, Instrument>();
  private readonly marks = new PriceMap();
  private feesByCurrency = new Map<string, number>();
  /** Bumped by every change of a balance's total or of the accounts: equity()'s cash part is then recomputed. */
  private balanceVersion = 0;
  private cashVersion = -1;
  private cash = 0;
  private netId: InstrumentId | undefined = undefined;
  private readSid: string | undefined = undefined;
  private readIid: InstrumentId | undefined = undefined;
  private readPos: MutablePosition | undefined = undefined;
  private netList: MutablePosition[] | undefined = undefined;

  constructor(readonly accountCurrency: string, private readonly defaultPrecision = 8) {}

  registerInstrument(inst: Instrument): void {
    this.instruments.set(inst.id, inst);
    for (const p of this.byInstrument.get(inst.id) ?? []) p.inst = inst;
  }

  /**
   * Gives a venue its own account: from now on its fills, locks and balance snapshots move only
   * it. Call before the venue's first fill (a live venue: before its journal is replayed).
   */
  openAccount(venue: string): void {
    if (venue === SHARED_ACCOUNT) throw new Error('portfolio: an account needs a venue name');
    if (!this.accounts.has(venue)) {
      const a = newAccount();
      this.accounts.set(venue, a);
      this.accountList.push(a);
      this.balanceVersion++;
    }
  }

  /** Account names with their own balances (venues), in the order they were opened; the shared account is "". */
  accountNames(): string[] {
    return [...this.accounts.keys()];
  }

  /** The account a venue's money lives in: its own when opened, else the shared one. */
  accountOf(venue: string | undefined): string {
    return venue !== undefined && this.accounts.has(venue) ? venue : SHARED_ACCOUNT;
  }

  /** Sets a balance (deposit/initial capital or venue snapshot); `account` opens that venue's account. */
  setBalance(currency: string, amount: number, options: { readonly precision?: number; readonly account?: string } = {}): void {
    const precision = options.precision ?? this.defaultPrecision;
    if (options.account !== undefined && options.account !== SHARED_ACCOUNT) this.openAccount(options.account);
    const totalRaw = Math.round(amount * pow10(precision));
    this.acct(options.account).balances.set(currency, { currency, totalRaw, lockedRaw: 0, precision });
    this.balanceVersion++;
  }

  /** Sets the amount (decimal) locked in `currency` of a venue's account by working orders; rounded up to the balance's precision. */
  setLocked(currency: string, amount: number, venue?: string): void {
    const a = this.acct(venue);
    const raw = amount > 0 ? Math.ceil(amount * pow10(precisionIn(a, currency, this.defaultPrecision)) - 1e-9) : 0;
    if (raw > 0) a.locks.set(currency, raw);
    else a.locks.delete(currency);
  }

  /**
   * Decimal total minus what working orders lock (may be negative if the venue's total shrank),
   * in a venue's account, or summed over every account when no venue is named.
   */
  freeValue(currency: string, venue?: string): number {
    return this.sum(venue, (a) => ((a.balances.get(currency)?.totalRaw ?? 0) - (a.locks.get(currency) ?? 0)) / pow10(precisionIn(a, currency, this.defaultPrecision)));
  }

  /** A venue's balance of a currency, or (no venue) the sum over accounts at the first one's precision. */
  balance(currency: string, venue?: string): Balance | undefined {
    const list = venue === undefined ? [...this.accounts.entries()] : [[this.accountOf(venue), this.acct(venue)] as const];
    let out: Balance | undefined;
    for (const [name, a] of list) {
      const b = a.balances.get(currency);
      if (!b) continue;
      const locked = a.locks.get(currency) ?? 0;
      if (!out) out = { ...b, lockedRaw: locked, account: name };
      else {
        const p = out.precision;
        out = { ...out, totalRaw: out.totalRaw + rescale(b.totalRaw, b.precision, p, 'half-away'), lockedRaw: out.lockedRaw + rescale(locked, b.precision, p, 'ceil') };
      }
    }
    return out;
  }

  /** Decimal total of a currency in a venue's account, or summed over every account when no venue is named. */
  balanceValue(currency: string, venue?: string): number {
    return this.sum(venue, (a) => {
      const b = a.balances.get(currency);
      return b ? b.totalRaw / pow10(b.precision) : 0;
    });
  }

  /** Every balance of every account, each naming its account (the venue, or "" for the shared one). */
  allBalances(): Balance[] {
    const out: Balance[] = [];
    for (const [name, a] of this.accounts) for (const b of a.balances.values()) out.push({ ...b, lockedRaw: a.locks.get(b.currency) ?? 0, account: name });
    return out;
  }

  /** A venue's balances by currency (decimal totals): what reconciliation compares with the venue's. */
  accountTotals(venue: string): Record<string, number> {
    const a = this.acct(venue);
    return Object.fromEntries([...a.balances.values()].map((b) => [b.currency, b.totalRaw / pow10(b.precision)]));
  }

  /** Mark price used for unrealized PnL and equity. */
  mark(instrumentId: InstrumentId, price: number): void {
    this.marks.set(instrumentId, price);
  }

  /** The cell of an instrument's mark: writing `.v` is `mark` (per-event paths, see PriceMap). */
  markCell(instrumentId: InstrumentId): PriceCell {
    return this.marks.cell(instrumentId);
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
    // The position read last is remembered (a strategy asks for its own on every signal): no key
    // string built and hashed then. Positions are never removed, so a remembered one stays valid.
    let p = strategyId === this.readSid && instrumentId === this.readIid ? this.readPos : undefined;
    if (p === undefined) {
      p = this.positions.get(key(strategyId, instrumentId));
      if (!p) return undefined;
      this.readSid = strategyId;
      this.readIid = instrumentId;
      this.readPos = p;
    }
    // Snapshots are immutable: hand out the same one until the position changes.
    return (p.snapshot ??= freeze(p));
  }

  /** Net raw quantity across strategies. */
  netPosition(instrumentId: InstrumentId): number {
    // An instrument's list, once made, stays the same array: the last one read needs no lookup (per bar in a backtest).
    const list = instrumentId === this.netId ? this.netList : this.byInstrument.get(instrumentId);
    if (list === undefined) return 0;
    this.netId = instrumentId;
    this.netList = list;
    let net = 0;
    for (let i = 0; i < list.length; i++) net += (list[i] as MutablePosition).netRaw;
    return net;
  }

  /**
   * The derivative positions of `venue`'s account whose quote is `currency` (linear contracts
   * settle there): their notional at the mark, net across strategies per instrument, and their
   * unrealized PnL. What the margin check of the pre-trade path subtracts from free money.
   */
  derivativeExposure(currency: string, venue: string): { notional: number; unrealized: number } {
    const account = this.accountOf(venue);
    let notional = 0;
    let unrealized = 0;
    for (const inst of this.instruments.values()) {
      if (inst.kind === 'spot' || inst.quote !== currency || this.accountOf(inst.venue) !== account) continue;
      const list = this.byInstrument.get(inst.id);
      if (list === undefined) continue;
      const scale = pow10(inst.sizePrecision);
      let net = 0;
      for (const p of list) {
        if (p.netRaw === 0) continue;
        net += p.netRaw;
        unrealized += ((this.marks.get(inst.id) ?? p.avgEntryPx) - p.avgEntryPx) * (p.netRaw / scale);
      }
      if (net !== 0) notional += Math.abs(net / scale) * (this.marks.get(inst.id) ?? list[0]?.avgEntryPx ?? 0);
    }
    return { notional, unrealized };
  }

  /** Whether `venue`'s account holds any balance (even 0) in `currency`. */
  hasBalance(currency: string, venue: string): boolean {
    return this.acct(venue).balances.has(currency);
  }

  allPositions(): Position[] {
    return [...this.positions.values()].map(freeze);
  }

  openPositions(): Position[] {
    return [...this.positions.values()].filter((p) => p.netRaw !== 0).map(freeze);
  }

  /** Fees paid in a currency over every account (decimal). */
  totalFees(currency: string): number {
    return (this.feesByCurrency.get(currency) ?? 0) / pow10(this.feePrecision(currency));
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
        snapshot: undefined,
        inst,
      };
      this.positions.set(k, p);
      this.positionList.push(p);
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

    // Fees and cash move the account of the instrument's venue.
    const account = this.acct(inst.venue);
    const feeRawInQuote = fill.feeCurrency === inst.quote ? rescale(fill.feeRaw, fill.feePrecision, inst.quotePrecision, 'ceil') : 0;
    p.feesRaw += feeRawInQuote;
    this.feesByCurrency.set(fill.feeCurrency, (this.feesByCurrency.get(fill.feeCurrency) ?? 0) + rescale(fill.feeRaw, fill.feePrecision, this.feePrecision(fill.feeCurrency), 'half-away'));

    // Cash.
    if (inst.kind === 'spot') {
      const costRaw = mulRaw(fill.priceRaw, inst.pricePrecision, fill.quantityRaw, inst.sizePrecision, this.precisionIn(account, inst.quote));
      this.adjust(account, inst.quote, fill.side === 'BUY' ? -costRaw : costRaw);
      this.adjust(account, inst.base, this.toBalancePrecision(account, inst.base, signed, inst.sizePrecision));
    } else if (realizedRaw !== 0) {
      this.adjust(account, inst.quote, this.toBalancePrecision(account, inst.quote, realizedRaw, inst.quotePrecision));
    }
    this.adjust(account, fill.feeCurrency, -this.toBalancePrecision(account, fill.feeCurrency, fill.feeRaw, fill.feePrecision));

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
   * Equity in the account currency: balances of the account currency (summed over accounts) plus, for spot, the value
   * of base holdings at the mark; for derivatives, unrealized PnL. Instruments quoted in another
   * currency are not converted (a single-quote account is assumed; documented limitation).
   */
  equity(): number {
    // Per bar in a backtest, kept small enough to inline (a number returned from a call that is
    // not inlined is a new heap object): the account currency's total over accounts, summed
    // again (sumCash) only when a balance moved, plus the open positions at their marks.
    if (this.cashVersion !== this.balanceVersion) this.sumCash();
    let eq = this.cash;
    const list = this.positionList;
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as MutablePosition;
      if (p.netRaw === 0) continue;
      const inst = p.inst;
      if (inst.quote !== this.accountCurrency) continue;
      const mark = this.marks.get(p.instrumentId) ?? p.avgEntryPx;
      const qty = p.netRaw / pow10(inst.sizePrecision);
      eq += inst.kind === 'spot' ? qty * mark : (mark - p.avgEntryPx) * qty;
    }
    return eq;
  }

  private sumCash(): void {
    let cash = 0;
    for (let i = 0; i < this.accountList.length; i++) {
      const b = (this.accountList[i] as Account).balances.get(this.accountCurrency);
      if (b !== undefined) cash += b.totalRaw / pow10(b.precision);
    }
    this.cash = cash;
    this.cashVersion = this.balanceVersion;
  }


  /**
   * Equity from balances, as a venue account sees it (paper and live): the account currency's
   * total, plus every other currency's total at the mark of a spot instrument trading it against
   * the account currency, plus derivatives' unrealized PnL. Holdings that were on the account
   * before any fill count too (unlike `equity`, which values the strategies' positions).
   * A currency without such an instrument or mark is not counted. Every account is summed; a
   * currency held on two venues is valued at one mark (the first instrument trading it that has one).
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

  /** The account of a venue (its own when opened, else the shared one). */
  private acct(venue: string | undefined): Account {
    return this.accounts.get(this.accountOf(venue)) as Account;
  }

  private sum(venue: string | undefined, value: (a: Account) => number): number {
    if (venue !== undefined) return value(this.acct(venue));
    let total = 0;
    for (const a of this.accounts.values()) total += value(a);
    return total;
  }

  /** Precision fees of a currency are summed at: the first account holding it, else the default. */
  private feePrecision(currency: string): number {
    for (const a of this.accounts.values()) {
      const b = a.balances.get(currency);
      if (b) return b.precision;
    }
    return this.defaultPrecision;
  }

  private precisionIn(account: Account, currency: string): number {
    return precisionIn(account, currency, this.defaultPrecision);
  }

  private toBalancePrecision(account: Account, currency: string, raw: number, precision: number): number {
    return rescale(raw, precision, this.precisionIn(account, currency), 'half-away');
  }

  private adjust(account: Account, currency: string, deltaRaw: number): void {
    let b = account.balances.get(currency);
    if (!b) {
      b = { currency, totalRaw: 0, lockedRaw: 0, precision: this.defaultPrecision };
      account.balances.set(currency, b);
    }
    b.totalRaw += deltaRaw;
    this.balanceVersion++;
  }
}

function newAccount(): Account {
  return { balances: new Map(), locks: new Map() };
}

function precisionIn(account: Account, currency: string, fallback: number): number {
  return account.balances.get(currency)?.precision ?? fallback;
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
