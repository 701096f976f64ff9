/**
 * Paper replay: the first-run experience. A paper account trades on a market replay of recorded
 * bars of one or several instruments (merged in time order, one simulated venue) — the same TradingNode and simulated venue as backtests, but the replay is paced in real
 * time (`speed` bars per second) so the UI is alive: prices move, orders fill, PnL changes.
 *
 * Simulated time follows the data (the clock is at the close of the last released bar), so an
 * order placed from the UI arrives at the venue after that bar and fills on the next one —
 * exactly the backtest's rules.
 */
import type { Instrument } from '../../shared/domain/instrument';
import type { Bar } from '../../shared/messages/market-data';
import { formatTimeframe } from '../../shared/messages/market-data';
import { Topics } from '../engine/bus/topics';
import { SimulatedClock } from '../engine/clock/clock';
import type { TimeSource } from '../engine/clock/clock';
import type { RiskGate } from '../engine/risk/risk-gate';
import type { SessionVenueState, TradingSession } from '../engine/session';
import { TradingNode } from '../engine/trading-node';
import { SimulatedVenue } from '../venues/simulated/simulated-venue';
import type { BookRecording } from './recorded-book';
import { RecordedBookLoop } from './recorded-book';

/** One instrument of the replay and all its bars, in time order. */
export interface PaperReplayFeed {
  readonly instrument: Instrument;
  readonly bars: readonly Bar[];
}

export interface PaperReplayOptions {
  /**
   * The instruments of the replay (same venue and quote currency: one paper account, one
   * simulated venue). Their bars are merged in time order: each step releases the next bar time
   * for every instrument that has a bar then.
   */
  readonly feeds?: readonly PaperReplayFeed[];
  /** One instrument (the former API): same as `feeds: [{ instrument, bars }]`. */
  readonly instrument?: Instrument;
  /** All bars of `instrument`, in time order (the sample is small; big data comes from the store). */
  readonly bars?: readonly Bar[];
  readonly timeframeMs: number;
  /** Steps (bar times) released before the session starts, as history (default 300). */
  readonly warmupBars?: number;
  /** Steps (bar times) per second released by the pump (default 2). */
  readonly speed?: number;
  readonly capital: number;
  readonly takerFeeBps?: number;
  readonly makerFeeBps?: number;
  readonly slippageBps?: number;
  readonly risk: RiskGate;
  /** Real time and scheduling, from the host (the engine never reads the wall clock). */
  readonly time: TimeSource;
  /**
   * Recorded L2 books + trades, by symbol, looped while the replay runs (scaled to each
   * instrument's last close; see recorded-book.ts) so the book and tape panels are alive.
   */
  readonly books?: readonly BookRecording[];
}

interface Track {
  readonly instrument: Instrument;
  readonly bars: readonly Bar[];
  /** Bars released so far. */
  next: number;
}

export class PaperReplaySession implements TradingSession {
  readonly kind = 'replay' as const;
  readonly label = 'paper replay';
  /** The replay records nothing: its bars are already on disk. */
  readonly recording = false;
  readonly marksFromTrades = false;
  readonly node: TradingNode;
  /** The first instrument (the default of `history()` and friends). */
  readonly instrument: Instrument;
  /** Every instrument of the replay, in index order. */
  readonly instruments: readonly Instrument[];
  readonly timeframe: string;
  readonly timeframeMs: number;
  readonly venue: SimulatedVenue;
  private readonly clock: SimulatedClock;
  private readonly tracks = new Map<string, Track>();
  /** Every distinct bar open time of all feeds, ascending: one pump step each. */
  private readonly steps: number[];
  private step = 0;
  private speed: number;
  private cancelTimer: (() => void) | null = null;
  private running = false;
  /** The recorded books looped beside the bars, one per instrument that has one. */
  readonly bookLoops: readonly RecordedBookLoop[];
  /** Real time of the last step (the book's times are interpolated inside the bar). */
  private stepRealAt = 0;

