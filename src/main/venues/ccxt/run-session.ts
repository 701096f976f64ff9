/**
 * A headless run session (`libra run`): the engine, one CCXT data client per venue (live market
 * data), and per venue either the CCXT execution client (live) or the SimulatedVenue (paper),
 * plus the configured strategies. The kernel should expose this as `Kernel.startRun(config)`;
 * until it does, `libra run` calls it directly (see the report to the lead).
 *
 * Signing: `installSigning(exchange)` is THE single call site where the kernel routes ccxt's
 * signing through the native signer (`installNativeSigning` in src/main/native/ccxt-signing.ts).
 */
import { join } from 'node:path';
import { OrderJournal } from './journal';
import { pro } from 'ccxt';
import { Agent } from 'node:http';
import type { RunConfig, VenueConfig } from '../../config/run-config';
import type { SecretStore } from '../../config/secrets';
import { assertEndpointMatches, assertNoWithdrawal, binanceWithdrawalCheck } from '../../config/secrets';
import type { ApiKey, WithdrawalCheck } from '../../config/secrets';
import type { RiskGate } from '../../engine/risk/risk-gate';
import type { StrategyHooks } from '../../engine/strategy/strategy';
import type { Fill, Order } from '../../../shared/domain/order';
import { attachCcxtVenue, buildLiveCore, startEquityFeed, systemTimeSource } from './build';
import { HaltLatchFile, haltLatchPath } from '../../config/halt-latch-file';
import { Topics } from '../../engine/bus/topics';
import type { AttachedVenue, LiveCore } from './build';
import { CcxtDataClient } from './ccxt-data-client';
import type { CcxtLike, CcxtMarketData } from './ccxt-types';
import { RateLimiterRegistry } from './rate-limiter';
import { streamReadyWaiter } from './venues';

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
}

export interface RunSession {
  readonly core: LiveCore;
  readonly venues: readonly AttachedVenue[];
  stop(): Promise<void>;
}

/** A private stream silent this long (no events, no pongs) is a disconnect: reconnect, reconcile. */
export const STALE_STREAM_MS = 10_000;

/** How long `libra run` waits for live venues to connect and reconcile before giving up. */
const READY_TIMEOUT_MS = 60_000;

type ProCtor = new (config: Record<string, unknown>) => CcxtLike & CcxtMarketData;

function makeExchange(v: VenueConfig, credentials: { apiKey: string; secret: string; password?: string } | undefined): CcxtLike & CcxtMarketData {
  const Ctor = (pro as unknown as Record<string, ProCtor | undefined>)[v.ccxtId];
  if (!Ctor) throw new Error(`ccxt has no ccxt.pro exchange "${v.ccxtId}"`);
  const options: Record<string, unknown> = { maxRetriesOnFailure: 0 };
  if (v.ccxtId.startsWith('binance')) {
    // Load only the market types the configured symbols need (spot: no settle suffix), so a
    // spot-only venue — or a simulator/testnet serving spot only — is not asked for futures.
    const types = new Set(v.symbols.map((sym) => (sym.includes(':') ? 'linear' : 'spot')));
    options['fetchMarkets'] = { types: [...types] };
  }
  if (v.restUrls) {
    // Behind an overridden URL (testnet proxy, simulator) only the spot API may exist: do not
    // ask for currencies or margin markets (Binance's sapi), which would fail market loading.
    options['fetchCurrencies'] = false;
    options['fetchMargins'] = false;
  }
  const ex = new Ctor({ enableRateLimit: true, ...(credentials ?? {}), options });
  const anyEx = ex as unknown as { setSandboxMode(b: boolean): void; urls: Record<string, unknown>; httpAgent?: unknown; exceptions?: Record<string, unknown> };
  if (v.sandbox) anyEx.setSandboxMode(true);
  if (v.restUrls) {
    anyEx.urls['api'] = { ...v.restUrls, ...(v.wsUrls ? { ws: v.wsUrls } : {}) };
    // Keep connections alive as ccxt does for its https endpoints: a new TCP connection per
    // order would add a handshake to every order's latency.
    anyEx.httpAgent = new Agent({ keepAlive: true });
    // ccxt picks Binance's spot error table by the production base URL; behind an overridden
    // URL (testnet proxy, simulator) merge it in so -2010/-2013/… still map to the right errors.
    const ex2 = anyEx.exceptions as Record<string, Record<string, unknown>> | undefined;
    const spot = ex2?.['spot'] as Record<string, Record<string, unknown>> | undefined;
    if (ex2 && spot) {
      ex2['exact'] = { ...ex2['exact'], ...(spot['exact'] ?? {}) };
      ex2['broad'] = { ...ex2['broad'], ...(spot['broad'] ?? {}) };
    }
  }
  return ex;
}

