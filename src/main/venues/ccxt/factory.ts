/**
 * The CCXT venue factory: one configured venue (paper or live) attached to a session's engine —
 * the key from the key file (live), the native signer, the withdrawal check, markets →
 * instruments, the execution client (live: CcxtExecutionClient; paper: the SimulatedVenue), the
 * venue's recent 1-minute bars for the charts, and the CcxtDataClient on its own exchange object.
 */
import { pro } from 'ccxt';
import { Agent } from 'node:http';
import type { Bar } from '../../../shared/messages/market-data';
import type { VenueConfig } from '../../config/run-config';
import type { SecretStore } from '../../config/secrets';
import { assertEndpointMatches, assertNoWithdrawal, binanceWithdrawalCheck } from '../../config/secrets';
import type { ApiKey, WithdrawalCheck } from '../../config/secrets';
import type { TimeSource } from '../../engine/clock/clock';
import { VenueRegistry } from '../venue';
import type { DataClient, VenueFactory, VenueParts } from '../venue';
import { attachCcxtVenue } from './build';
import type { LiveCore, RemoteVenueExecution } from './build';
import { CcxtDataClient } from './ccxt-data-client';
import type { CcxtLike, CcxtMarketData } from './ccxt-types';
import { connectionStateOf } from './live-session';
import type { LiveSession } from './live-session';
import type { RateLimiterRegistry } from './rate-limiter';
import { streamReadyWaiter } from './venues';

/** A private stream silent this long (no events, no pongs) is a disconnect: reconnect, reconcile. */
export const STALE_STREAM_MS = 10_000;

/** What a venue factory of a run session gets from the session. */
export interface VenueContext {
  readonly core: LiveCore;
  readonly session: LiveSession;
  readonly time: TimeSource;
  readonly limiters: RateLimiterRegistry;
  readonly secrets?: SecretStore | undefined;
  readonly journalPath: string;
  /** Closed 1-minute bars fetched per instrument at start (0: none). */
  readonly historyBars: number;
  readonly installSigning?: ((exchange: CcxtLike, venue: VenueConfig) => void) | undefined;
  /** Called on every CONNECTED status of the venue (after reconciliation). */
  readonly onConnected: () => void;
  readonly print: (line: string) => void;
  /** Cluster strategy node: the venue's orders go to the execution node through this client; no key is resolved. */
  readonly remoteExecution?: ((venue: string) => RemoteVenueExecution) | undefined;
  /** Cluster node without the data role: the venue's market data comes from the cluster, not from the venue. */
  readonly marketData?: ((venue: string) => DataClient) | undefined;
}

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


