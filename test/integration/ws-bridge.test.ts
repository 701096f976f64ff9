/**
 * The browser-mode bridge (src/renderer/app/ws-bridge.ts) against the real `libra serve` WebSocket
 * host. Node 20 has no global WebSocket, so the `ws` package's client (a real WebSocket client
 * with the browser's onopen/onmessage/onclose API) stands in for the browser's. No mock: real
 * sockets, real host.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EngineHost } from '../../src/main/host/engine-host';
import { paperSession } from '../../src/main/host/test-support';
import { startWsServer } from '../../src/main/host/ws/server';
import type { WsServer } from '../../src/main/host/ws/server';
import type { Result } from '../../src/shared/ipc/result';
import type { ConnectionStatus } from '../../src/shared/ipc/state-stream';

/** The slice of the bridge these tests drive (the module is DOM-typed: loaded at run time, not type-checked here). */
interface BridgeUnderTest {
  alerts: { list(req: object): Promise<Result<unknown>> };
  state: { onDidChangeStatus?(l: (s: ConnectionStatus) => void): () => void };
  close(): void;
}
type CreateWsBridge = (opts: { url: string; queueMs?: number }) => BridgeUnderTest;
const BRIDGE_MODULE = '../../src/renderer/app/ws-bridge';
let createWsBridge: CreateWsBridge;

const g = globalThis as { WebSocket?: unknown };
const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('ws-bridge (browser transport)', () => {
  let host: EngineHost;
  const servers: WsServer[] = [];
  beforeAll(async () => {
    g.WebSocket = WebSocket;
    ({ createWsBridge } = (await import(/* @vite-ignore */ BRIDGE_MODULE)) as { createWsBridge: CreateWsBridge });
    host = new EngineHost(await paperSession());
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    host.dispose();
    delete g.WebSocket;
  });

  it('queues a call made while the socket is connecting and answers it once open', async () => {
    const server = await startWsServer({ host, port: 0 });
    servers.push(server);
    const bridge = createWsBridge({ url: `ws://127.0.0.1:${server.port}/ws?token=${server.token}` });
    // Called synchronously: the socket is still CONNECTING.
    const r = await bridge.alerts.list({});
    expect(r).toEqual({ ok: true, value: [] });
    bridge.close();
  });

  it('keeps queued calls across reconnect attempts until the server comes up', async () => {
    const port = await freePort();
    const bridge = createWsBridge({ url: `ws://127.0.0.1:${port}/ws?token=tok` });
    const seen: ConnectionStatus[] = [];
    bridge.state.onDidChangeStatus?.((s) => seen.push(s));
    const call = bridge.alerts.list({});
    // Wait until at least one attempt failed (the server is not there yet), then start it.
    while (!seen.includes('closed')) await new Promise((r) => setTimeout(r, 20));
    const server = await startWsServer({ host, port, token: 'tok' });
    servers.push(server);
    expect(await call).toEqual({ ok: true, value: [] });
    bridge.close();
  });

  it('a wrong token ends in status unauthorized, FORBIDDEN "invalid or expired token", and no more reconnects', async () => {
    const server = await startWsServer({ host, port: 0 });
    servers.push(server);
    const bridge = createWsBridge({ url: `ws://127.0.0.1:${server.port}/ws?token=stale` });
    const seen: ConnectionStatus[] = [];
    bridge.state.onDidChangeStatus?.((s) => seen.push(s));
    const queued = await bridge.alerts.list({});
    expect(queued).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'invalid or expired token' } });
    expect(seen.at(-1)).toBe('unauthorized');
    // No reconnect follows: wait longer than the first backoff (250 ms) and look again.
    await new Promise((r) => setTimeout(r, 800));
    expect(seen).toEqual(['unauthorized']);
    expect(await bridge.alerts.list({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    bridge.close();
  });

  it('answers DISCONNECTED after the bounded wait when the engine never comes', async () => {
    const port = await freePort();
    const bridge = createWsBridge({ url: `ws://127.0.0.1:${port}/ws?token=x`, queueMs: 300 });
    const r = await bridge.alerts.list({});
    expect(r).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    bridge.close();
  });
});
