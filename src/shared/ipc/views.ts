/**
 * What windows see: the engine's state projected into decimals (raw fixed-point integers are
 * converted once, in the host, with each instrument's precision) and plain serialisable values.
 * Snapshots and deltas of the state stream carry these; the renderer never sees raw units.
 */
import type { ReportStats } from '../messages/report';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../domain/order';

export type TradingStateView = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface InstrumentView {
  readonly id: string;
  readonly symbol: string;
  readonly venue: string;
  readonly base: string;
  readonly quote: string;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly tickSize: number;
  readonly lotSize: number;
  readonly minQty: number;
  /** The session's taker fee for this instrument, in basis points (the ticket's fee estimate); absent when the host does not know it. */
  readonly takerFeeBps?: number;
}

export interface QuoteView {
  readonly instrumentId: string;
  readonly symbol: string;
  readonly last: number;
  /** Reference close one day before `ts` (or the first bar), for the watchlist's change. */
  readonly reference: number;
  readonly change: number;
  readonly changePct: number;
  readonly ts: number;
}

export interface BarView {
  readonly instrumentId: string;
  readonly timeframe: string;
  /** Open time, ms. */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Indicator values by spec (`sma:20`); null while warming up, and on a forming bar. */
  readonly indicators: Readonly<Record<string, number | null>>;
  /**
   * False for a forming bar (a coarser timeframe whose last constituent is not released yet: it
   * will be updated in place, same `time`); absent or true for a finished bar.
   */
  readonly closed?: boolean;
}

