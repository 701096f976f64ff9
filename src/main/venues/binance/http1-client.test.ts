/**
 * The lean HTTP/1.1 client against real loopback sockets: a raw TCP server that answers each
 * request with bytes the test chooses (split anywhere, chunked, cut short, never), and a TLS one
 * (a certificate made by openssl for the test, skipped where openssl is missing). Every case
 * counts what the server received: a request is written once, never again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Client, Http1ConnectionError, Http1TimeoutError } from './http1-client';

type Answer = (socket: Socket, request: string, index: number) => void | Promise<void>;

interface RawServer {
  readonly url: string;
  readonly requests: string[];
  connections: number;
  close(): Promise<void>;
}

const servers: { close(): Promise<void> }[] = [];
const clients: Http1Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

/** Reads whole requests (head + Content-Length body) off each connection; `answer` writes the reply. */
function serve(server: Server, answer: Answer, scheme: string): Promise<RawServer> {
  const raw: RawServer = { url: '', requests: [], connections: 0, close: () => new Promise((r) => server.close(() => r())) };
  const sockets = new Set<Socket>();
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
    raw.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const request = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        raw.requests.push(request);
        void answer(socket, request, raw.requests.length - 1);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      servers.push({
        close: async () => {
          for (const s of sockets) s.destroy();
          await raw.close();
        },
      });
      resolve(Object.assign(raw, { url: `${scheme}://127.0.0.1:${port}` }));
    }),
  );
}

const rawServer = (answer: Answer): Promise<RawServer> => serve(createServer(), answer, 'http');

function client(timeoutMs = 2000): Http1Client {
  const c = new Http1Client(() => timeoutMs);
  clients.push(c);
  return c;
}

const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes `text` a few bytes at a time, each piece its own TCP write after a pause. */
async function dribble(socket: Socket, text: string, piece = 3): Promise<void> {
  for (let i = 0; i < text.length; i += piece) {
    socket.write(text.slice(i, i + piece));
    await sleep(1);
  }
}

