/**
 * Paper replay: the first-run experience. A paper account trades on a market replay of recorded
 * bars — the same TradingNode and simulated venue as backtests, but the replay is paced in real
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
import { TradingNode } from '../engine/trading-node';
import { SimulatedVenue } from '../venues/simulated/simulated-venue';

export interface PaperReplayOptions {
  readonly instrument: Instrument;
  /** All bars of the replay, in time order (the sample is small; big data comes from the store). */
  readonly bars: readonly Bar[];
  readonly timeframeMs: number;
  /** Bars released before the session starts, as history (default 300). */
  readonly warmupBars?: number;
  /** Bars per second released by the pump (default 2). */
  readonly speed?: number;
  readonly capital: number;
  readonly takerFeeBps?: number;
  readonly makerFeeBps?: number;
  readonly slippageBps?: number;
  readonly risk: RiskGate;
  /** Real time and scheduling, from the host (the engine never reads the wall clock). */
  readonly time: TimeSource;
}

export class PaperReplaySession {
  readonly node: TradingNode;
  readonly instrument: Instrument;
  readonly timeframe: string;
  readonly venue: SimulatedVenue;
  private readonly clock: SimulatedClock;
  private next: number;
  private speed: number;
  private cancelTimer: (() => void) | null = null;
  private running = false;

  constructor(private readonly opts: PaperReplayOptions) {
    if (opts.bars.length < 2) throw new Error('paper replay needs at least two bars');
    this.instrument = opts.instrument;
    this.timeframe = formatTimeframe(opts.timeframeMs);
    this.clock = new SimulatedClock(0);
    const takerFeeBps = opts.takerFeeBps ?? 10;
    this.node = new TradingNode({
      clock: this.clock,
      risk: opts.risk,
      accountCurrency: opts.instrument.quote,
      balances: { [opts.instrument.quote]: opts.capital },
      idPrefix: 'P-',
      takerFeeRate: () => takerFeeBps / 10_000,
    });
    this.venue = new SimulatedVenue(
      {
        venue: opts.instrument.venue,
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
    this.node.addInstrument(opts.instrument);
    this.venue.addInstrument(opts.instrument);
    this.node.addVenue(this.venue);
    this.speed = opts.speed ?? 2;
    this.next = 0;
    const warm = Math.min(opts.warmupBars ?? 300, opts.bars.length - 1);
    for (let i = 0; i < warm; i++) this.release();
  }

  /** Bars released so far (the chart's history). */
  history(): readonly Bar[] {
    return this.opts.bars.slice(0, this.next);
  }

  /** Released bars with open time < `before`, the last `limit` of them (history paging). */
  historyBefore(before: number, limit: number): readonly Bar[] {
    let hi = this.next;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.opts.bars[mid] as Bar).openTime < before) lo = mid + 1;
      else hi = mid;
    }
    return this.opts.bars.slice(Math.max(0, lo - limit), lo);
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
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** Releases one bar now: advance the clock to its close, mark, publish. */
  release(): Bar | null {
    if (this.next >= this.opts.bars.length) return null;
    const bar = this.opts.bars[this.next] as Bar;
    this.next++;
    this.clock.advanceTo(bar.ts);
    this.node.markPrice(bar.instrumentId, bar.close);
    this.node.bus.publish(Topics.bars(bar.instrumentId, this.timeframe), bar);
    this.node.updateEquity(bar.ts);
    return bar;
  }

  private schedule(): void {
    this.cancelTimer = this.opts.time.schedule(1000 / this.speed, () => {
      if (!this.running) return;
      if (this.release() === null) {
        this.running = false;
        return;
      }
      this.schedule();
    });
  }
}