  constructor(private readonly opts: PaperReplayOptions) {
    const feeds = opts.feeds ?? (opts.instrument && opts.bars ? [{ instrument: opts.instrument, bars: opts.bars }] : []);
    if (feeds.length === 0) throw new Error('paper replay needs at least one instrument and its bars');
    const first = (feeds[0] as PaperReplayFeed).instrument;
    for (const f of feeds) {
      if (f.instrument.venue !== first.venue) throw new Error(`paper replay instruments must share one venue: ${f.instrument.id} is not on ${first.venue}`);
      if (f.instrument.quote !== first.quote) throw new Error(`paper replay instruments must share one quote currency (one account): ${f.instrument.id} is not quoted in ${first.quote}`);
      if (this.tracks.has(f.instrument.id)) throw new Error(`paper replay lists ${f.instrument.id} twice`);
      for (let i = 0; i < f.bars.length; i++) {
        const b = f.bars[i] as Bar;
        if (b.instrumentId !== f.instrument.id || b.timeframeMs !== opts.timeframeMs) throw new Error(`bar ${i} of ${f.instrument.id} is not a ${opts.timeframeMs} ms bar of that instrument`);
        if (i > 0 && b.openTime <= (f.bars[i - 1] as Bar).openTime) throw new Error(`bars of ${f.instrument.id} are not in time order at ${i}`);
      }
      this.tracks.set(f.instrument.id, { instrument: f.instrument, bars: f.bars, next: 0 });
    }
    this.steps = [...new Set(feeds.flatMap((f) => f.bars.map((b) => b.openTime)))].sort((a, b) => a - b);
    if (this.steps.length < 2) throw new Error('paper replay needs at least two bars');
    this.instrument = first;
    this.instruments = feeds.map((f) => f.instrument);
    this.timeframeMs = opts.timeframeMs;
    this.timeframe = formatTimeframe(opts.timeframeMs);
    this.clock = new SimulatedClock(0);
    const takerFeeBps = opts.takerFeeBps ?? 10;
    this.node = new TradingNode({
      clock: this.clock,
      risk: opts.risk,
      accountCurrency: first.quote,
      balances: { [first.quote]: opts.capital },
      idPrefix: 'P-',
      takerFeeRate: () => takerFeeBps / 10_000,
    });
    this.venue = new SimulatedVenue(
      {
        venue: first.venue,
        fillModel: 'bar',
        makerFeeBps: opts.makerFeeBps ?? takerFeeBps,
        takerFeeBps,
        slippageBps: opts.slippageBps ?? 0,
        latencyMs: 0,
        timeframe: this.timeframe,
      },
      this.clock,
      this.node.bus,
      { free: (c) => this.node.portfolio.balanceValue(c), position: (id) => this.node.portfolio.netPosition(id) },
    );
    for (const inst of this.instruments) {
      this.node.addInstrument(inst);
      this.venue.addInstrument(inst);
    }
    this.node.addVenue(this.venue);
    this.speed = opts.speed ?? 2;
    const warm = Math.min(opts.warmupBars ?? 300, this.steps.length - 1);
    for (let i = 0; i < warm; i++) this.releaseStep();
    this.bookLoops = (opts.books ?? []).flatMap((recording) => {
      const inst = this.instruments.find((i) => i.symbol.toUpperCase() === recording.symbol.toUpperCase());
      if (!inst) return [];
      return [
        new RecordedBookLoop({
          recording,
          instrument: inst,
          bus: this.node.bus,
          time: opts.time,
          anchor: () => this.lastBar(inst.id)?.close,
          simTime: () => this.simTimeNow(),
        }),
      ];
    });
  }

  /**
   * Simulated time between steps: the last step's time plus the real time since, at the replay's
   * pace (one bar per 1/speed s), never reaching the next step.
   */
  private simTimeNow(): number {
    const base = this.clock.now();
    if (!this.running) return base;
    const frac = Math.min(0.999, Math.max(0, ((this.opts.time.now() - this.stepRealAt) * this.speed) / 1000));
    return base + Math.floor(frac * this.timeframeMs);
  }