describe('Http1Client (keep-alive HTTP/1.1 for the order hot path)', () => {
  it('writes the request head and body once, exactly, and reads an answer split into 3-byte pieces', async () => {
    const s = await rawServer((socket) => dribble(socket, ok('{"orderId":1,"status":"NEW"}', 'X-Mbx-Used-Weight: 1\r\nX-Mbx-Used-Weight: 2\r\n')));
    const r = await client().request({ method: 'POST', url: `${s.url}/api/v3/order`, headers: { 'X-MBX-APIKEY': 'key', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'symbol=BTCUSDT&signature=ab' });
    expect(r).toEqual({ status: 200, statusText: 'OK', headers: { 'content-type': 'application/json', 'content-length': '28', 'x-mbx-used-weight': '1, 2' }, body: '{"orderId":1,"status":"NEW"}' });
    const host = s.url.slice('http://'.length);
    expect(s.requests).toEqual([
      `POST /api/v3/order HTTP/1.1\r\nHost: ${host}\r\nX-MBX-APIKEY: key\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\nConnection: keep-alive\r\n\r\nsymbol=BTCUSDT&signature=ab`,
    ]);
  });

  it('keeps the connection: sequential requests share one socket, concurrent ones open another', async () => {
    const s = await rawServer((socket, _req, i) => {
      const body = `{"n":${i}}`;
      if (i === 2 || i === 3) setTimeout(() => socket.write(ok(body)), 20);
      else socket.write(ok(body));
    });
    const c = client();
    const get = (q: string): Promise<string> => c.request({ method: 'GET', url: `${s.url}/api/v3/order?${q}`, headers: {}, body: undefined }).then((r) => r.body);
    expect(await get('a=1')).toBe('{"n":0}');
    expect(await get('a=2')).toBe('{"n":1}');
    expect(s.connections).toBe(1);
    expect(await Promise.all([get('b=1'), get('b=2')])).toEqual(['{"n":2}', '{"n":3}']);
    expect(s.connections).toBe(2);
    expect(s.requests[0]).toMatch(/^GET \/api\/v3\/order\?a=1 HTTP\/1\.1\r\n/);
    expect(s.requests[0]).not.toMatch(/content-length/i);
  });

  it('reads a chunked answer (extensions, trailers, chunks split across writes) and reuses the socket', async () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{"a":\r\nC\r\n"hello wor"}\r\n0\r\nX-Trailer: t\r\n\r\n';
    const s = await rawServer((socket, _r, i) => (i === 0 ? dribble(socket, chunked, 4) : void socket.write(ok('{}'))));
    const c = client();
    expect((await c.request({ method: 'GET', url: `${s.url}/x`, headers: {}, body: undefined })).body).toBe('{"a":"hello wor"}');
    expect((await c.request({ method: 'GET', url: `${s.url}/y`, headers: {}, body: undefined })).body).toBe('{}');
    expect(s.connections).toBe(1);
  });

  it('skips an informational 100 answer and reads the final one', async () => {
    const s = await rawServer((socket) => void socket.write(`HTTP/1.1 100 Continue\r\n\r\n${ok('{"x":1}')}`));
    expect((await client().request({ method: 'GET', url: `${s.url}/x`, headers: {}, body: undefined })).body).toBe('{"x":1}');
  });

  it('reads a body framed by the close, and a Connection: close answer; neither socket is reused', async () => {
    const s = await rawServer((socket, _r, i) => {
      if (i === 0) socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"until":"close"}');
      else socket.end(ok('{"c":1}', 'Connection: close\r\n'));
    });
    const c = client();
    expect((await c.request({ method: 'GET', url: `${s.url}/a`, headers: {}, body: undefined })).body).toBe('{"until":"close"}');
    expect((await c.request({ method: 'GET', url: `${s.url}/b`, headers: {}, body: undefined })).body).toBe('{"c":1}');
    expect((await c.request({ method: 'GET', url: `${s.url}/c`, headers: {}, body: undefined })).body).toBe('{"c":1}');
    expect(s.connections).toBe(3);
  });

  it('a connection lost mid-answer rejects (answer lost) and the request is not resent', async () => {
    const s = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"orderId":');
      setTimeout(() => socket.destroy(), 10);
    });
    const c = client();
    await expect(c.request({ method: 'POST', url: `${s.url}/api/v3/order`, headers: {}, body: 'a=1' })).rejects.toBeInstanceOf(Http1ConnectionError);
    await sleep(50);
    expect(s.requests).toHaveLength(1);
    expect(s.connections).toBe(1);
    expect(c.openSockets).toBe(0);
  });

  it('a connection reset before any answer rejects; a malformed answer rejects; neither is resent', async () => {
    const s = await rawServer((socket, _r, i) => (i === 0 ? void socket.destroy() : void socket.write('HTTP/2 200\r\n\r\n')));
    const c = client();
    await expect(c.request({ method: 'POST', url: `${s.url}/o`, headers: {}, body: 'a=1' })).rejects.toBeInstanceOf(Http1ConnectionError);
    await expect(c.request({ method: 'POST', url: `${s.url}/o`, headers: {}, body: 'a=2' })).rejects.toThrow(/status line/);
    await sleep(50);
    expect(s.requests.map((r) => r.slice(-3))).toEqual(['a=1', 'a=2']);
  });

  it('times out a request the server never answers: rejected after the timeout, socket destroyed, not resent', async () => {
    const s = await rawServer(() => undefined);
    const c = client(150);
    const t0 = Date.now();
    await expect(c.request({ method: 'POST', url: `${s.url}/o`, headers: {}, body: 'a=1' })).rejects.toBeInstanceOf(Http1TimeoutError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await sleep(100);
    expect(s.requests).toHaveLength(1);
    expect(c.openSockets).toBe(0);
  });

  it('an idle socket the server closed is dropped, not written to: the next request opens a new connection', async () => {
    const s = await rawServer((socket, _r, i) => {
      socket.write(ok(`{"i":${i}}`));
      if (i === 0) setTimeout(() => socket.end(), 10); // the server's keep-alive expiry
    });
    const c = client();
    expect((await c.request({ method: 'GET', url: `${s.url}/a`, headers: {}, body: undefined })).body).toBe('{"i":0}');
    // The server's FIN reaches the client when the event loop gets to it (later on a loaded machine): wait for it, not for a fixed time.
    for (let n = 0; n < 500 && c.openSockets > 0; n++) await sleep(10);
    expect(c.openSockets).toBe(0);
    expect((await c.request({ method: 'GET', url: `${s.url}/b`, headers: {}, body: undefined })).body).toBe('{"i":1}');
    expect(s.connections).toBe(2);
  });

  it("honours the server's Keep-Alive timeout hint (less a second): a socket idle past it is not reused", async () => {
    const s = await rawServer((socket) => void socket.write(ok('{}', 'Keep-Alive: timeout=1\r\n')));
    const c = client();
    await c.request({ method: 'GET', url: `${s.url}/a`, headers: {}, body: undefined });
    await sleep(5);
    await c.request({ method: 'GET', url: `${s.url}/b`, headers: {}, body: undefined });
    expect(s.connections).toBe(2);
  });

  it('refuses header values that would split the request (CR/LF), sending nothing', async () => {
    const s = await rawServer((socket) => void socket.write(ok('{}')));
    await expect(client().request({ method: 'GET', url: `${s.url}/a`, headers: { 'X-MBX-APIKEY': 'k\r\nX-Evil: 1' }, body: undefined })).rejects.toThrow(/unsafe/);
    expect(s.connections).toBe(0);
  });

  it('close() rejects a request in flight and destroys every socket', async () => {
    const s = await rawServer(() => undefined);
    const c = client();
    const p = c.request({ method: 'POST', url: `${s.url}/o`, headers: {}, body: 'a=1' });
    await sleep(20);
    c.close();
    await expect(p).rejects.toBeInstanceOf(Http1ConnectionError);
    expect(c.openSockets).toBe(0);
  });

  let cert: { key: Buffer; cert: Buffer } | undefined;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'libra-http1-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
    rmSync(dir, { recursive: true, force: true });
  } catch {
    cert = undefined;
  }
  it.skipIf(cert === undefined)('speaks HTTPS (TLS) on keep-alive sockets, and refuses a certificate it cannot verify', async () => {
    const tls = cert as { key: Buffer; cert: Buffer };
    const s = await serve(createTlsServer({ key: tls.key, cert: tls.cert }), (socket) => void socket.write(ok('{"tls":true}')), 'https');
    await expect(client().request({ method: 'GET', url: `${s.url}/a`, headers: {}, body: undefined })).rejects.toBeInstanceOf(Http1ConnectionError);
    // Trust the test's certificate for this client only.
    const c = new Http1Client(() => 2000, { ca: tls.cert });
    clients.push(c);
    expect((await c.request({ method: 'GET', url: `${s.url}/a`, headers: {}, body: undefined })).body).toBe('{"tls":true}');
    expect((await c.request({ method: 'GET', url: `${s.url}/b`, headers: {}, body: undefined })).body).toBe('{"tls":true}');
    expect(s.connections).toBe(1); // one kept-alive socket (the refused handshake never became a connection)
  });
});
