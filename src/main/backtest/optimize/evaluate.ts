/**
 * One parameter set over a range of bars, through the same path as `libra backtest`
 * (runFeedBacktest: the event-driven engine, the simulated venue, the report statistics), so a
 * set's numbers are exactly those of a `libra backtest` with the same parameters and data.
 * Runs wherever it is called: inside the optimizer's worker threads, or in-process.
 */
import type { Instrument } from '../../../shared/domain/instrument';
import type { Bar, TradeTick } from '../../../shared/messages/market-data';
import type { RiskConfig } from '../../engine/risk/risk-gate';
import { resolveParams } from '../../engine/strategy/strategy';
import type { StrategyClass, StrategyContext, StrategyHooks, StrategyParams } from '../../engine/strategy/strategy';
import { createRiskGate } from '../../native';
import { runFeedBacktest } from '../file-backtest';
import { collectBars, collectTrades } from './bars';
import type { BacktestFeed } from '../file-backtest';
import type { EquityPoint, ReportStats } from '../report';
import type { ParamSet } from './grid';
import { withSharedIndicators } from './indicator-cache';
import type { IndicatorCache } from './indicator-cache';

export interface CostSettings {
  readonly capital: number;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  readonly slippageBps: number;
  readonly latencyMs: number;
  readonly risk: RiskConfig;
}

export interface SeriesData {
  readonly instrument: Instrument;
  readonly timeframeMs: number;
  /** The bars the strategy gets (of a trades file: built from its trades). */
  readonly bars: readonly Bar[];
  /** A trades file's trades, which orders fill against (trade fill model), with the bars built from them. */
  readonly trades?: TradeSeries;
}

/** Trades and, per bar, where its trades begin: bar i's trades are trades[start[i]…start[i + 1]). */
export interface TradeSeries {
  readonly trades: readonly TradeTick[];
  /** bars.length + 1 entries, the last trades.length. */
  readonly start: Int32Array;
}

/**
 * The trades of each bar built from them: bar i (bucket [openTime, ts)) holds the trades with
 * openTime ≤ ts' < ts. Bars exist only for buckets with trades, so every trade belongs to one.
 */
export function tradeSeries(bars: readonly Bar[], trades: readonly TradeTick[]): TradeSeries {
  const start = new Int32Array(bars.length + 1);
  let j = 0;
  for (let i = 0; i < bars.length; i++) {
    const open = (bars[i] as Bar).openTime;
    while (j < trades.length && (trades[j] as TradeTick).ts < open) j++;
    start[i] = j;
  }
  start[bars.length] = trades.length;
  return { trades, start };
}

/** What a run keeps beyond its statistics (walk-forward needs the equity, Monte Carlo the trades). */
export interface EvalDetail {
  readonly equity: readonly EquityPoint[];
  /** Net PnL of each closed trade, in order. */
  readonly tradePnls: readonly number[];
}

export interface SetResult {
  readonly params: StrategyParams;
  readonly stats: ReportStats;
  readonly bars: number;
  readonly detail?: EvalDetail;
}

/** A decision a strategy took: an order it submitted or cancelled, at the simulated time. */
export interface Decision {
  readonly ts: number;
  readonly action: string;
}

export interface EvalOptions {
  readonly from?: number;
  readonly to?: number;
  readonly detail?: boolean;
  /** Shared indicator series (`ctx.indicator` on the data's instrument) instead of one computation per set. */
  readonly indicators?: IndicatorCache;
  /** Records every submit/cancel the strategy makes. */
  readonly onDecision?: (d: Decision) => void;
}

const CHUNK = 8192;

/**
 * The whole series of a bar or trade feed in memory, to replay range after range: a bar feed's
 * bars; a trade feed's trades with the bars built from them. Null for an order book feed.
 */
export async function collectSeries(source: BacktestFeed): Promise<SeriesData | null> {
  const { instrument, timeframeMs, feed } = source;
  if (feed.kind === 'bar') return { instrument, timeframeMs, bars: await collectBars(feed.chunks) };
  if (feed.kind !== 'trade' || !source.bars) return null;
  // One after the other: a store's two scans of the trades each hold a connection.
  const bars = await collectBars(source.bars.chunks);
  const trades = await collectTrades(feed.chunks);
  return { instrument, timeframeMs, bars, trades: tradeSeries(bars, trades) };
}

async function* slices<T>(rows: readonly T[], from: number, to: number): AsyncGenerator<T[]> {
  for (let i = from; i < to; i += CHUNK) yield rows.slice(i, Math.min(to, i + CHUNK));
}

