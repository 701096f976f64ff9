/**
 * The engine process of the crash tests: the live core (`buildLiveCore` + `attachCcxtVenue`,
 * wired as `libra run`'s session wires it: journal at <data-dir>/journal/BINANCE.jsonl, run
 * number from the journal in every client order id, private stream + reconciliation) against a
 * Binance simulator that runs in the PARENT (test) process, so the simulator survives when this
 * process is SIGKILLed.
 *
 *   node --import tsx test/integration/crash/engine-child.ts <data-dir>
 *   env: CRASH_SIM_URLS = JSON of the simulator's `ccxtUrls`
 *
 * Why not `Kernel.startRun`: against a simulator (or any overridden REST base) the run session's
 * binance client keeps ccxt's default `fetchMargins: true`, so `loadMarkets` calls sapi margin
 * endpoints the override does not serve and the session never starts (reported to the lead).
 *
 * Protocol: one JSON object per line.
 *   stdout  {"t":"ready","run":n,"state":…}     venue reconciled (CONNECTED), trading ACTIVE
 *           {"t":"order","order":…,"fill"?:…}   every order event the engine reports (after the
 *                                               journal has it)
 *           {"t":"submitted","tag":…,"ok":…,"clientOrderId":…}
 *           {"t":"state","tag":…,"state":…}     answer to "state"
 *           {"t":"log","line":…}                the venue's own lines
 *   stdin   {"cmd":"submit","tag":…,"side":"BUY"|"SELL","qty":n,"price":n}
 *           {"cmd":"submit-and-die",…}          submit, then SIGKILL itself synchronously: the
 *                                               order is journaled (SUBMITTED) but the request
 *                                               has not left the process yet
 *           {"cmd":"state","tag":…,"reconcile"?:true}
 *           {"cmd":"stop"}                      clean shutdown (exit 0)
 */
import { Agent } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pro } from 'ccxt';
import type { RiskConfig } from '../../../src/main/engine/risk/risk-gate';
import { createTsRiskGate } from '../../../src/main/engine/risk/ts-risk-gate';
import { attachCcxtVenue, buildLiveCore, systemTimeSource } from '../../../src/main/venues/ccxt/build';
import type { AttachedVenue, LiveCore } from '../../../src/main/venues/ccxt/build';
import type { CcxtExecutionClient } from '../../../src/main/venues/ccxt/ccxt-execution-client';
import { OrderJournal } from '../../../src/main/venues/ccxt/journal';
import { TokenBucket } from '../../../src/main/venues/ccxt/rate-limiter';
import { streamReadyWaiter } from '../../../src/main/venues/ccxt/venues';
import type { OrderIntent, OrderSide } from '../../../src/shared/domain/order';
import { DEFAULT_API_KEY, DEFAULT_SECRET } from '../../sim/binance/server';

const INSTRUMENT = 'BTC/USDT@BINANCE';
/** The kernel's DEFAULT_RISK (not imported: the kernel module loads the storage engines). */
const RISK: RiskConfig = { defaults: {}, referencePrice: 'last', maxOpenOrders: 1000 };
const STRATEGY = 'crash';

interface Command {
  readonly cmd: 'submit' | 'submit-and-die' | 'state' | 'stop';
  readonly tag?: string;
  readonly side?: OrderSide;
  readonly qty?: number;
  readonly price?: number;
  readonly reconcile?: boolean;
}

function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** A ccxt.pro binance client on the simulator's URLs (what run-session's makeExchange should build). */
function makeExchange(urls: Record<string, unknown>): InstanceType<typeof pro.binance> {
  const ex = new pro.binance({
    apiKey: DEFAULT_API_KEY,
    secret: DEFAULT_SECRET,
    enableRateLimit: false,
    timeout: 2000,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
  });
  ex.urls['api'] = urls;
  ex.httpAgent = new Agent();
  // Binance's spot error table is picked by the production URL: merge it in (see run-session).
  const exceptions = ex.exceptions as Record<string, Record<string, unknown>>;
  const spot = (exceptions['spot'] ?? {}) as Record<string, Record<string, unknown>>;
  exceptions['exact'] = { ...exceptions['exact'], ...(spot['exact'] ?? {}) };
  exceptions['broad'] = { ...exceptions['broad'], ...(spot['broad'] ?? {}) };
  return ex;
}

