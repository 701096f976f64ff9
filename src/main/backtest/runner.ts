/**
 * The backtest runner: the live engine's components (bus, execution engine, risk gate,
 * portfolio, strategy host) driven by a simulated clock and the simulated venue, over a replay
 * of recorded market data. Backtest, paper and live share this code path; only the clock, the
 * data source and the venue client differ.
 *
 * Per event: advance the clock (arrivals, timers) → mark prices → publish (the venue matches
 * first, then the strategy sees the event) → sample equity (bars; book updates when there are
 * no bars, marked at the mid).
 */
import type { Instrument } from '../../shared/domain/instrument';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';
import { formatTimeframe } from '../../shared/messages/market-data';
import { Topics } from '../engine/bus/topics';
import type { Topic } from '../engine/bus/topics';
import { SimulatedClock } from '../engine/clock/clock';
import { TradingNode } from '../engine/trading-node';
import type { OrderDenied } from '../engine/bus/events';
import type { RiskGate } from '../engine/risk/risk-gate';
import type { StrategyHooks, LogLevel } from '../engine/strategy/strategy';
import type { FillModelKind } from '../venues/simulated/simulated-venue';
import { SimulatedVenue } from '../venues/simulated/simulated-venue';
import { DecimatedCurve, EquityTracker } from './equity-tracker';
import type { EquityStats } from './equity-tracker';
import { replay } from './replay';
import type { MarketEvent } from './replay';
import { TradeLog } from './trade-log';
import type { RoundTrip } from './trade-log';
import { OrderIssueLog } from './order-issues';
import type { OrderIssues } from './report/types';

export interface BarFeedSpec {
  readonly kind: 'bar';
  readonly instrumentId: string;
  readonly timeframeMs: number;
  readonly chunks: AsyncIterable<readonly Bar[]>;
}
export interface TradeFeedSpec {
  readonly kind: 'trade';
  readonly instrumentId: string;
  readonly chunks: AsyncIterable<readonly TradeTick[]>;
}
export interface QuoteFeedSpec {
  readonly kind: 'quote';
  readonly instrumentId: string;
  readonly chunks: AsyncIterable<readonly QuoteTick[]>;
}
export interface BookFeedSpec {
  readonly kind: 'book';
  readonly instrumentId: string;
  readonly chunks: AsyncIterable<readonly BookUpdate[]>;
}
export type FeedSpec = BarFeedSpec | TradeFeedSpec | QuoteFeedSpec | BookFeedSpec;

export interface BacktestSpec {
  readonly instruments: readonly Instrument[];
  readonly feeds: readonly FeedSpec[];
  readonly strategy: { readonly id: string; readonly hooks: StrategyHooks };
  readonly capital: number;
  readonly accountCurrency: string;
  readonly fillModel: FillModelKind;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  readonly slippageBps: number;
  readonly latencyMs: number;
  readonly risk: RiskGate;
  /** Equity samples per year, for annualising Sharpe/Sortino (default from the bar timeframe). */
  readonly periodsPerYear?: number;
  /** Called about every `progressEvery` events with the count so far. */
  readonly onProgress?: (events: number, simTime: number) => void;
  readonly progressEvery?: number;
  readonly log?: (strategyId: string, level: LogLevel, message: string, ts: number) => void;
  /**
   * 'full' (default): every curve of the report. 'stats': only what the statistics need (the
   * equity curve and its streaming stats, trades, fees, order counts) — no buy-and-hold, price
   * or indicator curves; the optimizer ranks sets with it. The statistics are the same.
   */
  readonly report?: 'full' | 'stats';
}

