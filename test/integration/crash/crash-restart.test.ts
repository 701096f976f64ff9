/**
 * Crash safety of the live engine: the engine runs in a child process (engine-child.ts) against
 * the Binance simulator running HERE, in the test process, so the venue outlives the engine.
 * The engine is SIGKILLed at each step of an order's life — journaled but not yet sent, sent but
 * not answered, accepted, partially filled — the market trades while it is down, and a new
 * engine process is started on the same data dir. After every restart:
 *   - orders: every venue order is known to the engine under the same client order id, with the
 *     venue's status and filled quantity; an order that never reached the venue is REJECTED;
 *   - fills: the journal holds exactly the venue's trades, each once; the position is their sum;
 *   - balances equal the venue's;
 *   - requests: exactly one POST /api/v3/order per intent that left the process, across all
 *     restarts, and a restarted engine never reuses a client order id.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Fill, Order } from '../../../src/shared/domain/order';
import { startBinanceSim } from '../../sim/binance';
import type { BinanceSim } from '../../sim/binance';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..', '..');
const CHILD = join(HERE, 'engine-child.ts');
const SYMBOL = 'BTCUSDT';
/** BTC/USDT on the simulator: lot 0.00001 → 5 size decimals. */
const SIZE_DP = 5;

interface EngineState {
  readonly venueStatus: string;
  readonly tradingState: string;
  readonly orders: Order[];
  readonly position: number;
  readonly balances: Record<string, number>;
}

type Msg =
  | { t: 'ready'; run: number; state: EngineState }
  | { t: 'order'; order: Order; fill?: Fill }
  | { t: 'submitted'; tag?: string; ok: boolean; clientOrderId: string }
  | { t: 'state'; tag?: string; state: EngineState }
  | { t: 'log'; line: string }
  | { t: 'fatal'; message: string };

const live = new Set<EngineProcess>();