  private track(instrumentId: string): Track {
    const t = this.tracks.get(instrumentId);
    if (!t) throw new RangeError(`${instrumentId} is not part of this paper replay`);
    return t;
  }

  /** Whether `instrumentId` is one of the replay's instruments. */
  has(instrumentId: string): boolean {
    return this.tracks.has(instrumentId);
  }

  /** Bars of one instrument (default: the first) released so far (the chart's history). */
  history(instrumentId: string = this.instrument.id): readonly Bar[] {
    const t = this.track(instrumentId);
    return t.bars.slice(0, t.next);
  }

  /** Released bars of one instrument (default: the first) with open time < `before`, the last `limit` of them (history paging). */
  historyBefore(before: number, limit: number, instrumentId: string = this.instrument.id): readonly Bar[] {
    const t = this.track(instrumentId);
    let hi = t.next;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((t.bars[mid] as Bar).openTime < before) lo = mid + 1;
      else hi = mid;
    }
    return t.bars.slice(Math.max(0, lo - limit), lo);
  }

  /** The last released bar of one instrument (default: the first), if any. */
  lastBar(instrumentId: string = this.instrument.id): Bar | undefined {
    const t = this.track(instrumentId);
    return t.next > 0 ? t.bars[t.next - 1] : undefined;
  }

  /** One simulated venue, always connected. */
  venueStates(): readonly SessionVenueState[] {
    return [{ venue: this.instrument.venue, mode: 'replay', state: 'CONNECTED', reason: null, ts: this.node.clock.now() }];
  }

  onVenueState(_listener: (state: SessionVenueState) => void): () => void {
    return () => undefined;
  }

  get currentSpeed(): number {
    return this.speed;
  }

  get isRunning(): boolean {
    return this.running;
  }

  setSpeed(barsPerSecond: number): void {
    if (!(barsPerSecond > 0 && barsPerSecond <= 1000)) throw new RangeError(`speed must be in (0, 1000] bars/s, got ${barsPerSecond}`);
    this.speed = barsPerSecond;
    if (this.running) {
      this.cancelTimer?.();
      this.schedule();
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stepRealAt = this.opts.time.now();
    this.schedule();
    for (const l of this.bookLoops) l.start();
  }

  stop(): void {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    for (const l of this.bookLoops) l.stop();
  }

  /**
   * Releases the next bar time: for every instrument with a bar then, in index order, advance
   * the clock to its close, mark and publish; then update equity once. Returns the bars
   * released (empty when the replay is over).
   */
  releaseStep(): readonly Bar[] {
    if (this.step >= this.steps.length) return [];
    const time = this.steps[this.step++] as number;
    const released: Bar[] = [];
    for (const t of this.tracks.values()) {
      const bar = t.bars[t.next];
      if (!bar || bar.openTime !== time) continue;
      t.next++;
      released.push(bar);
    }
    const ts = Math.max(...released.map((b) => b.ts));
    this.clock.advanceTo(ts);
    for (const bar of released) this.node.markPrice(bar.instrumentId, bar.close);
    for (const bar of released) this.node.bus.publish(Topics.bars(bar.instrumentId, this.timeframe), bar);
    this.node.updateEquity(ts);
    this.stepRealAt = this.opts.time.now();
    return released;
  }

  /** Releases the next bar time (see releaseStep); returns the first bar released, null when the replay is over. */
  release(): Bar | null {
    return this.releaseStep()[0] ?? null;
  }

  private schedule(): void {
    this.cancelTimer = this.opts.time.schedule(1000 / this.speed, () => {
      if (!this.running) return;
      if (this.releaseStep().length === 0) {
        this.stop();
        return;
      }
      this.schedule();
    });
  }
}
