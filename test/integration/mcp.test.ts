/**
 * `libra mcp` as an MCP client sees it: the official SDK's own client lists and calls the tools,
 * over stdio (spawning `libra mcp`, store tools on an imported real sample) and over streamable
 * HTTP with a token (a live session against the Binance simulator). Order tools exist only with
 * --enable-orders, and even then a proposal waits for a person before the risk gate sends it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel } from '../../src/main/kernel';
import type { RunSession } from '../../src/main/kernel';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { until } from '../support/until';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function textOf(r: unknown): string {
  const content = (r as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}


describe('libra mcp over stdio (no session: the store)', () => {
  it('lists read-only tools and answers list_series and a stored-series backtest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-mcp-'));
    await new Kernel({ dataDir: dir }).importFile({ path: SAMPLE, dataDir: dir });
    const client = new Client({ name: 'test', version: '1' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'bin/libra.js'), 'mcp', '--data-dir', dir], cwd: ROOT, stderr: 'pipe' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['backtest_stored_series', 'list_series']);
    expect(textOf(await client.callTool({ name: 'list_series', arguments: {} }))).toMatch(/BTC\/USD/);
    const bt = textOf(await client.callTool({ name: 'backtest_stored_series', arguments: { symbol: 'BTC/USD', timeframe: '4h', strategy: 'sma-cross' } }));
    expect(JSON.parse(bt)).toMatchObject({ instrument: expect.stringMatching(/^BTC\/USD@/), stats: { trades: expect.any(Number) } });
    const bad = await client.callTool({ name: 'backtest_stored_series', arguments: { symbol: 'BTC/USD', timeframe: 'often', strategy: 'sma-cross' } });
    expect(bad.isError).toBe(true);
  }, 90_000);
});

describe('libra mcp over HTTP with a live session (Binance simulator)', () => {
  async function session(): Promise<{ sim: BinanceSim; kernel: Kernel; run: RunSession; dir: string }> {
    const sim = await startBinanceSim({});
    cleanups.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), 'libra-mcp-http-'));
    process.env['LIBRA_KEY_PASSPHRASE'] = 'mcp pass';
    const kernel = new Kernel({ dataDir: dir });
    kernel.addApiKey({ id: 'sim', venue: 'binance', environment: 'production', apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET }, { passphrase: 'mcp pass' });
    const u = sim.ccxtUrls;
    const config = kernel.parseRunConfig({
      venues: [{ ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] }],
      risk: { defaults: { maxOrderNotional: 5000 } },
    });
    const run = await kernel.startRun({ config, dataDir: dir, print: () => undefined });
    cleanups.push(() => run.stop());
    const ticker = setInterval(() => sim.trade('BTCUSDT', 60_000, 0.5), 150);
    cleanups.push(() => clearInterval(ticker));
    return { sim, kernel, run, dir };
  }

  async function connect(url: string, token: string): Promise<Client> {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    cleanups.push(() => client.close());
    return client;
  }

  it('is read-only by default and refuses a wrong token', async () => {
    const s = await session();
    const mcp = await s.kernel.serveMcp({ transport: { port: 0 }, session: s.run, enableOrders: false, dataDir: s.dir, log: () => undefined });
    cleanups.push(() => mcp.close());
    const client = await connect(String(mcp.url), String(mcp.token));
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('get_market_snapshot');
    expect(tools).not.toContain('propose_order');
    expect(tools).not.toContain('cancel_order');
    await until(() => s.run.core.cache.lastPrice('BTC/USDT@BINANCE') !== undefined, 10_000, 'a last price');
    const snap = JSON.parse(textOf(await client.callTool({ name: 'get_market_snapshot', arguments: { instrument: 'BTC/USDT@BINANCE' } }))) as { last: number };
    expect(snap.last).toBe(60_000);
    const refused = await client.callTool({ name: 'propose_order', arguments: { instrument: 'BTC/USDT@BINANCE', side: 'buy', type: 'market', quantity: 0.001, reasoning: 'x' } });
    expect(refused.isError).toBe(true);
    const wrong = new Client({ name: 'test', version: '1' });
    await expect(wrong.connect(new StreamableHTTPClientTransport(new URL(String(mcp.url)), { requestInit: { headers: { authorization: 'Bearer nope' } } }))).rejects.toThrow();
    expect(s.sim.orders()).toHaveLength(0);
  }, 90_000);

  it('with --enable-orders queues a proposal for a person; approved, it passes the gate to the venue', async () => {
    const s = await session();
    const mcp = await s.kernel.serveMcp({ transport: { port: 0 }, session: s.run, enableOrders: true, dataDir: s.dir, log: () => undefined });
    cleanups.push(() => mcp.close());
    const client = await connect(String(mcp.url), String(mcp.token));
    await until(() => s.run.core.cache.lastPrice('BTC/USDT@BINANCE') !== undefined, 10_000, 'a last price');
    const r = JSON.parse(textOf(await client.callTool({ name: 'propose_order', arguments: { instrument: 'BTC/USDT@BINANCE', side: 'buy', type: 'market', quantity: 0.001, reasoning: 'client asked' } }))) as { status: string; proposalId: string };
    expect(r.status).toBe('QUEUED');
    await new Promise((res) => setTimeout(res, 1000));
    expect(s.sim.orders()).toHaveLength(0);
    s.kernel.agentDesk(s.dir).approve(r.proposalId, 'test');
    await until(() => s.sim.orders().length === 1, 15_000, 'the approved order on the venue');
  }, 90_000);
});
