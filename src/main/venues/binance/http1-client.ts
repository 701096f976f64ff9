/**
 * A lean HTTP/1.1 keep-alive client for the order hot path (the Binance encoder's signed
 * requests): the request is one string written once on a pooled socket, the answer is parsed
 * from the socket's bytes — status line, headers, then a body framed by Content-Length, by the
 * chunked transfer coding, or by the connection's close. Why not `node:http`: its client
 * allocates ≈ 8 KB per request (ClientRequest, the agent's bookkeeping, an IncomingMessage
 * stream, a URL per call) and runs its write through the stream machinery, on the path between a
 * market data frame and the order on the wire (`npm run bench -- ccxt`).
 *
 * Invariants:
 *  - A request is written AT MOST ONCE: any failure after the write (socket error or close
 *    before the whole answer, the timeout, an answer that cannot be parsed) rejects, and nothing
 *    is resent on this or any other socket; the caller treats the answer as lost (asks the venue
 *    by client order id).
 *  - One request at a time per socket (no pipelining); concurrent requests open more sockets.
 *    A socket goes back to the pool only after a complete answer that leaves it reusable
 *    (HTTP/1.1, no `Connection: close`, framed by length or chunks, no stray bytes after it).
 *  - An idle socket the server closes (or half-closes, or writes to) leaves the pool at once;
 *    one idle longer than the server's `Keep-Alive: timeout=` hint (less a second) is not reused.
 */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface Http1Request {
  readonly method: string;
  /** Absolute URL (`https://api.binance.com/api/v3/order?…`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

export interface Http1Reply {
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers joined with ', ' (as `node:http` does). */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The request timed out (the socket is destroyed; the answer is lost). */
export class Http1TimeoutError extends Error {
  override readonly name = 'Http1TimeoutError';
}

/** The answer was lost or unreadable (socket error/close before it was whole, a malformed answer). */
export class Http1ConnectionError extends Error {
  override readonly name = 'Http1ConnectionError';
}

interface Origin {
  readonly key: string;
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly hostHeader: string;
  readonly idle: PooledSocket[];
}

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const UNSAFE = /[\r\n\0]/;

type Framing = 'length' | 'chunked' | 'close' | 'none';

/** The answer being read on one socket, fed the socket's bytes as they come. */
class AnswerParser {
  status = 0;
  statusText = '';
  readonly headers: Record<string, string> = {};
  reusable = false;
  private buf: Buffer | undefined;
  private phase: 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'done' = 'head';
  private framing: Framing = 'none';
  private remaining = 0;
  private readonly parts: Buffer[] = [];

  /** Feeds bytes; true when the answer is complete. Throws Http1ConnectionError on a malformed answer. */
  feed(chunk: Buffer): boolean {
    this.buf = this.buf === undefined || this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      switch (this.phase) {
        case 'head':
          if (!this.readHead()) return false;
          break;
        case 'body':
          if (this.framing === 'close') {
            this.take(this.available());
            return false;
          }
          this.remaining -= this.take(Math.min(this.remaining, this.available()));
          if (this.remaining > 0) return false;
          return this.finish();
        case 'chunk-size': {
          const line = this.line();
          if (line === undefined) return false;
          const hex = (line.split(';', 1)[0] ?? '').trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Http1ConnectionError(`bad chunk size "${line.slice(0, 40)}"`);
          this.remaining = Number.parseInt(hex, 16);
          this.phase = this.remaining === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'chunk-data':
          this.remaining -= this.take(Math.min(this.remaining, this.available()));
          if (this.remaining > 0) return false;
          this.phase = 'chunk-end';
          break;
        case 'chunk-end': {
          const line = this.line(); // the CRLF after a chunk's data
          if (line === undefined) return false;
          if (line !== '') throw new Http1ConnectionError('chunk data longer than its size');
          this.phase = 'chunk-size';
          break;
        }
        case 'trailers': {
          const line = this.line();
          if (line === undefined) return false;
          if (line === '') return this.finish();
          break; // a trailer field: ignored
        }
        case 'done':
          return this.finish();
      }
    }
  }

  /** The server closed the connection: complete for a body framed by the close, else lost. */
  closed(): boolean {
    if (this.phase === 'body' && this.framing === 'close') {
      this.reusable = false;
      this.phase = 'done';
      return true;
    }
    return this.phase === 'done';
  }

  get body(): string {
    return this.parts.length === 1 ? (this.parts[0] as Buffer).toString('utf8') : Buffer.concat(this.parts).toString('utf8');
  }

  private available(): number {
    return this.buf?.length ?? 0;
  }

  private take(n: number): number {
    if (n <= 0 || this.buf === undefined) return 0;
    this.parts.push(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return n;
  }

  /** One CRLF-terminated line (latin1), consumed; undefined until it is whole. */
  private line(): string | undefined {
    const buf = this.buf;
    if (buf === undefined) return undefined;
    const at = buf.indexOf(CRLF);
    if (at < 0) {
      if (buf.length > MAX_HEAD_BYTES) throw new Http1ConnectionError('line too long in the answer');
      return undefined;
    }
    const s = buf.toString('latin1', 0, at);
    this.buf = buf.subarray(at + 2);
    return s;
  }

  private readHead(): boolean {
    const buf = this.buf as Buffer;
    const end = buf.indexOf(HEAD_END);
    if (end < 0) {
      if (buf.length > MAX_HEAD_BYTES) throw new Http1ConnectionError('answer head larger than 64 KB');
      return false;
    }
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    this.buf = buf.subarray(end + 4);
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!m) throw new Http1ConnectionError(`not an HTTP/1.x status line: "${(lines[0] ?? '').slice(0, 80)}"`);
    const status = Number(m[2]);
    if (status >= 100 && status < 200) {
      if (status === 101) throw new Http1ConnectionError('unexpected protocol switch (101)');
      return true; // informational (100 Continue): the real answer follows
    }
    this.status = status;
    this.statusText = m[3] ?? '';
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i] as string;
      const c = l.indexOf(':');
      if (c <= 0) throw new Http1ConnectionError(`malformed header line "${l.slice(0, 80)}"`);
      const name = l.slice(0, c).trim().toLowerCase();
      const value = l.slice(c + 1).trim();
      const had = this.headers[name];
      this.headers[name] = had === undefined ? value : `${had}, ${value}`;
    }
    const conn = (this.headers['connection'] ?? '').toLowerCase();
    const te = this.headers['transfer-encoding'];
    const cl = this.headers['content-length'];
    if (status === 204 || status === 304) this.framing = 'none';
    else if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) this.framing = 'close';
      else this.framing = 'chunked';
    } else if (cl !== undefined) {
      if (!/^\d+$/.test(cl)) throw new Http1ConnectionError(`bad Content-Length "${cl}"`);
      this.framing = 'length';
      this.remaining = Number(cl);
    } else this.framing = 'close';
    this.reusable = m[1] === '1' && !/(^|,)\s*close\s*(,|$)/.test(conn) && this.framing !== 'close';
    if (this.framing === 'none') {
      this.phase = 'done';
      return true;
    }
    this.phase = this.framing === 'chunked' ? 'chunk-size' : 'body';
    if (this.framing === 'length' && this.remaining === 0) this.phase = 'done';
    return true;
  }

  private finish(): boolean {
    this.phase = 'done';
    // Bytes after the answer that nobody asked for: this socket is not to be trusted again.
    if (this.available() > 0) this.reusable = false;
    return true;
  }
}

