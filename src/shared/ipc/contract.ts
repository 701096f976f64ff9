/**
 * The IPC contract: the services the engine host offers to windows. Both transports (Electron
 * ipcMain/contextBridge and the `libra serve` WebSocket) serve exactly this; channel names, the
 * preload bridge and the typed client are all derived from the `contract` object below, never
 * typed by hand.
 *
 * Every method takes one payload (validated with its zod schema in the host) and answers a
 * Result. State itself is not polled: it streams (see stream.ts).
 */
import type { z } from 'zod';
import type { Result } from './result';
import type {
  AgentLogView,
  AgentProposalView,
  AlertView,
  BacktestCatalogView,
  BacktestChartView,
  BacktestRunView,
  ClusterView,
  HistoryPage,
  OptimizeRunView,
  ReplayView,
  RunningStrategyView,
  SavedBacktestsView,
  Snapshot,
  StrategyInfoView,
  TradingStateView,
  VenueKeysView,
  VenueKeyView,
} from './views';
import {
  AgentDecideSchema,
  AmendOrderSchema,
  AgentLogSchema,
  BacktestChartSchema,
  BacktestIdSchema,
  BacktestStartSchema,
  BacktestStatusSchema,
  CancelOrderSchema,
  ChartHistorySchema,
  EmptySchema,
  OpenBacktestChartSchema,
  OpenChartSchema,
  OptimizeStartSchema,
  OrderTicketSchema,
  PanicSchema,
  PauseSchema,
  RemoveAlertSchema,
  SetAlertSchema,
  SetSpeedSchema,
  StrategyIdSchema,
  StrategyRefSchema,
  StrategyStartSchema,
  VenueKeyPutSchema,
} from './schemas';

/** One method: its request schema and (phantom) response type. */
export interface MethodSpec<Req extends z.ZodType, Res> {
  readonly request: Req;
  readonly __response?: Res;
}

function method<Res>() {
  return <Req extends z.ZodType>(request: Req): MethodSpec<Req, Res> => ({ request });
}

