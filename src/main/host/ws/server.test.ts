import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EngineHost } from '../engine-host';
import { paperSession } from '../test-support';
import { WS_CLOSE_UNAUTHORIZED } from '../../../shared/ipc/state-stream';
import { hostAllowed, startWsServer } from './server';
import type { WsServer } from './server';

describe('libra serve WebSocket host', () => {
  let server: WsServer;
  let host: EngineHost;
  beforeAll(async () => {
    host = new EngineHost(await paperSession());
    server = await startWsServer({ host, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    host.dispose();
  });

  const open = (url: string, headers: Record<string, string> = {}) =>
    new Promise<{ ws: WebSocket; first: unknown }>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('message', (d) => resolve({ ws, first: JSON.parse(String(d)) }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))));
      ws.once('error', reject);
    });

  /** Opens a socket and resolves with how the server closed it (code and reason), and whether any frame came first. */
  const closedWith = (url: string) =>
    new Promise<{ code: number; reason: string; frames: number }>((resolve, reject) => {
      const ws = new WebSocket(url);
      let frames = 0;
      ws.on('message', () => frames++);
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason), frames }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))));
    });

  it('closes sockets without the token or with a wrong one with 4401 "invalid or expired token", sending nothing', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    for (const url of [base, `${base}?token=wrong`]) {
      expect(await closedWith(url)).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'invalid or expired token', frames: 0 });
    }
    expect(WS_CLOSE_UNAUTHORIZED).toBe(4401);
  });

  it('refuses upgrades from another origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    await expect(open(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('403');
  });

  it('streams a snapshot first and answers calls with Results', async () => {
    const { ws, first } = await open(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    expect(first).toMatchObject({ t: 'state', msg: { kind: 'snapshot', seq: 1 } });
    const reply = new Promise<unknown>((resolve) => ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as { t: string };
      if (f.t === 'result') resolve(f);
    }));
    ws.send(JSON.stringify({ t: 'call', id: 7, channel: 'libra:orders.submit', payload: { nope: 1 } }));
    expect(await reply).toMatchObject({ t: 'result', id: 7, result: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    ws.close();
  });

  it('leaves book and trade deltas out of a chart window\'s feed (feed=chart), not out of the main window\'s', async () => {
    const collect = async (query: string): Promise<{ kinds: Set<string>; ws: WebSocket }> => {
      const { ws } = await open(`ws://127.0.0.1:${server.port}/ws?token=${server.token}${query}`);
      const kinds = new Set<string>();
      ws.on('message', (d) => {
        const f = JSON.parse(String(d)) as { t: string; msg?: { kind: string; deltas?: { t: string }[] } };
        for (const x of f.msg?.deltas ?? []) kinds.add(x.t);
      });
      return { kinds, ws };
    };
    const main = await collect('');
    const chart = await collect('&feed=chart');
    const inst = host.session.instrument;
    host.broadcast({ t: 'book', book: { instrumentId: inst.id, ts: 1, bids: [{ price: 1, size: 1 }], asks: [{ price: 2, size: 1 }] } });
    host.broadcast({ t: 'trade', trade: { instrumentId: inst.id, tradeId: 'x1', ts: 1, price: 1, size: 1, side: 'BUY' } });
    host.broadcast({ t: 'tradingState', tradingState: 'ACTIVE' });
    await new Promise((r) => setTimeout(r, 150));
    expect([...main.kinds].sort()).toEqual(['book', 'trade', 'tradingState']);
    expect([...chart.kinds]).toEqual(['tradingState']);
    main.ws.close();
    chart.ws.close();
  });

  it('refuses API calls without the token and foreign Host headers', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/api/health`)).status).toBe(401);
    const r = await fetch(`http://127.0.0.1:${server.port}/api/call/alerts.list`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{}' });
    expect(await r.json()).toEqual({ ok: true, value: [] });
    expect(hostAllowed('evil.example:80', '127.0.0.1', 80)).toBe(false);
    expect(hostAllowed(`127.0.0.1:${server.port}`, '127.0.0.1', server.port)).toBe(true);
  });
});
