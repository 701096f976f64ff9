/**
 * `libra mcp`: LIBRA's agent tools over the Model Context Protocol (the official TypeScript
 * SDK), on stdio or on streamable HTTP bound to loopback with a bearer token.
 *
 * Read-only by default. With a session (`--config`), the tools read it through a passive agent
 * named "mcp" started in the session's strategy host; with `--enable-orders` the order tools are
 * offered too, and a proposal always goes to the approval queue (a person approves it with
 * `libra agents approve ID`) and then through the risk gate: an MCP client can never send an
 * order by itself. Without a session, the tools read the store (series, stored-bar backtests).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { AgentConfig } from './agent-config';
import { agentSchema } from './agent-config';
import { AgentStrategy } from './agent-runner';
import { ApprovalQueue } from './approvals';
import { AuditLog } from './audit';
import { AgentControl } from './control';
import type { AgentHostCore } from './index';
import type { ToolName } from './tools';
import { runTool, toolSchemas } from './tools';

const READ_TOOLS = ['get_market_snapshot', 'get_bars', 'get_positions', 'get_balances', 'get_open_orders', 'get_recent_fills'] as const satisfies readonly ToolName[];
const ORDER_TOOLS = ['propose_order', 'cancel_order'] as const satisfies readonly ToolName[];

export interface StoreTools {
  listSeries(): Promise<unknown>;
  backtestSeries(args: { symbol: string; venue?: string | undefined; timeframe: string; strategy: string; params: Record<string, string> }): Promise<unknown>;
}

export interface McpOptions {
  readonly dataDir: string;
  readonly enableOrders: boolean;
  /** A running session to serve (its instruments), or none: store tools only. */
  readonly session?: { readonly core: AgentHostCore; readonly instruments: readonly string[]; readonly currency: string } | undefined;
  readonly store: StoreTools;
  readonly version: string;
  readonly log: (line: string) => void;
}

type TextResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

function text(value: unknown, isError = false): TextResult {
  return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }], ...(isError ? { isError: true } : {}) };
}

/** The passive agent through which MCP tools see and act on a session. */
export function startMcpAgent(options: McpOptions): AgentStrategy | undefined {
  const s = options.session;
  if (!s) return undefined;
  const config: AgentConfig = agentSchema.parse({
    name: 'mcp',
    model: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1/none', model: 'mcp-client' },
    instruments: s.instruments,
    approval: 'human',
  });
  const control = new AgentControl(options.dataDir);
  const agent = new AgentStrategy({
    config,
    client: { provider: 'mcp', complete: () => Promise.reject(new Error('the MCP agent makes no model calls')) },
    audit: new AuditLog(options.dataDir),
    currency: s.currency,
    tradingState: () => s.core.risk.tradingState(),
    isKilled: () => control.isKilled('mcp'),
    approvals: new ApprovalQueue(options.dataDir),
    passive: true,
    print: options.log,
  });
  s.core.host.start('agent:mcp', agent, { bars: s.instruments.map((instrumentId) => ({ instrumentId, timeframe: '1m' })), trades: s.instruments });
  return agent;
}

export function buildMcpServer(options: McpOptions, agent: AgentStrategy | undefined): McpServer {
  const server = new McpServer({ name: 'libra', version: options.version });
  server.registerTool('list_series', { description: 'What the store holds: venues, symbols, kinds, timeframes, row counts and time ranges.', inputSchema: z.object({}).strict() }, async () => text(await options.store.listSeries()));
  server.registerTool(
    'backtest_stored_series',
    {
      description: 'Backtest a built-in strategy (e.g. sma-cross) over a stored bar series; returns the report statistics.',
      inputSchema: z
        .object({
          symbol: z.string().min(1).max(64),
          venue: z.string().min(1).max(32).optional(),
          timeframe: z.string().regex(/^\d+[smhdw]$/),
          strategy: z.string().regex(/^[a-z0-9-]+$/),
          params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
        })
        .strict(),
    },
    async (a) => {
      try {
        return text(await options.store.backtestSeries({ ...a, params: Object.fromEntries(Object.entries(a.params).map(([k, v]) => [k, String(v)])) }));
      } catch (e) {
        return text(e instanceof Error ? e.message : String(e), true);
      }
    },
  );
  if (!agent) return server;
  const world = agent.toolWorld;
  const tools: readonly ToolName[] = options.enableOrders ? [...READ_TOOLS, ...ORDER_TOOLS] : READ_TOOLS;
  for (const name of tools) {
    const description =
      name === 'propose_order' ? 'Propose an order: it waits in the approval queue for a person (libra agents approve ID), then passes the risk gate. Never sent directly.' : `${name.replace(/_/g, ' ')} of the running session`;
    server.registerTool(name, { description, inputSchema: toolSchemas[name] }, (args: unknown) => {
      const r = runTool(world, name as Exclude<ToolName, 'run_backtest'>, args);
      return r.ok ? text(r.value) : text(r.error, true);
    });
  }
  return server;
}

export interface RunningMcp {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  close(): Promise<void>;
}

export async function serveMcpStdio(options: McpOptions): Promise<RunningMcp> {
  const agent = startMcpAgent(options);
  const server = buildMcpServer(options, agent);
  await server.connect(new StdioServerTransport());
  return { close: () => server.close() };
}

function tokenOk(req: IncomingMessage, token: string): boolean {
  const h = req.headers['authorization'];
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Streamable HTTP on 127.0.0.1 (stateless: one server and transport per request), bearer token required. */
export async function serveMcpHttp(options: McpOptions & { readonly port: number; readonly token?: string | undefined }): Promise<RunningMcp> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const agent = startMcpAgent(options);
  const http: Server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? '').split('?')[0] !== '/mcp') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found: the MCP endpoint is /mcp' }));
      return;
    }
    if (!tokenOk(req, token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(JSON.stringify({ error: 'missing or wrong bearer token' }));
      return;
    }
    const server = buildMcpServer(options, agent);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (e) {
      options.log(`mcp: request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal error' }));
    }
  }
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  return {
    url,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