async function seedHistory(ctx: VenueContext, name: string, v: VenueConfig, mdEx: CcxtMarketData, parts: { instruments: VenueParts['instruments'] }): Promise<void> {
  for (const [i, instrument] of parts.instruments.entries()) {
    ctx.session.addInstrument(instrument);
    if (ctx.historyBars <= 0) continue;
    try {
      const rows = await mdEx.fetchOHLCV(v.symbols[i] ?? instrument.symbol, '1m', undefined, ctx.historyBars);
      const bars: Bar[] = [];
      for (const [open, o, h, l, c, vol] of rows) {
        if (open === undefined || o === undefined || h === undefined || l === undefined || c === undefined) continue;
        bars.push({ instrumentId: instrument.id, timeframeMs: 60_000, openTime: open, ts: open + 60_000, open: o, high: h, low: l, close: c, volume: vol ?? 0 });
      }
      ctx.session.seedHistory(instrument.id, bars);
    } catch (error) {
      ctx.print(`VENUE ${name} no bar history for ${instrument.symbol}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export const ccxtVenueFactory: VenueFactory<VenueConfig, VenueContext> = {
  async create(v, ctx) {
    const { core, print } = ctx;
    const name = v.name ?? v.ccxtId.toUpperCase();
    let creds: { apiKey: string; secret: string; password?: string } | undefined;
    let liveKey: ApiKey | undefined;
    if (v.mode === 'live' && !ctx.remoteExecution) {
      const key = v.keyId ? await ctx.secrets?.get(v.keyId) : undefined;
      if (!key) throw new Error(`venue ${name}: key "${String(v.keyId)}" not found in the key file`);
      assertEndpointMatches(key, v.sandbox);
      liveKey = key;
      const m = key.material;
      creds = { apiKey: m.apiKey, secret: m.secret, ...(m.password ? { password: m.password } : {}) };
    }
    const exec = makeExchange(v, creds);
    if (creds) ctx.installSigning?.(exec, v); // the single signing call site
    if (liveKey) {
      // A live key must not be able to withdraw; where the venue cannot say, refuse unless allowed.
      const check: WithdrawalCheck = v.ccxtId.startsWith('binance') ? binanceWithdrawalCheck(exec as Parameters<typeof binanceWithdrawalCheck>[0]) : { check: async () => 'UNKNOWN' };
      const answer = await assertNoWithdrawal(liveKey, check, v.allowUnknownWithdrawal);
      print(`VENUE ${name} key ${liveKey.id}: withdrawal permission ${answer}`);
    }
    const mdEx = makeExchange(v, undefined);
    if (v.leverage !== undefined) core.execution.setLeverage(name, v.leverage);
    const attached = await attachCcxtVenue(core, {
      venue: name,
      exchange: exec as CcxtLike & { markets?: Record<string, never> },
      symbols: v.symbols,
      mode: v.mode,
      limiter: ctx.limiters.bucket(name, v.keyId ?? 'public', v.rateLimit),
      random: Math.random,
      notFoundGraceMs: v.notFoundGraceMs,
      staleStreamMs: STALE_STREAM_MS,
      journalPath: ctx.journalPath,
      waitStreamReady: streamReadyWaiter(exec, () => new Promise((r) => setTimeout(r, 500))),
      onStatus: (s) => {
        print(`VENUE ${s.venue} ${s.kind}${s.reason ? ` ${s.reason}` : ''}`);
        ctx.session.setVenueState(name, v.mode, connectionStateOf(s.kind), s.reason ?? null, s.ts);
        if (s.kind === 'CONNECTED') ctx.onConnected();
      },
      log: (l) => print(`LOG ${l}`),
      ...(v.mode === 'live' && ctx.remoteExecution ? { remote: ctx.remoteExecution(name) } : {}),
      ...(v.paperBalances ? { paper: { makerFeeBps: 10, takerFeeBps: 10, slippageBps: 0, balances: v.paperBalances } } : {}),
    });
    await mdEx.loadMarkets();
    await seedHistory(ctx, name, v, mdEx, attached);
    const dc = new CcxtDataClient({
      exchange: mdEx,
      bus: core.bus,
      time: ctx.time,
      random: Math.random,
      subscriptions: attached.instruments.map((instrument, i) => ({ instrument, symbol: v.symbols[i] ?? instrument.symbol, trades: true, book: true, timeframes: ['1m'] })),
    });
    const cap = dc.capabilities();
    if (cap.lacks.length > 0) print(`VENUE ${name} lacks: ${cap.lacks.join('; ')}`);
    const data: DataClient = ctx.marketData ? ctx.marketData(name) : dc;
    data.start();
    if (v.mode === 'paper') ctx.session.setVenueState(name, 'paper', 'CONNECTED', null, ctx.time.now());
    print(`VENUE ${name} ready (${v.mode}${v.sandbox ? ', sandbox' : ''}): ${attached.instruments.map((x) => x.id).join(', ')}`);
    return { venue: name, instruments: attached.instruments, data, execution: attached.client, stop: () => attached.stop() };
  },
};

/** The venue kinds a session config can name: every venue with a `ccxtId` is a CCXT venue. */
export function defaultVenueRegistry(): VenueRegistry<VenueConfig, VenueContext> {
  return new VenueRegistry<VenueConfig, VenueContext>(() => 'ccxt').register('ccxt', ccxtVenueFactory);
}