interface InFlight {
  readonly parser: AnswerParser;
  readonly resolve: (r: Http1Reply) => void;
  readonly reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** A socket of the pool with the request it carries (none while idle). */
class PooledSocket {
  current: InFlight | undefined;
  /** Not reusable after this time (ms, the server's keep-alive hint); Infinity without one. */
  idleUntil = Infinity;

  constructor(
    readonly socket: Socket,
    private readonly origin: Origin,
    private readonly onGone: (s: PooledSocket) => void,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (e) => this.fail(new Http1ConnectionError(e.message)));
    socket.on('close', () => this.fail(new Http1ConnectionError('connection closed before the whole answer')));
  }

  private onData(chunk: Buffer): void {
    const f = this.current;
    if (f === undefined) {
      this.socket.destroy(); // bytes nobody asked for on an idle socket
      return;
    }
    let complete: boolean;
    try {
      complete = f.parser.feed(chunk);
    } catch (e) {
      this.socket.destroy();
      this.fail(e instanceof Error ? e : new Http1ConnectionError(String(e)));
      return;
    }
    if (complete) this.complete(f);
  }

  private onEnd(): void {
    const f = this.current;
    if (f !== undefined && f.parser.closed()) this.complete(f);
    this.socket.destroy();
  }

  private complete(f: InFlight): void {
    this.current = undefined;
    if (f.timer !== undefined) clearTimeout(f.timer);
    const p = f.parser;
    const reply: Http1Reply = { status: p.status, statusText: p.statusText, headers: p.headers, body: p.body };
    if (p.reusable && !this.socket.destroyed) {
      const hint = /(?:^|,)\s*timeout=(\d+)/i.exec(p.headers['keep-alive'] ?? '');
      this.idleUntil = hint ? Date.now() + Number(hint[1]) * 1000 - 1000 : Infinity;
      this.origin.idle.push(this);
    } else this.socket.destroy();
    f.resolve(reply);
  }