export interface BacktestResult {
  readonly events: number;
  readonly bars: number;
  readonly stats: EquityStats;
  readonly feesPaid: number;
  readonly trades: RoundTrip[];
  readonly equity: [number, number][];
  /** The first denials (up to DENIALS_KEPT); `orderIssues.denied` counts them all. */
  readonly denials: OrderDenied[];
  /** Orders cancelled, rejected and denied, with their reasons, and a warning when they keep failing. */
  readonly orderIssues: OrderIssues;
  /** Buy-and-hold of the first bar feed's instrument, sampled with the equity; null without bars. */
  readonly benchmark: { readonly equity: [number, number][]; readonly stats: EquityStats } | null;
  /** Close of the first bar feed's instrument at each equity sample; null without bars. */
  readonly prices: [number, number][] | null;
  /** The strategy's indicators on that instrument (those with a name and a numeric `current`), once warm. */
  readonly indicators: { readonly name: string; readonly points: [number, number][] }[];
  readonly orders: number;
  readonly fills: number;
  readonly initialCapital: number;
  readonly timeframeMs: number | null;
  readonly elapsedMs: number;
}

const YEAR_MS = 365 * 86_400_000;
/** Denials kept in the result (the report lists the failed orders through `orderIssues`). */
export const DENIALS_KEPT = 100;
/** Samples per block of the report's columns (see `fold` in runBacktest). */
const BLOCK = 1024;