/** Bars from..to of the data as a backtest feed; of a trades file, with their trades (trade fill model), as `libra backtest` replays it. */
function sliceFeed(data: SeriesData, from: number, to: number): BacktestFeed {
  const { bars, instrument, timeframeMs } = data;
  const barFeed = { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: slices(bars, from, to) } as const;
  if (!data.trades) return { instrument, fillModel: 'bar', timeframeMs, total: to - from, notes: [], feed: barFeed };
  const { trades, start } = data.trades;
  const t0 = start[from] as number;
  const t1 = start[to] as number;
  return { instrument, fillModel: 'trade', timeframeMs, total: t1 - t0 + (to - from), notes: [], feed: { kind: 'trade', instrumentId: instrument.id, chunks: slices(trades, t0, t1) }, bars: barFeed };
}

/** Validates a set against the strategy's declared parameters (throws ParamError) and builds the strategy. */
export function instantiate(cls: StrategyClass, set: ParamSet): { params: StrategyParams; hooks: StrategyHooks } {
  const params = resolveParams(cls.params ?? {}, set);
  return { params, hooks: new cls(params) };
}

export async function evaluateSet(data: SeriesData, cls: StrategyClass, set: ParamSet, costs: CostSettings, opts: EvalOptions = {}): Promise<SetResult> {
  const from = opts.from ?? 0;
  const to = Math.min(opts.to ?? data.bars.length, data.bars.length);
  const { params, hooks: own } = instantiate(cls, set);
  const hooks = opts.indicators?.serves(data.instrument.id, data.bars) ? withSharedIndicators(own, opts.indicators, from) : own;
  const strategy = opts.onDecision ? recordDecisions(hooks, opts.onDecision) : hooks;
  const { result, input, stats } = await runFeedBacktest(sliceFeed(data, from, to), { hooks: strategy }, {
    capital: costs.capital,
    makerFeeBps: costs.makerFeeBps,
    takerFeeBps: costs.takerFeeBps,
    slippageBps: costs.slippageBps,
    latencyMs: costs.latencyMs,
    risk: createRiskGate(costs.risk, 'typescript'),
    // Ranking needs the statistics only: no buy-and-hold, price or indicator curves (same numbers).
    report: 'stats',
  });
  const out: SetResult = { params, stats, bars: result.bars };
  if (!opts.detail) return out;
  return { ...out, detail: { equity: input.equity, tradePnls: input.trades.filter((t) => t.exitTime !== null).map((t) => t.pnl) } };
}

/**
 * The strategy with its context wrapped so every order it submits or cancels is recorded (time,
 * side, type, quantity, price) — the look-ahead detector compares these between runs.
 */
function recordDecisions(hooks: StrategyHooks, onDecision: (d: Decision) => void): StrategyHooks {
  // What onStop does (flatten at the end of the data…) is not a decision about a bar: not recorded.
  let stopping = false;
  const wrap = (ctx: StrategyContext): StrategyContext => {
    const rec = (action: string): void => {
      if (!stopping) onDecision({ ts: ctx.now(), action });
    };
    return new Proxy(ctx, {
      get(target, prop, receiver) {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        const f = v as (...a: unknown[]) => unknown;
        switch (prop) {
          case 'submit':
            return (intent: { side: string; type: string; quantityRaw?: number; priceRaw?: number }) => {
              rec(`${intent.side} ${intent.type} qty=${String(intent.quantityRaw)}${intent.priceRaw === undefined ? '' : ` price=${intent.priceRaw}`}`);
              return f.call(target, intent);
            };
          case 'market':
            return (...a: unknown[]) => {
              rec(`${String(a[1])} MARKET qty=${String(a[2])}`);
              return f.apply(target, a);
            };
          case 'limit':
            return (...a: unknown[]) => {
              rec(`${String(a[1])} LIMIT qty=${String(a[2])} price=${String(a[3])}`);
              return f.apply(target, a);
            };
          case 'cancel':
            return (...a: unknown[]) => {
              rec(`CANCEL ${String(a[0])}`);
              return f.apply(target, a);
            };
          case 'cancelAll':
            return (...a: unknown[]) => {
              rec('CANCEL ALL');
              return f.apply(target, a);
            };
          default:
            return f.bind(target);
        }
      },
    });
  };
  const h = hooks as StrategyHooks & { attach?: (c: StrategyContext) => void };
  // Keep the strategy itself as `this` for every hook; only the context it is given changes.
  return new Proxy(h, {
    get(target, prop, receiver) {
      if (prop === 'attach' && typeof target.attach === 'function') return (c: StrategyContext) => target.attach?.(wrap(c));
      if (prop === 'onStart' && typeof target.onStart === 'function') return (c: StrategyContext) => target.onStart?.(wrap(c));
      if (prop === 'onStop' && typeof target.onStop === 'function') {
        return () => {
          stopping = true;
          target.onStop?.();
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