  fail(e: Error): void {
    const f = this.current;
    this.current = undefined;
    this.onGone(this);
    if (f === undefined) return;
    if (f.timer !== undefined) clearTimeout(f.timer);
    this.socket.destroy();
    f.reject(e);
  }

  send(text: string, timeoutMs: number): Promise<Http1Reply> {
    return new Promise<Http1Reply>((resolve, reject) => {
      const f: InFlight = { parser: new AnswerParser(), resolve, reject, timer: undefined };
      this.current = f;
      f.timer = setTimeout(() => {
        if (this.current !== f) return;
        this.fail(new Http1TimeoutError(`timed out (${timeoutMs} ms)`));
      }, timeoutMs);
      this.socket.write(text);
    });
  }
}

export class Http1Client {
  private readonly origins = new Map<string, Origin>();
  private readonly live = new Set<PooledSocket>();
  private closed = false;

  /**
   * `timeoutMs`: the whole exchange (write to the last byte of the answer), read per request.
   * `tls.ca`: certificates to trust instead of Node's roots (a venue behind a private CA; tests).
   */
  constructor(
    private readonly timeoutMs: () => number,
    private readonly tls: { readonly ca?: string | Buffer } = {},
  ) {}

  request(r: Http1Request): Promise<Http1Reply> {
    if (this.closed) return Promise.reject(new Http1ConnectionError('client closed'));
    let origin: Origin;
    let path: string;
    let text: string;
    try {
      const slash = r.url.indexOf('/', r.url.indexOf('//') + 2);
      const originText = slash < 0 ? r.url : r.url.slice(0, slash);
      path = slash < 0 ? '/' : r.url.slice(slash);
      origin = this.origins.get(originText) ?? this.addOrigin(originText);
      text = this.head(r, origin, path);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return this.socketFor(origin).send(text, this.timeoutMs());
  }

  /** Destroys every socket; requests in flight reject (their answers are lost). */
  close(): void {
    this.closed = true;
    for (const s of [...this.live]) {
      s.fail(new Http1ConnectionError('client closed'));
      s.socket.destroy();
    }
    this.live.clear();
    for (const o of this.origins.values()) o.idle.length = 0;
  }

  /** Sockets open now (idle or busy), for tests. */
  get openSockets(): number {
    return this.live.size;
  }

  private addOrigin(text: string): Origin {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported protocol ${u.protocol}`);
    const secure = u.protocol === 'https:';
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    const o: Origin = { key: text, secure, host, port: u.port === '' ? (secure ? 443 : 80) : Number(u.port), hostHeader: u.host, idle: [] };
    this.origins.set(text, o);
    return o;
  }

  private head(r: Http1Request, o: Origin, path: string): string {
    if (UNSAFE.test(r.method) || UNSAFE.test(path) || path.includes(' ')) throw new Error('unsafe characters in the request line');
    let s = `${r.method} ${path} HTTP/1.1\r\nHost: ${o.hostHeader}\r\n`;
    for (const k in r.headers) {
      const v = r.headers[k] as string;
      if (UNSAFE.test(k) || UNSAFE.test(v)) throw new Error(`unsafe characters in header ${k}`);
      s += `${k}: ${v}\r\n`;
    }
    if (r.body !== undefined) s += `Content-Length: ${Buffer.byteLength(r.body)}\r\n`;
    s += 'Connection: keep-alive\r\n\r\n';
    return r.body === undefined ? s : s + r.body;
  }

  /** The most recently used idle socket that is still fit (LIFO), or a new connection. */
  private socketFor(o: Origin): PooledSocket {
    const now = Date.now();
    for (let s = o.idle.pop(); s !== undefined; s = o.idle.pop()) {
      if (!s.socket.destroyed && s.socket.readyState === 'open' && now < s.idleUntil) return s;
      s.socket.destroy();
    }
    const socket = o.secure ? tlsConnect({ host: o.host, port: o.port, ...(isIp(o.host) ? {} : { servername: o.host }), ...(this.tls.ca !== undefined ? { ca: this.tls.ca } : {}), ALPNProtocols: ['http/1.1'] }) : netConnect({ host: o.host, port: o.port });
    const s = new PooledSocket(socket, o, (gone) => {
      this.live.delete(gone);
      const i = o.idle.indexOf(gone);
      if (i >= 0) o.idle.splice(i, 1);
    });
    this.live.add(s);
    return s;
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
