/**
 * LiveSession: a `libra run` session (paper and/or live CCXT venues) seen as a TradingSession, so
 * the app and `libra serve --config` project it exactly as they project the first-run replay.
 *
 * It keeps, per instrument, the closed 1-minute bars: the venue's recent history (fetched once
 * at start) then every bar the data client publishes — charts page through these. It tracks each
 * venue's connection state from the execution client's status (DISCONNECTED is shown as
 * RECONNECTING: the client is backing off and will reconnect and reconcile by itself).
 *
 * Marks: every trade marks the cache and the portfolio. The gate's equity (drawdown and daily-loss
 * halts) is fed in one place, `startEquityFeed` in build.ts (venue balances at their marks, once
 * the venues have reconciled), wired by run-session.ts.
 */
import type { Instrument } from '../../../shared/domain/instrument';
import type { Bar, TradeTick } from '../../../shared/messages/market-data';
import { formatTimeframe } from '../../../shared/messages/market-data';
import { Topics } from '../../engine/bus/topics';
import type { ConfiguredStrategy, SessionNode, SessionVenueState, TradingSession, VenueConnectionState } from '../../engine/session';
import type { LiveCore } from './build';
import type { VenueStatusKind } from './ccxt-execution-client';

/** Closed bars kept per instrument (a day of minutes, and some). */
const MAX_BARS = 2_000;

export function connectionStateOf(kind: VenueStatusKind): VenueConnectionState {
  return kind === 'DISCONNECTED' ? 'RECONNECTING' : kind;
}

export class LiveSession implements TradingSession {
  readonly kind = 'run' as const;
  readonly marksFromTrades = true;
  readonly currentSpeed = 0;
  readonly isRunning = true;
  readonly node: SessionNode;
  private readonly list: Instrument[] = [];
  private readonly bars = new Map<string, Bar[]>();
  private readonly states = new Map<string, SessionVenueState>();
  private readonly listeners = new Set<(s: SessionVenueState) => void>();
  private readonly disposers: (() => void)[] = [];
  private readonly started: ConfiguredStrategy[] = [];

  constructor(
    private readonly core: LiveCore,
    instruments: readonly Instrument[],
    readonly label: string,
    readonly recording: boolean,
    readonly timeframe: string = formatTimeframe(60_000),
  ) {
    this.node = { bus: core.bus, cache: core.cache, portfolio: core.portfolio, execution: core.execution, strategies: core.host, clock: core.clock, risk: core.risk };
    for (const inst of instruments) this.addInstrument(inst);
  }

  get instruments(): readonly Instrument[] {
    return this.list;
  }

  /** The first instrument (the default of `history()` and the strategies panel). */
  get instrument(): Instrument {
    const first = this.list[0];
    if (!first) throw new Error('this session has no instrument yet');
    return first;
  }

  /** Adds an instrument of a venue that just attached (the session starts venue by venue). */
  addInstrument(inst: Instrument): void {
    if (this.bars.has(inst.id)) return;
    this.list.push(inst);
    this.bars.set(inst.id, []);
    this.disposers.push(this.core.bus.subscribe(Topics.bars(inst.id, this.timeframe), (bar) => this.addBar(bar)));
    this.disposers.push(this.core.bus.subscribe(Topics.trades(inst.id), (t) => this.mark(t)));
  }

  /** Adds the venue's recent bars (oldest first) before any live bar of the same instrument. */
  seedHistory(instrumentId: string, bars: readonly Bar[]): void {
    const list = this.bars.get(instrumentId);
    if (!list) return;
    const firstLive = list[0]?.openTime ?? Number.POSITIVE_INFINITY;
    const older = bars.filter((b) => b.openTime < firstLive && b.ts <= this.core.clock.now());
    list.unshift(...older);
    if (list.length > MAX_BARS) list.splice(0, list.length - MAX_BARS);
  }

  /** Records a venue's state (the execution client's status, or CONNECTED for a paper venue once its data flows). */
  setVenueState(venue: string, mode: 'paper' | 'live', state: VenueConnectionState, reason: string | null, ts: number): void {
    const s: SessionVenueState = { venue, mode, state, reason, ts };
    this.states.set(venue, s);
    for (const l of this.listeners) l(s);
  }

  /** Records a strategy the session started from its config. */
  addConfiguredStrategy(s: ConfiguredStrategy): void {
    this.started.push(s);
  }

  configuredStrategies(): readonly ConfiguredStrategy[] {
    return [...this.started];
  }

  venueStates(): readonly SessionVenueState[] {
    return [...this.states.values()];
  }

  onVenueState(listener: (state: SessionVenueState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  has(instrumentId: string): boolean {
    return this.bars.has(instrumentId);
  }

  history(instrumentId: string = this.instrument.id): readonly Bar[] {
    return this.bars.get(instrumentId) ?? [];
  }

  historyBefore(before: number, limit: number, instrumentId: string = this.instrument.id): readonly Bar[] {
    const list = this.bars.get(instrumentId) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as Bar).openTime < before) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(Math.max(0, lo - limit), lo);
  }

  setSpeed(): void {
    throw new RangeError('a live session has no replay speed');
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.listeners.clear();
  }

  private addBar(bar: Bar): void {
    const list = this.bars.get(bar.instrumentId);
    if (!list) return;
    const last = list.at(-1);
    if (last && bar.openTime <= last.openTime) return;
    list.push(bar);
    if (list.length > MAX_BARS) list.shift();
  }

  /** The session's one mark per trade (cache and portfolio); the equity feed reads them (build.ts startEquityFeed). */
  private mark(t: TradeTick): void {
    const { cache, portfolio } = this.core;
    cache.setLastPrice(t.instrumentId, t.price);
    portfolio.mark(t.instrumentId, t.price);
  }
}