export const contract = {
  session: {
    snapshot: method<Snapshot>()(EmptySchema),
  },
  agents: {
    /** Proposals of the session's LLM agents, newest last (pending and decided). */
    proposals: method<readonly AgentProposalView[]>()(EmptySchema),
    /** A person's decision on a pending proposal; the session sends an approved one through the gate. */
    decide: method<AgentProposalView>()(AgentDecideSchema),
    log: method<readonly AgentLogView[]>()(AgentLogSchema),
  },
  orders: {
    submit: method<{ clientOrderId: string; status: string }>()(OrderTicketSchema),
    cancel: method<{ clientOrderId: string }>()(CancelOrderSchema),
    /** New price / trigger / quantity of a working order, through the risk gate (denied: the order keeps its terms). */
    amend: method<{ clientOrderId: string; status: string }>()(AmendOrderSchema),
    cancelAll: method<{ cancelled: number }>()(EmptySchema),
  },
  trading: {
    /** Cancel all + flatten every position (execution.killSwitch); trading is HALTED after. */
    panic: method<{ cancelled: number; flattening: number }>()(PanicSchema),
    pause: method<{ tradingState: TradingStateView }>()(PauseSchema),
  },
  chart: {
    history: method<HistoryPage>()(ChartHistorySchema),
  },
  alerts: {
    set: method<AlertView>()(SetAlertSchema),
    list: method<readonly AlertView[]>()(EmptySchema),
    remove: method<{ id: string }>()(RemoveAlertSchema),
  },
  replay: {
    setSpeed: method<ReplayView>()(SetSpeedSchema),
  },
  backtest: {
    /** Bundled sample files, built-in strategies and the form's defaults. */
    catalog: method<BacktestCatalogView>()(EmptySchema),
    /** Validates the data and the parameters, then runs the backtest in a worker thread. */
    start: method<BacktestRunView>()(BacktestStartSchema),
    /** Status and progress (throttled by the host); the report once done when `report: true`. */
    status: method<BacktestRunView>()(BacktestStatusSchema),
    /** Terminates the run's worker. */
    cancel: method<BacktestRunView>()(BacktestIdSchema),
    /** Runs kept by the host, newest first, without reports. */
    list: method<readonly BacktestRunView[]>()(EmptySchema),
    /** Bars around one trade of a finished run (the chart window's focus). */
    chart: method<BacktestChartView>()(BacktestChartSchema),
    /** Finished runs kept under the data folder (across restarts), newest first, without reports. */
    saved: method<SavedBacktestsView>()(EmptySchema),
    /** A kept run with its report (validated on read; its bars are not kept, so it is not chartable). */
    openSaved: method<BacktestRunView>()(BacktestIdSchema),
    deleteSaved: method<{ id: string }>()(BacktestIdSchema),
  },
  optimize: {
    /** Validates data, strategy and grid, then runs every set of the grid in worker threads. */
    start: method<OptimizeRunView>()(OptimizeStartSchema),
    /** Status, progress, and once done the ranked sets and the heatmap. */
    status: method<OptimizeRunView>()(BacktestIdSchema),
    cancel: method<OptimizeRunView>()(BacktestIdSchema),
  },
  strategies: {
    /** Loads a strategy by name or path and describes its parameters. */
    describe: method<StrategyInfoView>()(StrategyRefSchema),
    /** Loads, checks the parameters and starts it on one instrument of the paper session (default: the first), at the replay's timeframe. */
    start: method<RunningStrategyView>()(StrategyStartSchema),
    stop: method<RunningStrategyView>()(StrategyIdSchema),
    list: method<readonly RunningStrategyView[]>()(EmptySchema),
  },
  keys: {
    /** Venue names, key names and masked API keys of the stored keys (never a secret), and whether this host can store more. */
    list: method<VenueKeysView>()(EmptySchema),
    /** Seals (app: OS keychain) or encrypts (`libra serve --keys`) one key; answers its masked view. Write-only: no method reads a secret back. */
    put: method<VenueKeyView>()(VenueKeyPutSchema),
  },
  cluster: {
    /** Every node of the session's Redis cluster (heartbeats): roles, state, lag, market data drops. */
    status: method<ClusterView>()(EmptySchema),
  },
  windows: {
    /** Electron opens a chart window; the browser transport opens a tab itself. */
    openChart: method<{ opened: boolean }>()(OpenChartSchema),
    /** Opens (or focuses) the backtest chart window at one trade of a run. */
    openBacktestChart: method<{ opened: boolean }>()(OpenBacktestChartSchema),
  },
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;
export type MethodName<S extends ServiceName> = keyof Contract[S] & string;

type SpecOf<S extends ServiceName, M extends MethodName<S>> = Contract[S][M];
export type RequestOf<S extends ServiceName, M extends MethodName<S>> = SpecOf<S, M> extends MethodSpec<infer Req, unknown> ? z.input<Req> : never;
export type ParsedRequestOf<S extends ServiceName, M extends MethodName<S>> = SpecOf<S, M> extends MethodSpec<infer Req, unknown> ? z.output<Req> : never;
export type ResponseOf<S extends ServiceName, M extends MethodName<S>> = SpecOf<S, M> extends MethodSpec<z.ZodType, infer Res> ? Res : never;

/** What a window calls: `api.orders.submit(ticket)` → Promise<Result<…>>. */
export type ServiceClient = {
  readonly [S in ServiceName]: { readonly [M in MethodName<S>]: (request: RequestOf<S, M>) => Promise<Result<ResponseOf<S, M>>> };
};

/** What a host implements: handlers receive the parsed (validated) payload. */
export type ServiceHandlers = {
  readonly [S in ServiceName]: { readonly [M in MethodName<S>]: (request: ParsedRequestOf<S, M>) => Result<ResponseOf<S, M>> | Promise<Result<ResponseOf<S, M>>> };
};

export const CHANNEL_PREFIX = 'libra:';
/** The state stream's channel (Electron: the MessagePort hand-off; WS: the `state` frames). */
export const STATE_CHANNEL = `${CHANNEL_PREFIX}state`;

export function channelOf(service: string, methodName: string): string {
  return `${CHANNEL_PREFIX}${service}.${methodName}`;
}

export interface ChannelEntry {
  readonly channel: string;
  readonly service: ServiceName;
  readonly method: string;
  readonly request: z.ZodType;
}

/** Every channel of the contract, derived from it. */
export const CHANNELS: readonly ChannelEntry[] = Object.entries(contract).flatMap(([service, methods]) =>
  Object.entries(methods as Record<string, MethodSpec<z.ZodType, unknown>>).map(([m, spec]) => ({
    channel: channelOf(service, m),
    service: service as ServiceName,
    method: m,
    request: spec.request,
  })),
);

const BY_CHANNEL = new Map(CHANNELS.map((c) => [c.channel, c]));

export function channelEntry(channel: string): ChannelEntry | undefined {
  return BY_CHANNEL.get(channel);
}

/** Builds a typed client from one `invoke(channel, payload)` function (preload, WS client, tests). */
export function createServiceClient(invoke: (channel: string, payload: unknown) => Promise<Result<unknown>>): ServiceClient {
  const client: Record<string, Record<string, (req: unknown) => Promise<Result<unknown>>>> = {};
  for (const c of CHANNELS) {
    const service = (client[c.service] ??= {});
    service[c.method] = (req: unknown) => invoke(c.channel, req);
  }
  return client as unknown as ServiceClient;
}