export interface OrderView {
  readonly clientOrderId: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: number;
  readonly filled: number;
  readonly price: number | null;
  readonly triggerPrice: number | null;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  /** May still fill (the "working" tab); otherwise done (filled/cancelled/denied…). */
  readonly working: boolean;
  readonly avgPx: number;
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface FillView {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly instrumentId: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly feeCurrency: string;
  readonly liquidity: 'MAKER' | 'TAKER';
  readonly ts: number;
}

export interface PositionView {
  /** `${strategyId}|${instrumentId}` */
  readonly key: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly strategyId: string;
  /** Signed: > 0 long, < 0 short. */
  readonly quantity: number;
  readonly avgEntry: number;
  readonly mark: number | null;
  readonly unrealized: number;
  readonly realized: number;
}

export interface BalanceView {
  /** The venue whose account holds it; "" for the shared account of backtests and replays. */
  readonly venue: string;
  readonly currency: string;
  readonly total: number;
  readonly locked: number;
}

export interface AccountView {
  readonly balances: readonly BalanceView[];
  readonly equity: number;
  readonly currency: string;
}

export interface DenialView {
  readonly clientOrderId: string;
  readonly instrumentId: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly reason: string;
  readonly message: string;
  readonly ts: number;
}

export interface RiskEventView {
  readonly kind: string;
  readonly state: TradingStateView;
  readonly message: string;
  readonly ts: number;
}

export interface RiskView {
  readonly tradingState: TradingStateView;
  /** Most recent first. */
  readonly denials: readonly DenialView[];
  readonly events: readonly RiskEventView[];
}

export interface AlertView {
  readonly id: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly price: number;
  /** Fires when the price crosses `price` upwards ('above') or downwards ('below'). */
  readonly direction: 'above' | 'below';
  readonly status: 'active' | 'fired';
  readonly createdAt: number;
  readonly firedAt: number | null;
  readonly firedPrice: number | null;
}

export interface ReplayView {
  readonly speed: number;
  readonly running: boolean;
  readonly timeframe: string;
  /** Simulated now (close of the last released bar), ms. */
  readonly simTime: number;
}

/** One venue's order book as a window shows it: the best levels each side, best first (bids falling, asks rising). */
export interface BookView {
  readonly instrumentId: string;
  readonly ts: number;
  readonly bids: readonly { readonly price: number; readonly size: number }[];
  readonly asks: readonly { readonly price: number; readonly size: number }[];
}

/** One trade on the venue (time & sales); `side` is the aggressor's when the venue says. */
export interface TradeView {
  readonly instrumentId: string;
  readonly tradeId: string;
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  readonly side: OrderSide | null;
}

/** A venue's connection as the windows show it (CONNECTED / RECONNECTING / RECONCILING / HALTED, with the reason). */
export interface VenueView {
  readonly venue: string;
  readonly mode: 'replay' | 'paper' | 'live';
  readonly state: 'CONNECTING' | 'RECONCILING' | 'CONNECTED' | 'RECONNECTING' | 'HALTED';
  readonly reason: string | null;
  readonly ts: number;
}

/** Which session the windows show: the first-run replay, or a session config (paper/live venues). */
export interface SessionView {
  readonly kind: 'replay' | 'run';
  /** The config file's name, or "paper replay". */
  readonly label: string;
  /** Market data of the session is being recorded into the store. */
  readonly recording: boolean;
}

export interface Snapshot {
  readonly session: SessionView;
  readonly venues: readonly VenueView[];
  readonly instruments: readonly InstrumentView[];
  readonly quotes: readonly QuoteView[];
  readonly orders: readonly OrderView[];
  readonly fills: readonly FillView[];
  readonly positions: readonly PositionView[];
  readonly account: AccountView;
  readonly risk: RiskView;
  readonly alerts: readonly AlertView[];
  readonly replay: ReplayView;
  /** Indicator specs the host computes on live bars (chart overlays). */
  readonly indicators: readonly string[];
  /**
   * Chart timeframes the host serves for every instrument: the replay's own first, then coarser
   * ones it builds by resampling released bars (e.g. `['4h', '12h', '1d']`).
   */
  readonly timeframes: readonly string[];
}

export interface HistoryPage {
  readonly instrumentId: string;
  readonly timeframe: string;
  /** Oldest first. */
  readonly bars: readonly BarView[];
  /** More bars exist before the first one returned. */
  readonly hasMore: boolean;
}

// ── backtests and strategies ──────────────────────────────────────────────────────────────

/** A bundled sample data file the Backtest panel offers (resources/sample-data/index.json). */
export interface DataFileView {
  /** The file name; what `backtest.start` takes as `data: { sample }`. */
  readonly file: string;
  readonly symbol: string;
  readonly venue: string;
  readonly timeframe: string | null;
  readonly bars: number | null;
  readonly first: string | null;
  readonly last: string | null;
}

export interface ParamSpecView {
  readonly name: string;
  readonly type: 'int' | 'number' | 'string' | 'boolean';
  readonly default: number | string | boolean;
  readonly min: number | null;
  readonly max: number | null;
  readonly description: string | null;
}

export interface StrategyInfoView {
  /** The name or path as given (a path resolved to absolute). */
  readonly name: string;
  readonly params: readonly ParamSpecView[];
}

export interface BacktestCatalogView {
  readonly samples: readonly DataFileView[];
  readonly strategies: readonly string[];
  readonly defaults: { readonly capital: number; readonly feeBps: number; readonly slippageBps: number };
}

export type BacktestStatusView = 'running' | 'done' | 'failed' | 'cancelled';

export interface BacktestProgressView {
  /** Events (bars or trades) replayed so far, of `total`. */
  readonly done: number;
  readonly total: number;
  readonly simTime: number;
}

/** The report statistics, exactly as the report computes them. */
export type BacktestStatsView = ReportStats;

export interface BacktestTradeView {
  readonly entryTime: number;
  readonly exitTime: number | null;
  readonly side: 'LONG' | 'SHORT';
  readonly quantity: number;
  readonly entryPrice: number;
  readonly exitPrice: number | null;
  readonly pnl: number;
  readonly fees: number;
}

/** An order that ended without trading as asked, and why. */
export interface BacktestOrderIssueView {
  readonly time: number;
  readonly clientOrderId: string;
  readonly side: string;
  readonly status: 'CANCELED' | 'REJECTED' | 'DENIED';
  readonly reason: string;
}

export interface BacktestOrderIssuesView {
  readonly orders: number;
  readonly cancelled: number;
  readonly rejected: number;
  readonly denied: number;
  /** The first ones, in time order (the panel gets at most PANEL_ORDER_ISSUES). */
  readonly list: readonly BacktestOrderIssueView[];
  /** Set when the strategy's orders keep failing. */
  readonly warning: string | null;
}

/** Buy-and-hold over the same data: all capital at the first price, fee paid. */
export interface BacktestBenchmarkView {
  readonly name: string;
  /** `[time ms, equity]`, downsampled like the strategy's curve. */
  readonly equity: readonly (readonly [number, number])[];
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly maxDrawdown: number;
}

export interface BacktestReportView {
  readonly instrumentId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly pricePrecision: number;
  readonly strategy: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly stats: BacktestStatsView;
  /** At most a few thousand; `tradesTotal` counts all. */
  readonly trades: readonly BacktestTradeView[];
  readonly tradesTotal: number;
  /** `[time ms, equity]`, downsampled (≤ 2000 points, extremes kept). */
  readonly equity: readonly (readonly [number, number])[];
  /** `[time ms, drawdown]` as a negative fraction (−0.25 = 25 % under the peak), downsampled. */
  readonly drawdown: readonly (readonly [number, number])[];
  readonly events: number;
  readonly orders: number;
  readonly fills: number;
  readonly denials: number;
  readonly firstDenial: string | null;
  readonly elapsedMs: number;
  /** Whether `backtest.chart` can show this run's bars. */
  readonly chartable: boolean;
  readonly notes: readonly string[];
  readonly orderIssues: BacktestOrderIssuesView;
  readonly benchmark: BacktestBenchmarkView | null;
  /** `month` as YYYY-MM (UTC), `return` as a fraction. */
  readonly monthlyReturns: readonly { readonly month: string; readonly return: number }[];
  /** `[time ms, close]` of the backtested instrument, downsampled like the equity (the HTML report's price chart); null without prices. */
  readonly prices: readonly (readonly [number, number])[] | null;
  /** The strategy's indicators on that instrument (`sma_10`, …), each `[time ms, value]` downsampled the same way. */
  readonly indicators: readonly { readonly name: string; readonly points: readonly (readonly [number, number])[] }[];
}

export interface BacktestRunView {
  readonly id: string;
  /** `sma-cross on BTC-USD_…csv`. */
  readonly label: string;
  readonly status: BacktestStatusView;
  readonly progress: BacktestProgressView | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly error: string | null;
  /** Present once done (and only when asked for). */
  readonly report: BacktestReportView | null;
}

/** A finished backtest the host keeps under its data folder (listed without the report). */
export interface SavedBacktestView {
  readonly id: string;
  readonly label: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly symbol: string;
  readonly timeframe: string;
  readonly strategy: string;
  readonly trades: number;
  readonly totalReturn: number;
}

export interface SavedBacktestsView {
  readonly saved: readonly SavedBacktestView[];
  /** Files in the folder that failed validation (not listed; opening one says why). */
  readonly skipped: number;
}

/** Bars around one trade of a finished run, for the chart window's focus. */
export interface BacktestChartView {
  readonly runId: string;
  readonly instrumentId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly pricePrecision: number;
  /** Decimals of money amounts (trade P&L) in the quote currency, at the account's scale (moneyDecimals). */
  readonly moneyPrecision: number;
  /** Oldest first; no indicators. */
  readonly bars: readonly BarView[];
  /** The trades whose entry or exit falls inside the bars (the focused one included). */
  readonly trades: readonly (BacktestTradeView & { readonly index: number })[];
  readonly focus: { readonly index: number; readonly from: number; readonly to: number };
}

export type StrategyRunState = 'running' | 'stopped' | 'failed';

export interface RunningStrategyView {
  readonly id: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly state: StrategyRunState;
  readonly instrumentId: string;
  readonly timeframe: string;
  readonly startedAt: number;
  readonly stoppedAt: number | null;
  /** Signed net position of this strategy on the instrument. */
  readonly position: number;
  readonly realized: number;
  readonly unrealized: number;
  readonly orders: number;
  readonly error: string | null;
}

// ── optimisation (the Backtest panel's optimise mode) ─────────────────────────────────────

export interface OptimizeResultView {
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** The objective's value (null when undefined for this set). */
  readonly score: number | null;
  readonly totalReturn: number;
  readonly sharpe: number | null;
  readonly maxDrawdown: number;
  readonly trades: number;
}

export interface OptimizeRunView {
  readonly id: string;
  readonly label: string;
  readonly status: BacktestStatusView;
  /** Bar evaluations done and in all. */
  readonly progress: { readonly done: number; readonly total: number } | null;
  readonly error: string | null;
  readonly objective: string;
  readonly axes: readonly { readonly name: string; readonly values: readonly number[] }[];
  /** Best first: the top sets once done (empty while running). */
  readonly results: readonly OptimizeResultView[];
  readonly sets: number;
  readonly skipped: number;
  readonly failed: number;
  /** Heatmap of the objective over the first two axes (rows: axes[1], columns: axes[0]); null with one axis. */
  readonly heatmap: readonly (readonly (number | null)[])[] | null;
  readonly elapsedMs: number | null;
}

/** An LLM agent's order proposal, as the approvals panel shows it. */
export interface AgentProposalView {
  readonly id: string;
  readonly agent: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'SENT' | 'DENIED';
  readonly instrumentId: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: 'MARKET' | 'LIMIT';
  readonly quantity: number;
  readonly price?: number | undefined;
  readonly notional: number;
  /** The model's reasoning, as it wrote it (shown as text, never as markup). */
  readonly reasoning: string;
  /** The risk gate's verdict once sent: "ALLOWED" or the denial message. */
  readonly verdict?: string | undefined;
  readonly clientOrderId?: string | undefined;
  readonly note?: string | undefined;
}

/** One line of the agents' audit log. */
export interface AgentLogView {
  readonly ts: number;
  readonly agent: string;
  readonly kind: string;
  readonly summary: string;
}

/** A stored venue key as a window may see it: never the secret, the API key masked (`****abcd`). */
export interface VenueKeyView {
  readonly id: string;
  readonly venue: string;
  readonly environment: 'testnet' | 'production';
  readonly apiKey: string;
  /** Where it is kept: the OS keychain (Electron safeStorage) or the encrypted key file. */
  readonly store: 'keychain' | 'key file';
}

/** The "Venue keys…" dialog's view: whether keys can be stored here, why not, and those stored. */
export interface VenueKeysView {
  readonly writable: boolean;
  /** Why keys cannot be stored by this host (`libra serve` without --keys …). */
  readonly reason?: string | undefined;
  readonly store?: 'keychain' | 'key file' | undefined;
  readonly keys: readonly VenueKeyView[];
}

/** One node of the session's Redis cluster as `libra cluster status` reads it (heartbeats under the prefix). */
export interface ClusterNodeView {
  readonly node: string;
  readonly roles: string;
  /** running, waiting-lease, lease-lost, stopping, stopped, or lost (its beats expired). */
  readonly state: string;
  readonly lastBeatAgoMs: number | null;
  /** Event-loop lag of the node, ms. */
  readonly lagMs: number | null;
  /** Market data: a data node's sent and shed counts; a reader's received, gaps and publish→delivery delay. */
  readonly md: { readonly sent?: number; readonly dropped?: number; readonly received?: number; readonly gaps?: number; readonly lagMs?: number };
}

/** The whole cluster, seen from the node the window's session runs on (`enabled: false`: no cluster block). */
export interface ClusterView {
  readonly enabled: boolean;
  readonly self: string | null;
  readonly prefix: string | null;
  readonly nodes: readonly ClusterNodeView[];
}