/** One engine process; every stdout line is kept so tests can wait on any message. */
class EngineProcess {
  readonly messages: Msg[] = [];
  readonly exited: Promise<number | null>;
  private stderr = '';
  private tags = 0;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    live.add(this);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ? null : code)));
    void this.exited.then(() => live.delete(this));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) this.messages.push(JSON.parse(line) as Msg);
    });
  }

  static async start(sim: BinanceSim, dataDir: string): Promise<{ engine: EngineProcess; ready: Extract<Msg, { t: 'ready' }> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], {
      cwd: REPO,
      env: { ...process.env, CRASH_SIM_URLS: JSON.stringify(sim.ccxtUrls) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const engine = new EngineProcess(child);
    const ready = await engine.waitFor((m): m is Extract<Msg, { t: 'ready' }> => m.t === 'ready', 15_000, 'engine ready');
    return { engine, ready };
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(cmd: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  async waitFor<T extends Msg>(pred: (m: Msg) => m is T, ms: number, what: string): Promise<T>;
  async waitFor(pred: (m: Msg) => boolean, ms: number, what: string): Promise<Msg>;
  async waitFor(pred: (m: Msg) => boolean, ms: number, what: string): Promise<Msg> {
    const deadline = Date.now() + ms;
    for (;;) {
      const fatal = this.messages.find((m) => m.t === 'fatal');
      if (fatal) throw new Error(`engine died: ${fatal.message}`);
      const hit = this.messages.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`${what}: not seen in ${ms} ms; stderr=${this.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until the engine reports `clientOrderId` with the status (and filled quantity). */
  orderEvent(clientOrderId: string, status: string, filledRaw?: number, ms = 8000): Promise<Msg> {
    return this.waitFor((m) => m.t === 'order' && m.order.clientOrderId === clientOrderId && m.order.status === status && (filledRaw === undefined || m.order.filledRaw === filledRaw), ms, `${clientOrderId} ${status}${filledRaw !== undefined ? ` filled=${filledRaw}` : ''}`);
  }

  async submit(side: 'BUY' | 'SELL', qty: number, price: number): Promise<string> {
    const tag = `s${++this.tags}`;
    this.send({ cmd: 'submit', tag, side, qty, price });
    const r = await this.waitFor((m): m is Extract<Msg, { t: 'submitted' }> => m.t === 'submitted' && m.tag === tag, 5000, `submit ${tag}`);
    expect(r.ok).toBe(true);
    return r.clientOrderId;
  }

  async state(reconcile = false): Promise<EngineState> {
    const tag = `q${++this.tags}`;
    this.send({ cmd: 'state', tag, reconcile });
    const r = await this.waitFor((m): m is Extract<Msg, { t: 'state' }> => m.t === 'state' && m.tag === tag, 8000, `state ${tag}`);
    return r.state;
  }

  /** SIGKILL (nothing is flushed, no handler runs) and wait for the process to be gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

afterAll(async () => {
  await Promise.all([...live].map((e) => e.kill()));
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all([...live].map((e) => e.kill()));
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(): Promise<{ sim: BinanceSim; dataDir: string; journal: string }> {
  const sim = await startBinanceSim();
  const dataDir = mkdtempSync(join(tmpdir(), 'libra-crash-'));
  cleanups.push(() => sim.close());
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { sim, dataDir, journal: join(dataDir, 'journal', 'BINANCE.jsonl') };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface JournalView {
  readonly runs: number[];
  readonly orders: Map<string, Order>;
  readonly fills: Fill[];
}

function readJournal(path: string): JournalView {
  const runs: number[] = [];
  const orders = new Map<string, Order>();
  const fills: Fill[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { t: 'run'; n: number } | { t: 'order'; o: Order } | { t: 'fill'; f: Fill };
    if (rec.t === 'run') runs.push(rec.n);
    else if (rec.t === 'order') orders.set(rec.o.clientOrderId, rec.o);
    else fills.push(rec.f);
  }
  return { runs, orders, fills };
}

const VENUE_TO_ENGINE: Readonly<Record<string, string>> = { NEW: 'ACCEPTED', PARTIALLY_FILLED: 'PARTIALLY_FILLED', FILLED: 'FILLED', CANCELED: 'CANCELED', EXPIRED: 'EXPIRED', REJECTED: 'REJECTED' };

function raw(qty: number): number {
  return Math.round(qty * 10 ** SIZE_DP);
}

function postsFor(sim: BinanceSim, clientOrderId: string): number {
  return sim.requestsTo('POST', '/api/v3/order').filter((r) => r.params['newClientOrderId'] === clientOrderId).length;
}

/**
 * The engine's view (state + journal) equals the simulator's: orders, fills (each once),
 * position, balances, and exactly one placement request per order the venue knows.
 */
function expectMatchesVenue(sim: BinanceSim, state: EngineState, journalPath: string): void {
  const engineOrders = new Map(state.orders.map((o) => [o.clientOrderId, o]));
  for (const v of sim.orders()) {
    const e = engineOrders.get(v.clientOrderId);
    expect(e, `venue order ${v.clientOrderId} unknown to the engine`).toBeDefined();
    expect(e?.status, v.clientOrderId).toBe(VENUE_TO_ENGINE[v.status]);
    expect(e?.filledRaw, v.clientOrderId).toBe(raw(v.executedQty));
    expect(e?.venueOrderId, v.clientOrderId).toBe(String(v.orderId));
    expect(postsFor(sim, v.clientOrderId), `POSTs for ${v.clientOrderId}`).toBe(1);
  }
  // Nothing the engine thinks is working is missing at the venue.
  const venueIds = new Set(sim.orders().map((o) => o.clientOrderId));
  for (const e of state.orders) {
    if (['ACCEPTED', 'PARTIALLY_FILLED', 'SUBMITTED', 'UNKNOWN', 'PENDING_CANCEL'].includes(e.status)) expect(venueIds.has(e.clientOrderId), `${e.clientOrderId} ${e.status} not at the venue`).toBe(true);
  }
  // No duplicate placement at all: one POST per distinct client order id.
  const posts = sim.requestsTo('POST', '/api/v3/order').map((r) => r.params['newClientOrderId']);
  expect(new Set(posts).size).toBe(posts.length);

  const journal = readJournal(journalPath);
  const venueTrades = sim.trades(SYMBOL);
  const tradeIds = journal.fills.map((f) => f.tradeId);
  expect(new Set(tradeIds).size, 'a fill journaled twice').toBe(tradeIds.length);
  expect([...tradeIds].sort()).toEqual(venueTrades.map((t) => String(t.id)).sort());
  const venueNet = venueTrades.reduce((s, t) => s + (t.isBuyer ? 1 : -1) * raw(t.qty), 0);
  expect(state.position).toBe(venueNet);

  for (const [asset, b] of Object.entries(sim.balances())) {
    expect(state.balances[asset] ?? 0, asset).toBeCloseTo(b.free + b.locked, 7);
  }
  expect(state.tradingState).toBe('ACTIVE');
  expect(state.venueStatus).toBe('CONNECTED');
}

describe('the live engine survives SIGKILL at every step of an order', { timeout: 40_000 }, () => {
  it('killed after the order is journaled but before the request leaves: the restart finds no order, rejects it, and sends nothing', async () => {
    const { sim, dataDir, journal } = await setup();
    const first = await EngineProcess.start(sim, dataDir);
    expect(first.ready.run).toBe(1);
    first.engine.send({ cmd: 'submit-and-die', side: 'BUY', qty: 0.01, price: 59_000 });
    expect(await first.engine.exited).toBeNull();
    const lost = [...readJournal(journal).orders.values()];
    expect(lost.map((o) => [o.clientOrderId, o.status])).toEqual([['L1-1', 'SUBMITTED']]);
    expect(sim.requestsTo('POST', '/api/v3/order')).toHaveLength(0);

    const second = await EngineProcess.start(sim, dataDir);
    expect(second.ready.run).toBe(2);
    const rejected = await second.engine.orderEvent('L1-1', 'REJECTED');
    expect(rejected.t === 'order' && rejected.order.reason).toMatch(/NOT_PLACED/);
    expect(postsFor(sim, 'L1-1')).toBe(0);
    // The next order of the new run has a new id.
    const cid = await second.engine.submit('BUY', 0.01, 59_000);
    expect(cid).toBe('L2-1');
    await second.engine.orderEvent(cid, 'ACCEPTED');
    expectMatchesVenue(sim, await second.engine.state(), journal);
    expect(sim.orders()).toHaveLength(1);
  });

  it('killed after the venue received the order but before it answered: the restart resolves it by client order id and applies the fill made while down, once', async () => {
    const { sim, dataDir, journal } = await setup();
    const first = await EngineProcess.start(sim, dataDir);
    // Kill the engine the instant its placement reaches the venue, before the venue executes or
    // answers it (REST reply and stream event both come after).
    const stop = sim.onRequest((r) => {
      if (r.method === 'POST' && r.path === '/api/v3/order') void first.engine.kill();
    });
    cleanups.push(stop);
    first.engine.send({ cmd: 'submit', side: 'BUY', qty: 0.01, price: 59_000 });
    expect(await first.engine.exited).toBeNull();
    stop();
    expect(readJournal(journal).orders.get('L1-1')?.status).toBe('SUBMITTED');
    expect(sim.orders().map((o) => [o.clientOrderId, o.status])).toEqual([['L1-1', 'NEW']]);

    // While the engine is down the market trades through the order.
    sim.trade(SYMBOL, 59_000, 0.01);
    expect(sim.orders()[0]?.status).toBe('FILLED');

    const second = await EngineProcess.start(sim, dataDir);
    await second.engine.orderEvent('L1-1', 'FILLED', raw(0.01));
    const state = await second.engine.state();
    expect(state.position).toBe(raw(0.01));
    expectMatchesVenue(sim, state, journal);
  });

  it('killed after the venue accepted the order: a partial fill while down is recovered and the rest fills after the restart', async () => {
    const { sim, dataDir, journal } = await setup();
    const first = await EngineProcess.start(sim, dataDir);
    const cid = await first.engine.submit('BUY', 0.02, 59_000);
    await first.engine.orderEvent(cid, 'ACCEPTED');
    await first.engine.kill();

    sim.trade(SYMBOL, 59_000, 0.005);
    expect(sim.orders()[0]?.status).toBe('PARTIALLY_FILLED');

    const second = await EngineProcess.start(sim, dataDir);
    // Restored from the journal as ACCEPTED; reconciliation finds the partial fill.
    await until(() => readJournal(journal).fills.length === 1, 8000, 'missed fill journaled');
    const s1 = await second.engine.state();
    expect(s1.orders.find((o) => o.clientOrderId === cid)?.filledRaw).toBe(raw(0.005));
    expectMatchesVenue(sim, s1, journal);

    sim.trade(SYMBOL, 59_000, 0.015);
    await second.engine.orderEvent(cid, 'FILLED', raw(0.02));
    expectMatchesVenue(sim, await second.engine.state(), journal);
  });

  it('killed after a partial fill: the fill made while down is recovered, none is applied twice, and the order completes', async () => {
    const { sim, dataDir, journal } = await setup();
    const first = await EngineProcess.start(sim, dataDir);
    const cid = await first.engine.submit('SELL', 0.03, 61_000);
    await first.engine.orderEvent(cid, 'ACCEPTED');
    sim.trade(SYMBOL, 61_000, 0.01);
    await first.engine.orderEvent(cid, 'PARTIALLY_FILLED', raw(0.01));
    await first.engine.kill();
    expect(readJournal(journal).fills).toHaveLength(1);

    sim.trade(SYMBOL, 61_000, 0.01); // second partial while down

    const second = await EngineProcess.start(sim, dataDir);
    expect(second.ready.run).toBe(2);
    await until(() => readJournal(journal).fills.length === 2, 8000, 'missed fill journaled');
    expectMatchesVenue(sim, await second.engine.state(), journal);
    sim.trade(SYMBOL, 61_000, 0.01); // the last one, while up
    await second.engine.orderEvent(cid, 'FILLED', raw(0.03));
    const state = await second.engine.state(true);
    expectMatchesVenue(sim, state, journal);
    expect(state.position).toBe(-raw(0.03));
    expect(readJournal(journal).fills).toHaveLength(3);
  });

  it('restarted after the order finished: the journaled order stays FILLED under its strategy, and new ids carry the new run', async () => {
    const { sim, dataDir, journal } = await setup();
    const first = await EngineProcess.start(sim, dataDir);
    const cid = await first.engine.submit('SELL', 0.02, 61_000);
    await first.engine.orderEvent(cid, 'ACCEPTED');
    sim.trade(SYMBOL, 61_000, 0.02);
    await first.engine.orderEvent(cid, 'FILLED', raw(0.02));
    await first.engine.kill();

    const second = await EngineProcess.start(sim, dataDir);
    expect(second.ready.run).toBe(2);
    const next = await second.engine.submit('BUY', 0.01, 59_000);
    expect(next).toBe('L2-1');
    await second.engine.orderEvent(next, 'ACCEPTED');
    const state = await second.engine.state(true);
    expect(state.position).toBe(-raw(0.02));
    expect(readJournal(journal).fills).toHaveLength(1);
    expect(state.orders.find((o) => o.clientOrderId === cid)?.strategyId).toBe('crash');
    expectMatchesVenue(sim, state, journal);
  });
});