export async function startRunSession(deps: RunSessionDeps): Promise<RunSession> {
  const { config, print } = deps;
  const time = systemTimeSource();
  // One run number for the whole session, past every venue journal's: client order ids read
  // `L<run>-<n>` and are never reused across restarts.
  const journalOf = (v: VenueConfig): string => join(deps.dataDir, 'journal', `${v.name ?? v.ccxtId.toUpperCase()}.jsonl`);
  const run = Math.max(1, ...config.venues.map((v) => OrderJournal.peekRun(journalOf(v))));
  const core = buildLiveCore({ time, risk: deps.risk, accountCurrency: config.accountCurrency, run, haltLatch: new HaltLatchFile(haltLatchPath(deps.dataDir)) });
  const stopSafety = watchSafety(core, print);
  const limiters = new RateLimiterRegistry(time);
  const venues: AttachedVenue[] = [];
  const connected = new Map<string, () => void>();
  const ready: Promise<void>[] = [];
  const data: CcxtDataClient[] = [];
  core.execution.onOrderEvent((o: Order, f?: Fill) => {
    print(f ? `FILL ${o.clientOrderId} ${o.instrumentId} ${f.side} qty=${f.quantityRaw} px=${f.priceRaw} trade=${f.tradeId}` : `ORDER ${o.clientOrderId} ${o.instrumentId} ${o.side} ${o.type} ${o.status}${o.reason ? ` (${o.reason})` : ''}`);
  });
  for (const v of config.venues) {
    const name = v.name ?? v.ccxtId.toUpperCase();
    let creds: { apiKey: string; secret: string; password?: string } | undefined;
    let liveKey: ApiKey | undefined;
    if (v.mode === 'live') {
      const key = v.keyId ? await deps.secrets?.get(v.keyId) : undefined;
      if (!key) throw new Error(`venue ${name}: key "${String(v.keyId)}" not found in the key file`);
      assertEndpointMatches(key, v.sandbox);
      liveKey = key;
      const m = key.material;
      creds = { apiKey: m.apiKey, secret: m.secret, ...(m.password ? { password: m.password } : {}) };
    }
    // Strategies start once every live venue has reconciled (trading is HALTED until then).
    if (v.mode === 'live') ready.push(new Promise<void>((resolve) => connected.set(name, resolve)));
    const exec = makeExchange(v, creds);
    if (creds) deps.installSigning?.(exec, v); // the single signing call site
    if (liveKey) {
      // A live key must not be able to withdraw; where the venue cannot say, refuse unless allowed.
      const check: WithdrawalCheck = v.ccxtId.startsWith('binance') ? binanceWithdrawalCheck(exec as Parameters<typeof binanceWithdrawalCheck>[0]) : { check: async () => 'UNKNOWN' };
      const answer = await assertNoWithdrawal(liveKey, check, v.allowUnknownWithdrawal);
      print(`VENUE ${name} key ${liveKey.id}: withdrawal permission ${answer}`);
    }
    const mdEx = makeExchange(v, undefined);
    const attached = await attachCcxtVenue(core, {
      venue: name,
      exchange: exec as CcxtLike & { markets?: Record<string, never> },
      symbols: v.symbols,
      mode: v.mode,
      limiter: limiters.bucket(name, v.keyId ?? 'public', v.rateLimit),
      random: Math.random,
      notFoundGraceMs: v.notFoundGraceMs,
      staleStreamMs: STALE_STREAM_MS,
      journalPath: journalOf(v),
      waitStreamReady: streamReadyWaiter(exec, () => new Promise((r) => setTimeout(r, 500))),
      onStatus: (s) => {
        print(`VENUE ${s.venue} ${s.kind}${s.reason ? ` ${s.reason}` : ''}`);
        if (s.kind === 'CONNECTED') connected.get(name)?.();
      },
      log: (l) => print(`LOG ${l}`),
      ...(v.paperBalances ? { paper: { makerFeeBps: 10, takerFeeBps: 10, slippageBps: 0, balances: v.paperBalances } } : {}),
    });
    venues.push(attached);
    await mdEx.loadMarkets();
    const dc = new CcxtDataClient({
      exchange: mdEx,
      bus: core.bus,
      time,
      random: Math.random,
      subscriptions: attached.instruments.map((instrument, i) => ({ instrument, symbol: v.symbols[i] ?? instrument.symbol, trades: true, book: true, timeframes: ['1m'] })),
    });
    const cap = dc.capabilities();
    if (cap.lacks.length > 0) print(`VENUE ${name} lacks: ${cap.lacks.join('; ')}`);
    core.bus.subscribe('data.trades.**', (t: { instrumentId: string; price: number }) => {
      core.cache.setLastPrice(t.instrumentId, t.price);
      core.portfolio.mark(t.instrumentId, t.price);
    });
    dc.start();
    data.push(dc);
    print(`VENUE ${name} ready (${v.mode}${v.sandbox ? ', sandbox' : ''}): ${attached.instruments.map((x) => x.id).join(', ')}`);
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
  for (const [i, s] of config.strategies.entries()) {
    const params = Object.fromEntries(Object.entries(s.params).map(([k, val]) => [k, String(val)]));
    const loaded = await deps.loadStrategy(s.strategy, params);
    const id = s.id ?? `${s.strategy}#${i + 1}`;
    print(`STRATEGY ${id} started on ${s.instruments.join(', ')} (${s.timeframe} bars)`);
    core.host.start(id, loaded.hooks, {
      bars: s.instruments.map((instrumentId) => ({ instrumentId, timeframe: s.timeframe })),
      trades: s.instruments,
    });
  }
  return {
    core,
    venues,
    stop: async () => {
      stopSafety.stop();
      core.host.stopAll();
      await Promise.allSettled(data.map((d) => d.stop()));
      await Promise.allSettled(venues.map((v) => v.stop()));
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