export async function runBacktest(spec: BacktestSpec, now: () => number = () => performance.now()): Promise<BacktestResult> {
  const started = now();
  const firstFeed = spec.feeds[0];
  if (!firstFeed) throw new Error('backtest needs at least one data feed');
  const clock = new SimulatedClock(0);
  let fills = 0;
  let orders = 0;
  // The trade log reads instruments from the node's cache, built just below.
  const tradeLog: TradeLog = new TradeLog((id) => node.cache.requireInstrument(id));
  const node = new TradingNode({
    clock,
    risk: spec.risk,
    accountCurrency: spec.accountCurrency,
    balances: { [spec.accountCurrency]: spec.capital },
    idPrefix: 'BT-',
    // Closed orders are forgotten (the report keeps its own counts and lists): memory stays flat.
    keepClosedOrders: false,
    takerFeeRate: () => spec.takerFeeBps / 10_000,
    onFillApplied: (fill) => {
      fills++;
      tradeLog.onFill(fill);
    },
    ...(spec.log ? { log: spec.log } : {}),
  });
  const { bus, cache, portfolio } = node;
  const denials: OrderDenied[] = [];
  const issues = new OrderIssueLog();
  let deniedCount = 0;
  bus.subscribe(Topics.orderDenied, (d) => {
    deniedCount++;
    if (denials.length < DENIALS_KEPT) denials.push(d);
    issues.denied(d);
  });
  bus.subscribe(Topics.orderCancelled, (o) => issues.ended(o));
  bus.subscribe(Topics.orderRejected, (o) => issues.ended(o));
  bus.subscribe(Topics.orderNew, () => orders++);

  const barFeeds = spec.feeds.filter((f): f is BarFeedSpec => f.kind === 'bar');
  const timeframeMs = barFeeds[0]?.timeframeMs ?? null;
  const venueName = spec.instruments[0]?.venue ?? 'SIM';
  const venue = new SimulatedVenue(
    {
      venue: venueName,
      fillModel: spec.fillModel,
      makerFeeBps: spec.makerFeeBps,
      takerFeeBps: spec.takerFeeBps,
      slippageBps: spec.slippageBps,
      latencyMs: spec.latencyMs,
      ...(timeframeMs === null ? {} : { timeframe: formatTimeframe(timeframeMs) }),
    },
    clock,
    bus,
    {
      free: (c) => portfolio.balanceValue(c),
      position: (id) => portfolio.netPosition(id),
    },
  );
  for (const inst of spec.instruments) {
    if (inst.venue !== venueName) throw new Error(`backtest: every instrument must be on one venue (${inst.id} is not on ${venueName})`);
    node.addInstrument(inst);
    venue.addInstrument(inst);
  }
  node.addVenue(venue);

  const host = node.strategies;

  // Book feeds without bars: the mid marks the instrument once the venue applied an update
  // (priority 100) and before the strategy sees it (priority 0), so its orders have a reference price.
  const tops = new Map<string, { readonly bid: number; readonly ask: number }>();
  if (barFeeds.length === 0 && spec.fillModel === 'book') {
    for (const f of spec.feeds) {
      if (f.kind !== 'book') continue;
      bus.subscribe(
        Topics.book(f.instrumentId),
        (u: BookUpdate) => {
          const top = venue.bookTop(u.instrumentId);
          if (!top) return;
          tops.set(u.instrumentId, top);
          const mid = (top.bid + top.ask) / 2;
          cache.setLastPrice(u.instrumentId, mid);
          portfolio.mark(u.instrumentId, mid);
        },
        50,
      );
    }
  }

  const topics: Topic<MarketEvent>[] = spec.feeds.map((f) => {
    switch (f.kind) {
      case 'bar':
        return Topics.bars(f.instrumentId, formatTimeframe(f.timeframeMs)) as Topic<MarketEvent>;
      case 'trade':
        return Topics.trades(f.instrumentId) as Topic<MarketEvent>;
      case 'quote':
        return Topics.quotes(f.instrumentId) as Topic<MarketEvent>;
      case 'book':
        return Topics.book(f.instrumentId) as Topic<MarketEvent>;
    }
  });

  host.start(spec.strategy.id, spec.strategy.hooks, {
    bars: barFeeds.map((f) => ({ instrumentId: f.instrumentId, timeframe: formatTimeframe(f.timeframeMs) })),
    trades: spec.feeds.filter((f) => f.kind === 'trade').map((f) => f.instrumentId),
    quotes: spec.feeds.filter((f) => f.kind === 'quote').map((f) => f.instrumentId),
    books: spec.feeds.filter((f) => f.kind === 'book').map((f) => f.instrumentId),
  });

  const periodsPerYear = spec.periodsPerYear ?? (timeframeMs ? YEAR_MS / timeframeMs : 365);
  const tracker = new EquityTracker(periodsPerYear);
  // Buy-and-hold of the first bar instrument (or, without bars, of the first book's): all capital
  // at its first close (best ask), taker fee paid.
  const benchId = barFeeds[0]?.instrumentId ?? spec.feeds.find((f) => f.kind === 'book')?.instrumentId;
  const full = spec.report !== 'stats';
  // Buy-and-hold's curve is the price line times its units (sampled at the same times): only its statistics are kept here.
  const bench = benchId === undefined || !full ? null : new EquityTracker(periodsPerYear, undefined, false);
  // The price line and the indicators need no statistics: bare bounded curves.
  const priceCurve = benchId === undefined || !full ? null : new DecimatedCurve();
  // Buy-and-hold's units and the benchmark's last mark, in an object's number fields: a closure's
  // variable would store every new number as a new heap object (once per bar).
  const bh = { units: NaN, close: NaN };
  const lines: { readonly name: string; readonly ind: { readonly current: number }; readonly curve: DecimatedCurve }[] = [];
  if (benchId !== undefined && full) {
    for (const l of host.registered(spec.strategy.id, benchId)) {
      const ind = l as { readonly name?: unknown; readonly current?: unknown };
      if (typeof ind.name === 'string' && typeof ind.current === 'number') lines.push({ name: ind.name, ind: ind as { readonly current: number }, curve: new DecimatedCurve() });
    }
  }
  const instruments = spec.instruments;
  const single = instruments.length === 1 ? (instruments[0] as Instrument).id : null;
  const kinds = spec.feeds.map((f) => f.kind);
  const every = spec.progressEvery ?? 100_000;
  const watchEquity = spec.risk.watchesEquity !== false;
  const onProgress = spec.onProgress;
  const entryFactor = spec.capital * (1 - spec.takerFeeBps / 10_000);
  let bars = 0;
  let events = 0;

  const inAnyPosition = (): boolean => {
    for (let i = 0; i < instruments.length; i++) if (portfolio.netPosition((instruments[i] as Instrument).id) !== 0) return true;
    return false;
  };
  const inPosition = (): boolean => (single !== null ? portfolio.netPosition(single) !== 0 : inAnyPosition());

  // Every sample (equity, buy-and-hold, price line, indicators) is written to preallocated
  // columns, one row per sample, and folded into the trackers and curves a block at a time
  // (fold): the per-event path stores numbers, the statistics run in a tight loop over the block.
  // Buy-and-hold, the price line and the indicators are sampled with the equity once the
  // benchmark instrument has a mark (`colMark` NaN before: not sampled); the indicators only on
  // the benchmark instrument's own events (NaN otherwise), once finite.
  const colTime = new Float64Array(BLOCK);
  const colEquity = new Float64Array(BLOCK);
  const colInPos = new Uint8Array(BLOCK);
  const colMark = full ? new Float64Array(BLOCK) : null;
  const colBench = full ? new Float64Array(BLOCK) : null;
  const lineInds = lines.map((l) => l.ind);
  const lineCurves = lines.map((l) => l.curve);
  const lineCols = lines.map(() => new Float64Array(BLOCK));
  const nLines = lines.length;
  let rows = 0;
  /** Rows of the block without a benchmark mark. */
  let unmarked = 0;
  const fold = (): void => {
    const n = rows;
    rows = 0;
    if (n === 0) return;
    if (bench === null || priceCurve === null || colMark === null || colBench === null) {
      tracker.sampleBlock(colTime, colEquity, colInPos, null, n);
      return;
    }
    // Rows before the benchmark's first mark (NaN) are not buy-and-hold samples: the two trackers
    // go in one loop only when every row is one (all of them after the first mark).
    const marked = unmarked === 0;
    unmarked = 0;
    if (marked) EquityTracker.sampleBlocks(tracker, colEquity, colInPos, bench, colBench, colTime, n);
    else {
      tracker.sampleBlock(colTime, colEquity, colInPos, null, n);
      bench.sampleBlock(colTime, colBench, null, colMark, n);
    }
    priceCurve.addBlock(colTime, colMark, 0, n, 'nan');
    for (let k = 0; k < nLines; k++) (lineCurves[k] as DecimatedCurve).addBlock(colTime, lineCols[k] as Float64Array, 0, n, 'nonFinite');
  };
  /**
   * The benchmark part of sample row `r` (full report): buy-and-hold, the price line and
   * (`own`: an event of the benchmark's instrument) the indicators, at the benchmark's last mark.
   */
  const benchRow = (r: number, own: boolean): void => {
    if (colMark === null || colBench === null) return;
    const close = bh.close;
    colMark[r] = close;
    colBench[r] = bh.units * close;
    // Two stores, not `ok ? current : NaN`: V8 boxes a number merged with the NaN literal.
    if (close !== close) unmarked++;
    if (own && close === close) for (let k = 0; k < nLines; k++) (lineCols[k] as Float64Array)[r] = (lineInds[k] as { readonly current: number }).current;
    else for (let k = 0; k < nLines; k++) (lineCols[k] as Float64Array)[r] = NaN;
  };
  /** A new mark of the benchmark: buy-and-hold buys at `entry` (a bar's close, a book's best ask) on its first one. */
  const benchMark = (entry: number, mark: number): void => {
    bh.close = mark;
    if (bh.units !== bh.units) bh.units = entryFactor / entry;
  };
  /** benchRow for a bar (its close is the mark and the entry): the bar is passed, not its numbers. */
  const benchBar = (r: number, b: Bar): void => {
    const own = b.instrumentId === benchId;
    if (own) {
      const close = b.close;
      bh.close = close;
      if (bh.units !== bh.units) bh.units = entryFactor / close;
    }
    benchRow(r, own);
  };
  /** Ends a sample row: the block is folded when full. */
  const endRow = (r: number): void => {
    rows = r + 1;
    if (rows === BLOCK) fold();
  };

  const visit = (feed: number, e: MarketEvent): void => {
    // Timers due by this event fire first (the first event also starts the clock, so timers set in onStart keep their meaning).
    if (!clock.tryAdvance(e.ts)) clock.advanceTo(e.ts);
    const kind = kinds[feed];
    if (kind === 'bar') {
      const b = e as Bar;
      const id = b.instrumentId;
      const close = b.close;
      const ts = b.ts;
      // Through the cells (setLastPrice and mark without a call taking the number, see PriceMap).
      cache.lastPriceCell(id).v = close;
      bus.publish(topics[feed] as Topic<MarketEvent>, e);
      portfolio.markCell(id).v = close;
      bars++;
      // One sample row per bar, written here (no call with numbers to box).
      const r = rows;
      colTime[r] = ts;
      // node.updateEquity(ts), with the gate's call skipped when it watches no equity limit.
      const equity = portfolio.equity();
      colEquity[r] = equity;
      if (watchEquity) node.onEquity(equity, ts);
      colInPos[r] = inPosition() ? 1 : 0;
      if (full) benchBar(r, b);
      endRow(r);
    } else {
      if (kind === 'trade') {
        const t = e as TradeTick;
        cache.setLastPrice(t.instrumentId, t.price);
        portfolio.mark(t.instrumentId, t.price);
      } else if (kind === 'quote') {
        const q = e as QuoteTick;
        portfolio.mark(q.instrumentId, (q.bid + q.ask) / 2);
      }
      bus.publish(topics[feed] as Topic<MarketEvent>, e);
      if (kind === 'book' && barFeeds.length === 0) {
        // Without bars the book drives the report: equity at the mid after each update, and
        // buy-and-hold of the first book's instrument.
        const u = e as BookUpdate;
        const top = tops.get(u.instrumentId);
        if (top) {
          const r = rows;
          colTime[r] = u.ts;
          colEquity[r] = node.updateEquity(u.ts);
          colInPos[r] = inPosition() ? 1 : 0;
          const own = u.instrumentId === benchId;
          if (own) benchMark(top.ask, (top.bid + top.ask) / 2);
          benchRow(r, own);
          endRow(r);
        }
      }
    }
    events++;
    if (onProgress !== undefined && events % every === 0) onProgress(events, e.ts);
  };

  await replay(
    spec.feeds.map((f, i) => ({ kind: f.kind, topic: topics[i] as string, chunks: f.chunks as AsyncIterable<readonly MarketEvent[]> })),
    visit,
  );
  fold();
  host.stopAll();
  venue.dispose();
  const prices = priceCurve ? priceCurve.points() : null;
  spec.onProgress?.(events, clock.now());

  return {
    events,
    bars,
    stats: tracker.stats(),
    feesPaid: portfolio.totalFees(spec.accountCurrency),
    trades: tradeLog.trades(),
    equity: tracker.curve(),
    denials,
    orderIssues: issues.summary(orders + deniedCount),
    benchmark: bench && priceCurve && bench.stats().samples > 0 ? { equity: prices === null ? [] : scaled(prices, bh.units), stats: bench.stats() } : null,
    prices,
    indicators: lines.map((l) => ({ name: l.name, points: l.curve.points() })),
    orders,
    fills,
    initialCapital: spec.capital,
    timeframeMs,
    elapsedMs: now() - started,
  };
}

/** [t, k·p] for every [t, p] (buy-and-hold's curve from the price line), sized once. */
function scaled(points: readonly (readonly [number, number])[], k: number): [number, number][] {
  const out = new Array<[number, number]>(points.length);
  for (let i = 0; i < points.length; i++) {
    const pt = points[i] as readonly [number, number];
    out[i] = [pt[0], k * pt[1]];
  }
  return out;
}
