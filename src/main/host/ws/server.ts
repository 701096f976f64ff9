/**
 * Browser mode: the IPC contract over WebSocket plus static serving of the built renderer — what
 * `libra serve` runs. Loopback by default; every WebSocket upgrade and every /api call needs the
 * random token printed with the URL (compared in constant time); Host and Origin headers are
 * checked against the served address (DNS-rebinding and cross-site WebSocket defences); every
 * response carries a strict CSP.
 *
 * Frames: client → `{t:'call',id,channel,payload}` | `{t:'resync'}`;
 *         host → `{t:'result',id,result}` | `{t:'state',msg}` (snapshot then sequenced batches).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { HostErrorCodes } from '../../../shared/ipc/result';
import { WsClientMessageSchema } from '../../../shared/ipc/schemas';
import { WS_CLOSE_UNAUTHORIZED } from '../../../shared/ipc/state-stream';
import type { Delta } from '../../../shared/ipc/state-stream';
import type { EngineHost } from '../engine-host';

export interface WsServeOptions {
  readonly host: EngineHost;
  /** 0 = a free port. */
  readonly port?: number;
  readonly hostname?: string;
  /** Built renderer (vite.renderer.config.ts output); absent = API only. */
  readonly staticDir?: string;
  readonly token?: string;
  /** Hold state batches while a socket has more than this many bytes queued (default 4 MiB). */
  readonly maxBufferedBytes?: number;
}

export interface WsServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Pages of the renderer by URL path (relative asset URLs resolve to /assets from either). */
export const PAGES: Readonly<Record<string, string>> = {
  '/': 'windows/main/main.html',
  '/index.html': 'windows/main/main.html',
  '/chart': 'windows/chart/chart.html',
};

export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function tokensEqual(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The Host header must name this server (a DNS-rebinding page sends its own host name). */
export function hostAllowed(hostHeader: string | undefined, hostname: string, port: number): boolean {
  if (!LOOPBACK.has(hostname)) return true;
  if (!hostHeader) return false;
  return ['127.0.0.1', 'localhost', '[::1]'].some((h) => hostHeader === `${h}:${port}`);
}

export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true; // non-browser clients (tests, curl) send none; the token still applies
  return hostHeader !== undefined && origin === `http://${hostHeader}`;
}

function tokenOf(req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : null;
}

export async function startWsServer(opts: WsServeOptions): Promise<WsServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const hostname = opts.hostname ?? '127.0.0.1';
  const staticDir = opts.staticDir ? resolve(opts.staticDir) : undefined;
  const maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
  let port = 0;
  let origin = '';

  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...extra,
  });
  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, headers({ 'Content-Type': type, 'Cache-Control': 'no-store' }));
    res.end(body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (!hostAllowed(req.headers.host, hostname, port)) return send(res, 421, 'misdirected request');
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/api/')) {
        if (!tokensEqual(tokenOf(req), token)) return send(res, 401, JSON.stringify({ ok: false, error: { code: HostErrorCodes.forbidden, message: 'missing or wrong token' } }), 'application/json');
        if (url.pathname === '/api/health') return send(res, 200, JSON.stringify({ ok: true, value: { clients: opts.host.clientCount } }), 'application/json');
        if (url.pathname.startsWith('/api/call/') && req.method === 'POST') {
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const c of req) {
            size += (c as Buffer).length;
            if (size > 64 * 1024) return send(res, 413, 'payload too large');
            chunks.push(c as Buffer);
          }
          let payload: unknown;
          try {
            payload = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return send(res, 400, JSON.stringify({ ok: false, error: { code: HostErrorCodes.invalidArgument, message: 'body is not JSON' } }), 'application/json');
          }
          const result = await opts.host.call(`libra:${url.pathname.slice('/api/call/'.length)}`, payload);
          return send(res, 200, JSON.stringify(result), 'application/json');
        }
        return send(res, 404, 'not found');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      if (!staticDir) return send(res, 404, 'renderer not built: run `npx vite build -c vite.renderer.config.ts`');
      const rel = PAGES[url.pathname] ?? decodeURIComponent(url.pathname).replace(/^\/+/, '');
      const file = normalize(join(staticDir, rel));
      if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'not found');
      const type = MIME[extname(file)] ?? 'application/octet-stream';
      const immutable = rel.startsWith('assets/');
      res.writeHead(200, headers({ 'Content-Type': type, 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-store' }));
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, error instanceof Error ? error.message : 'internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const deny = (status: string): void => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/ws') return deny('404 Not Found');
    if (!hostAllowed(req.headers.host, hostname, port)) return deny('421 Misdirected Request');
    if (!originAllowed(req.headers.origin, req.headers.host)) return deny('403 Forbidden');
    if (!tokensEqual(tokenOf(req), token)) {
      // A browser cannot read the status of a refused upgrade (it only sees a close, which
      // looks like a down server and is retried for ever). So complete the handshake, attach
      // nothing, and close at once with a code of its own that the UI shows and stops on.
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(WS_CLOSE_UNAUTHORIZED, 'invalid or expired token'));
      return;
    }
    // `feed=chart`: a chart window, which shows no order book or tape — spare it their deltas.
    const chartFeed = url.searchParams.get('feed') === 'chart';
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, chartFeed));
  });

  const CHART_SKIP: ReadonlySet<Delta['t']> = new Set(['book', 'trade']);
  const attach = (ws: WebSocket, chartFeed: boolean): void => {
    const client = opts.host.connect((msg) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'state', msg }));
    }, { isBackpressured: () => ws.bufferedAmount > maxBuffered, ...(chartFeed ? { skip: CHART_SKIP } : {}) });
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return;
      }
      const m = WsClientMessageSchema.safeParse(parsed);
      if (!m.success) return;
      if (m.data.t === 'resync') return client.resync();
      const { id, channel, payload } = m.data;
      void opts.host.call(channel, payload).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id, result }));
      });
    });
    ws.on('close', () => client.close());
    ws.on('error', () => client.close());
  };

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, hostname, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = hostname.includes(':') ? `[${hostname}]` : hostname;
  origin = `http://${shownHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
