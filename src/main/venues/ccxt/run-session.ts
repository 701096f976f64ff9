/**
 * A run session (`libra run`, `libra serve --config`, the app's Open Session…): the engine, and
 * per configured venue what the venue registry's factory builds (venue.ts; today the CCXT
 * factory: a data client for live market data and either the CCXT execution client (live) or
 * the SimulatedVenue (paper)), plus the configured strategies. The kernel starts it
 * (`Kernel.startRun`); hosts project its `session` (LiveSession).
 *
 * Signing: `installSigning(exchange)` is THE single call site where the kernel routes ccxt's
 * signing through the native signer (`installNativeSigning` in src/main/native/ccxt-signing.ts).
 */
import { join } from 'node:path';
import { OrderJournal } from './journal';
import type { RunConfig, VenueConfig } from '../../config/run-config';
import type { SecretStore } from '../../config/secrets';
import type { RiskGate } from '../../engine/risk/risk-gate';
import type { StrategyHooks } from '../../engine/strategy/strategy';
import type { Fill, Order } from '../../../shared/domain/order';
import { buildLiveCore, startEquityFeed, systemTimeSource } from './build';
import { HaltLatchFile, haltLatchPath } from '../../config/halt-latch-file';
import { EquityMarksFile, equityMarksPath } from '../../config/equity-marks-file';
import { Topics } from '../../engine/bus/topics';
import type { LiveCore } from './build';
import type { CcxtLike } from './ccxt-types';
import { RateLimiterRegistry } from './rate-limiter';
import { LiveSession } from './live-session';
import type { VenueParts, VenueRegistry } from '../venue';
import { defaultVenueRegistry } from './factory';
import { ClusterNode } from '../../cluster/node';
import type { VenueContext } from './factory';

export interface RunSessionDeps {
  readonly config: RunConfig;
  readonly dataDir: string;
  readonly risk: RiskGate;
  readonly secrets?: SecretStore;
  /** Loads a strategy by name/path with params (the kernel passes config/strategy-loader's loadStrategy). */
  readonly loadStrategy: (nameOrPath: string, params: Readonly<Record<string, string>>) => Promise<{ readonly hooks: StrategyHooks }>;
  /** Routes signing through the native signer (kernel: installNativeSigning). */
  readonly installSigning?: (exchange: CcxtLike, venue: VenueConfig) => void;
  readonly print: (line: string) => void;
  /** Starts what runs beside the strategies once venues are ready (the kernel: agents); stopped first. */
  readonly afterStart?: (core: LiveCore) => Promise<{ stop(): Promise<void> }>;
  /** What windows call the session (default: "session"). */
  readonly label?: string;
  /** Whether the kernel records the session's market data (shown in the windows). */
  readonly recording?: boolean;
  /** Closed 1-minute bars fetched per instrument at start, so charts open with history (default 500; 0: none). */
  readonly historyBars?: number;
  /** Venue kinds → factories (default: defaultVenueRegistry, CCXT paper/live). */
  readonly venueRegistry?: VenueRegistry<VenueConfig, VenueContext>;
}

export interface RunSession {
  readonly core: LiveCore;
  readonly venues: readonly VenueParts[];
  /** The session as hosts project it (watchlist, charts, venue states). */
  readonly session: LiveSession;
  stop(): Promise<void>;
}

export { STALE_STREAM_MS } from './factory';

/** How long `libra run` waits for live venues to connect and reconcile before giving up. */
const READY_TIMEOUT_MS = 60_000;