function stateOf(core: LiveCore, venue: AttachedVenue): unknown {
  const client = venue.client as CcxtExecutionClient;
  return {
    venueStatus: client.currentStatus,
    tradingState: core.risk.tradingState(),
    orders: core.cache.allOrders(),
    position: core.portfolio.netPosition(INSTRUMENT),
    balances: Object.fromEntries(core.portfolio.allBalances().map((b) => [b.currency, core.portfolio.balanceValue(b.currency)])),
  };
}

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  const urls = JSON.parse(process.env['CRASH_SIM_URLS'] ?? 'null') as Record<string, unknown> | null;
  if (!dataDir || !urls) throw new Error('usage: CRASH_SIM_URLS=… engine-child.ts <data-dir>');
  const journalPath = join(dataDir, 'journal', 'BINANCE.jsonl');
  const time = systemTimeSource();
  const run = OrderJournal.peekRun(journalPath);
  const core = buildLiveCore({ time, risk: createTsRiskGate(RISK), accountCurrency: 'USDT', run });
  const ex = makeExchange(urls);
  const venue = await attachCcxtVenue(core, {
    venue: 'BINANCE',
    exchange: ex,
    symbols: ['BTC/USDT'],
    mode: 'live',
    limiter: new TokenBucket({ capacity: 100, perSecond: 100 }, time),
    random: Math.random,
    journalPath,
    // Short grace: a placement that never left the process is declared NOT_PLACED quickly.
    notFoundGraceMs: 1500,
    resolveDelayMs: 100,
    backoff: { baseMs: 50, maxMs: 400, jitter: 0.5 },
    waitStreamReady: streamReadyWaiter(ex, () => new Promise((r) => setTimeout(r, 200))),
    log: (line) => emit({ t: 'log', line }),
  });
  // Registered after the venue (whose journal listener comes first): when the test sees an
  // event, it is already fsync'd, so "kill after step X" means after X was journaled.
  core.execution.onOrderEvent((order, fill) => emit({ t: 'order', order, ...(fill ? { fill } : {}) }));
  const client = venue.client as CcxtExecutionClient;
  while (!(client.currentStatus === 'CONNECTED' && core.risk.tradingState() === 'ACTIVE')) await new Promise((r) => setTimeout(r, 10));
  emit({ t: 'ready', run, state: stateOf(core, venue) });

  const inst = core.cache.requireInstrument(INSTRUMENT);
  const submit = (c: Command): void => {
    const intent: OrderIntent = {
      instrumentId: INSTRUMENT,
      side: c.side ?? 'BUY',
      type: 'LIMIT',
      quantityRaw: Math.round((c.qty ?? 0) * 10 ** inst.sizePrecision),
      priceRaw: Math.round((c.price ?? 0) * 10 ** inst.pricePrecision),
    };
    const r = core.execution.submit(STRATEGY, intent);
    emit({ t: 'submitted', tag: c.tag, ok: r.ok, clientOrderId: r.order.clientOrderId, ...(r.ok ? {} : { reason: r.order.reason }) });
  };

  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    const c = JSON.parse(line) as Command;
    switch (c.cmd) {
      case 'submit':
        submit(c);
        break;
      case 'submit-and-die':
        submit(c);
        // The journal already holds SUBMITTED (fsync'd by the engine's listener); the HTTP
        // request is still behind several awaits inside ccxt. Die before it leaves.
        process.kill(process.pid, 'SIGKILL');
        break;
      case 'state':
        if (c.reconcile) await client.reconcileNow();
        emit({ t: 'state', tag: c.tag, state: stateOf(core, venue) });
        break;
      case 'stop':
        await venue.stop();
        process.exit(0);
    }
  }
}

main().catch((e: unknown) => {
  emit({ t: 'fatal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
});