export async function startRunSession(deps: RunSessionDeps): Promise<RunSession> {
  const { config, print } = deps;
  const time = systemTimeSource();
  // One run number for the whole session, past every venue journal's: client order ids read
  // `L<run>-<n>` and are never reused across restarts.
  const journalOf = (v: VenueConfig): string => join(deps.dataDir, 'journal', `${v.name ?? v.ccxtId.toUpperCase()}.jsonl`);
  const run = Math.max(1, ...config.venues.map((v) => OrderJournal.peekRun(journalOf(v))));
  const cluster = config.cluster ? new ClusterNode(config.cluster, print) : undefined;
  const remote = cluster !== undefined && !cluster.has('execution');
  // The drawdown peak and the day's start survive a restart when the equity is the venues' own
  // (every venue live, this node holding the account); a paper account starts afresh each run.
  const marks = !remote && config.venues.every((v) => v.mode === 'live') ? new EquityMarksFile(equityMarksPath(deps.dataDir)) : undefined;
  const core = buildLiveCore({
    time,
    risk: deps.risk,
    accountCurrency: config.accountCurrency,
    run,
    haltLatch: new HaltLatchFile(haltLatchPath(deps.dataDir)),
    ...(marks ? { equityMarks: marks } : {}),
    // In a cluster the node name leads every client order id (`<node>.L<run>-<n>`): unique across
    // nodes and restarts, and the execution node routes the order's reports back by it.
    ...(cluster ? { idPrefix: `${cluster.config.node}.L` } : {}),
    // The execution node holds the account and checks its balances; a strategy node knows none.
    ...(remote ? { checkBalances: false } : {}),
  });
  await cluster?.start();
  if (cluster?.has('execution')) {
    const accounts = config.venues.filter((v) => v.mode === 'live').map((v) => v.name ?? v.ccxtId.toUpperCase());
    if (accounts.length > 0) await cluster.acquireExecutionLease(accounts, () => core.execution.fence('cluster execution lease lost'));
    cluster.attachExecution(core.execution, core.cache, core.bus, () => core.portfolio.allBalances());
  }
  // The data role runs the venues' data clients and relays their market data; any other node reads it from Redis.
  if (cluster?.has('data')) cluster.publishMarketData(core.bus);
  if (remote) await cluster.followRisk(core.bus);
  const clusterData = cluster !== undefined && !cluster.has('data');
  if (marks?.problem) print(`RISK ${marks.problem}: the drawdown is measured from the equity at start`);
  const restored = core.execution.restoredMarks;
  if (restored) print(`RISK equity marks restored from the data folder: drawdown from peak ${restored.peak}, daily loss from ${restored.dayStart}`);
  const stopSafety = watchSafety(core, print);
  const limiters = new RateLimiterRegistry(time);
  const venues: VenueParts[] = [];
  const ready: Promise<void>[] = [];
  const session = new LiveSession(core, [], deps.label ?? 'session', deps.recording ?? false);
  core.execution.onOrderEvent((o: Order, f?: Fill) => {
    print(f ? `FILL ${o.clientOrderId} ${o.instrumentId} ${f.side} qty=${f.quantityRaw} px=${f.priceRaw} trade=${f.tradeId}` : `ORDER ${o.clientOrderId} ${o.instrumentId} ${o.side} ${o.type} ${o.status}${o.reason ? ` (${o.reason})` : ''}`);
  });
  // Marks follow every trade: the LiveSession marks each instrument as its venue attaches.
  const registry = deps.venueRegistry ?? defaultVenueRegistry();
  for (const v of config.venues) {
    // Strategies start once every live venue has reconciled (trading is HALTED until then).
    let onConnected = (): void => undefined;
    if (v.mode === 'live') ready.push(new Promise<void>((resolve) => (onConnected = resolve)));
    venues.push(
      await registry.create(v, {
        core,
        session,
        time,
        limiters,
        secrets: deps.secrets,
        journalPath: journalOf(v),
        historyBars: deps.historyBars ?? 500,
        installSigning: deps.installSigning,
        onConnected: () => onConnected(),
        print,
        ...(remote ? { remoteExecution: (venue: string) => cluster.remoteExecution(venue) } : {}),
        ...(clusterData ? { marketData: (venue: string) => cluster.marketData(venue, core.bus) } : {}),
      }),
    );
  }
  if (ready.length > 0) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`venues not reconciled after ${READY_TIMEOUT_MS / 1000} s: strategies not started`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([Promise.all(ready), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  stopSafety.equity.enable();
  if (cluster?.has('execution')) await cluster.startExecutionBridge();
  cluster?.ready();
  for (const [i, s] of config.strategies.entries()) {
    const params = Object.fromEntries(Object.entries(s.params).map(([k, val]) => [k, String(val)]));
    const loaded = await deps.loadStrategy(s.strategy, params);
    const id = s.id ?? `${s.strategy}#${i + 1}`;
    print(`STRATEGY ${id} started on ${s.instruments.join(', ')} (${s.timeframe} bars)`);
    session.addConfiguredStrategy({ id, strategy: s.strategy.split(/[\\/]/).at(-1) ?? s.strategy, params: s.params, instrumentId: s.instruments[0] ?? '', timeframe: s.timeframe, startedAt: time.now() });
    core.host.start(id, loaded.hooks, {
      bars: s.instruments.map((instrumentId) => ({ instrumentId, timeframe: s.timeframe })),
      trades: s.instruments,
    });
  }
  const extras = deps.afterStart ? await deps.afterStart(core) : undefined;
  return {
    core,
    venues,
    session,
    stop: async () => {
      await extras?.stop();
      session.dispose();
      stopSafety.stop();
      core.host.stopAll();
      await Promise.allSettled(venues.map((v) => v.data.stop()));
      await Promise.allSettled(venues.map((v) => v.stop()));
      await cluster?.stop();
    },
  };
}

/**
 * The run's safety wiring: risk events (halts with their reason) are printed, a latched halt
 * restored from the data folder is announced, a latch lifted by `libra risk resume` while the run
 * is going resumes trading within a second, and the equity feed drives the live halts.
 */
function watchSafety(core: LiveCore, print: (line: string) => void): { equity: { enable(): void }; stop(): void } {
  const latched = core.execution.latchedHalt();
  if (latched) print(`RISK ${latched.state} restored from the data folder: ${latched.reason} (lift with: libra risk resume)`);
  const off = core.bus.subscribe(Topics.allRiskEvents, (e) => print(`RISK ${e.state} ${e.message}`));
  const equity = startEquityFeed(core);
  const poll = setInterval(() => {
    if (core.execution.refreshLatch()) print('RISK ACTIVE halt lifted by an operator (libra risk resume)');
  }, 1000);
  poll.unref();
  return {
    equity,
    stop: () => {
      clearInterval(poll);
      equity.stop();
      off();
    },
  };
}
