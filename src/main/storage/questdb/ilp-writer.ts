/**
 * LIBRA's own ILP-over-HTTP writer for QuestDB (`http::addr=host:port;…`).
 *
 * - Encoding: each batch is written straight into one reused, pre-sized Buffer (no per-value
 *   method calls, no intermediate strings for numbers beyond `String(int)`), one line per row:
 *   `table,sym=v,… col=value,… ts`. With protocol v2 (negotiated through `GET /settings`, as the
 *   official client does) doubles go as 8 binary bytes (`==` + type 16 + float64 LE) and the
 *   designated timestamp in µs (`…t`); with v1 doubles are text and the timestamp bare ns.
 *   Names and symbol values are escaped (space, comma, equals, newline, backslash), string
 *   fields quoted with `"` and `\` escaped, exactly as @questdb/nodejs-client writes them.
 * - Transport: a write call = one `POST /write` request on a keep-alive connection, and QuestDB
 *   commits one ILP/HTTP request as one transaction per table. Trades and bars of ≥ 40 k rows go
 *   as TWO requests in parallel on two connections (QuestDB parses them on two workers; one
 *   connection leaves the server's second core idle), split for trades between two
 *   milliseconds: each part is all-or-nothing and carries its own `trade_batches` row, so a part
 *   committed before the other failed is harmless: the call rejects, and re-sending the call
 *   upserts the same keys (DEDUP). Quotes and as-of signals stay one request (reads pick
 *   same-ms rows by storage order). Parts of ≥ 20 k rows go as a chunked request written while
 *   they are encoded (QuestDB parses as the chunks arrive); a retry re-sends a part's whole body.
 *   A call resolves only when every request of it is acknowledged.
 * - Retries: a network error, a timeout or a retryable status (500, 503, 504, 507, 509, 523, 524,
 *   529, 599) re-sends the whole request with a doubling back-off (10 ms … 1 s) until
 *   `retry_timeout` (ms, default 10 000). Tables carry DEDUP UPSERT KEYS (schema.ts), so a
 *   re-sent batch the server had already committed never duplicates rows. Any other status is
 *   an error carrying QuestDB's message. Each attempt times out after `request_timeout` (ms,
 *   default 10 000) plus the body size at 100 KiB/s (`request_min_throughput`).
 * - Input is validated before any byte is buffered; a failed batch leaves nothing buffered.
 *
 * Config keys: `addr`, `retry_timeout`, `request_timeout`, `request_min_throughput`,
 * `protocol_version` (auto | 1 | 2), `username` + `password` or `token`, `tls_verify`; the
 * official client's buffer and auto-flush keys (`init_buf_size`, `max_buf_size`, `auto_flush*`)
 * are accepted and have no effect (a call is always one request). Any other key is refused.
 */
import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from 'node:http';
import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../../shared/messages/market-data';
import type { SignalRecord } from '../store';
import { StoreInputError, StoreQueryError } from '../store';
import { checkBars, checkBook, checkQuotes, checkTrades, normSeries, numericTradeId } from '../validate';

export type IlpValue = number | string | boolean | { readonly int: number } | { readonly timestampMs: number } | undefined;

type Attempt = { ok: true } | { ok: false; retry: boolean; error: string };

/** Rows per chunk of a streamed batch (~1.2 MB of trades). */
const STREAM_SLICE = 10_000;

/**
 * Connections a batch may use at once: a large batch of trades or bars goes as two requests in
 * parallel (QuestDB parses them on two workers), each its own transaction (see `split`).
 */
const LANES = 2;

/** Rows from which a batch is split in two parts (each then still streamed in ≥ 2 slices). */
const SPLIT_MIN = 4 * STREAM_SLICE;

const RETRYABLE = new Set([500, 503, 504, 507, 509, 523, 524, 529, 599]);
const IGNORED_KEYS = new Set(['init_buf_size', 'max_buf_size', 'auto_flush', 'auto_flush_rows', 'auto_flush_interval', 'max_name_len']);

export interface IlpConfig {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly retryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly minThroughput: number;
  readonly protocolVersion: 'auto' | 1 | 2;
  readonly authorization: string | undefined;
  readonly tlsVerify: boolean;
}

const nonNegInt = (key: string, v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new StoreInputError(`ILP config ${key} must be a non-negative integer, got "${v}"`);
  return n;
};

/** Parses `http::addr=host:port;key=value;…` (the official client's config string). */
export function parseIlpConfig(config: string): IlpConfig {
  const m = /^(https?)::(.*)$/.exec(config.trim());
  if (!m) throw new StoreInputError('ILP config must start with http:: or https::');
  const kv = new Map<string, string>();
  for (const part of m[2]!.split(';')) {
    const s = part.trim();
    if (!s) continue;
    const eq = s.indexOf('=');
    if (eq <= 0) throw new StoreInputError(`ILP config entry without key=value: "${s.slice(0, 40)}"`);
    kv.set(s.slice(0, eq).trim(), s.slice(eq + 1).trim());
  }
  const addr = kv.get('addr');
  if (!addr) throw new StoreInputError('ILP config needs addr=host:port');
  const colon = addr.lastIndexOf(':');
  const host = colon > 0 ? addr.slice(0, colon) : addr;
  const port = colon > 0 ? nonNegInt('addr port', addr.slice(colon + 1)) : 9000;
  if (port < 1 || port > 65535) throw new StoreInputError(`ILP config addr port must be 1–65535, got ${port}`);
  let protocolVersion: IlpConfig['protocolVersion'] = 'auto';
  const pv = kv.get('protocol_version');
  if (pv !== undefined) {
    if (pv !== 'auto' && pv !== '1' && pv !== '2') throw new StoreInputError(`ILP config protocol_version must be auto, 1 or 2, got "${pv}"`);
    protocolVersion = pv === 'auto' ? 'auto' : pv === '1' ? 1 : 2;
  }
  const token = kv.get('token');
  const user = kv.get('username');
  const pass = kv.get('password');
  if ((user === undefined) !== (pass === undefined)) throw new StoreInputError('ILP config needs both username and password');
  const authorization = token ? `Bearer ${token}` : user !== undefined ? `Basic ${Buffer.from(`${user}:${pass ?? ''}`).toString('base64')}` : undefined;
  for (const k of kv.keys()) {
    if (IGNORED_KEYS.has(k)) continue;
    if (!['addr', 'retry_timeout', 'request_timeout', 'request_min_throughput', 'protocol_version', 'token', 'username', 'password', 'tls_verify'].includes(k)) {
      throw new StoreInputError(`ILP config key "${k}" is not supported`);
    }
  }
  const tv = kv.get('tls_verify');
  if (tv !== undefined && tv !== 'on' && tv !== 'unsafe_off') throw new StoreInputError(`ILP config tls_verify must be on or unsafe_off, got "${tv}"`);
  return {
    secure: m[1] === 'https',
    host,
    port,
    retryTimeoutMs: kv.has('retry_timeout') ? nonNegInt('retry_timeout', kv.get('retry_timeout')!) : 10_000,
    requestTimeoutMs: kv.has('request_timeout') ? Math.max(1, nonNegInt('request_timeout', kv.get('request_timeout')!)) : 10_000,
    minThroughput: kv.has('request_min_throughput') ? nonNegInt('request_min_throughput', kv.get('request_min_throughput')!) : 102_400,
    protocolVersion,
    authorization,
    tlsVerify: tv !== 'unsafe_off',
  };
}

/** "00" … "99" as ASCII pairs: digits are written two per division. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[2 * i] = 48 + Math.floor(i / 10);
  DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** `i,price=` and `,size=` of a v2 trade line, each with the binary double's `=` + type 16. */
const TRADE_PRICE = Buffer.from('i,price==\x10', 'latin1');
const TRADE_SIZE = Buffer.from(',size==\x10', 'latin1');

/** An ILP line buffer: grows by doubling, reused between batches. */
export class IlpBuffer {
  private buf: Buffer;
  /** A view of `buf` for binary doubles (setFloat64 is cheaper than Buffer.writeDoubleLE, measured). */
  private view: DataView;
  pos = 0;

  constructor(
    size: number,
    /** 2: binary doubles and µs designated timestamps; 1: text doubles and ns. */
    readonly version: 1 | 2,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, size));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** The encoded bytes (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Bytes the buffer holds without growing. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Raw bytes (a pre-encoded prefix). */
  raw(b: Buffer): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos); // TypedArray.set: cheaper than Buffer.copy or a JS loop (measured)
    this.pos += b.length;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** ASCII digits of a safe integer (no sign handling needed beyond '-'). */
  int(v: number): void {
    if (v >= 0) this.uint(v);
    else this.ascii(String(v));
  }

  /**
   * Digits of a non-negative safe integer, written in place (no string per number): int32
   * arithmetic on ≤ 8-digit halves (a float `%` per digit costs several times more, measured),
   * two digits per division.
   */
  uint(v: number): void {
    if (v < 100_000_000) {
      this.small(v, 0);
      return;
    }
    const hi = Math.floor(v / 100_000_000);
    this.small(hi, 0);
    this.small(v - hi * 100_000_000, 8);
  }

  /** `x` < 10^8 as digits, left-padded with zeros to `width` (0: no padding). */
  private small(x: number, width: number): void {
    this.ensure(8);
    this.pos = this.pairsAt(this.pos, x, width);
  }

  /** Digits of a non-negative safe integer at `p`, room already made; returns the end. */
  private digitsAt(p: number, v: number): number {
    if (v < 100_000_000) return this.pairsAt(p, v, 0);
    const hi = Math.floor(v / 100_000_000);
    return this.pairsAt(this.pairsAt(p, hi, 0), v - hi * 100_000_000, 8);
  }

  /** `x` < 10^8 as digits at `p`, zero-padded to `width`, two per division; returns the end. */
  private pairsAt(p: number, x: number, width: number): number {
    let n = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10_000 ? 4 : x < 100_000 ? 5 : x < 1_000_000 ? 6 : x < 10_000_000 ? 7 : 8;
    if (n < width) n = width;
    const b = this.buf;
    const end = p + n;
    let q = end;
    let y = x | 0;
    while (q - p >= 2) {
      const d = (y / 100) | 0;
      const r = (y - d * 100) << 1;
      b[--q] = DIGIT_PAIRS[r + 1]!;
      b[--q] = DIGIT_PAIRS[r]!;
      y = d;
    }
    if (q > p) b[--q] = 48 + y;
    return end;
  }

  /**
   * A whole trade line with a numeric id (ingest's hot path) under ONE bounds check, protocol v2:
   * `head` (`table,…,side=… trade_no=`) + id + `i,price=` + double + `,size=` + double + ` <µs>t\n`.
   * The same bytes as raw/long/raw/double/raw/double/at, at about half their cost (measured).
   */
  tradeLineV2(head: Buffer, no: number, price: number, size: number, ms: number): void {
    this.ensure(head.length + 80);
    const b = this.buf;
    b.set(head, this.pos);
    let p = this.digitsAt(this.pos + head.length, no);
    b.set(TRADE_PRICE, p);
    p += TRADE_PRICE.length;
    this.view.setFloat64(p, price, true);
    p += 8;
    b.set(TRADE_SIZE, p);
    p += TRADE_SIZE.length;
    this.view.setFloat64(p, size, true);
    p += 8;
    b[p++] = 32;
    p = this.digitsAt(p, ms);
    b[p++] = 48;
    b[p++] = 48;
    b[p++] = 48;
    b[p++] = 116;
    b[p++] = 10;
    this.pos = p;
  }

  /** A string known to be ASCII with nothing to escape (numbers' text). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A name or symbol value: space, comma, equals, CR/LF and backslash escaped. */
  name(s: string): void {
    this.text(s, false);
  }

  /** A quoted string field: `"` + value with `"`, `\`, CR/LF escaped + `"`. */
  quoted(s: string): void {
    this.byte(34);
    this.text(s, true);
    this.byte(34);
  }

  private text(s: string, quoted: boolean): void {
    const n = s.length;
    this.ensure(2 * n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // non-ASCII: leave the fast path and encode the rest as UTF-8, escaping as we go
        this.pos = p;
        this.textUtf8(s.slice(i), quoted);
        return;
      }
      if (c === 92 || c === 10 || c === 13 || (quoted ? c === 34 : c === 32 || c === 44 || c === 61)) b[p++] = 92;
      b[p++] = c;
    }
    this.pos = p;
  }

  private textUtf8(s: string, quoted: boolean): void {
    const esc = quoted ? /["\\\r\n]/g : /[ ,=\\\r\n]/g;
    const e = s.replace(esc, (ch) => `\\${ch}`);
    this.ensure(Buffer.byteLength(e));
    this.pos += this.buf.write(e, this.pos, 'utf8');
  }

  /** A DOUBLE field value (after `name=`): binary in v2, shortest round-trip text in v1. */
  double(v: number): void {
    if (this.version === 2) {
      this.ensure(10);
      const p = this.pos;
      this.buf[p] = 61; // '=' (the first '=' is the name's)
      this.buf[p + 1] = 16;
      this.view.setFloat64(p + 2, v, true);
      this.pos = p + 10;
    } else {
      this.ascii(String(v));
    }
  }

  /** A LONG field value: digits + `i`. */
  long(v: number): void {
    this.int(v);
    this.byte(105);
  }

  /** A TIMESTAMP field value from epoch ms: µs + `t`. */
  timestampMs(ms: number): void {
    this.int(ms * 1000);
    this.byte(116);
  }

  /** ` <designated timestamp>\n` from epoch ms (validated ≥ 0): µs + `t` in v2, bare ns in v1. */
  at(ms: number): void {
    this.byte(32);
    this.int(ms);
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 48;
    b[p++] = 48;
    b[p++] = 48;
    if (this.version === 2) b[p++] = 116;
    else {
      b[p++] = 48;
      b[p++] = 48;
      b[p++] = 48;
    }
    b[p++] = 10;
    this.pos = p;
  }
}

/** Pre-encoded ASCII constants (`,venue=` etc.). */
const lit = (s: string): Buffer => Buffer.from(s, 'latin1');
const L = {
  venue: lit(',venue='),
  symbol: lit(',symbol='),
  sideBuy: lit(',side=BUY '),
  sideSell: lit(',side=SELL '),
  space: lit(' '),
  tradeNo: lit('trade_no='),
  tradeId: lit(',trade_id='),
  price: lit(',price='),
  size: lit(',size='),
  tf: lit('timeframe_ms='),
  openTime: lit(',open_time='),
  open: lit(',open='),
  high: lit(',high='),
  low: lit(',low='),
  close: lit(',close='),
  volume: lit(',volume='),
  bid: lit('bid='),
  bidSize: lit(',bid_size='),
  ask: lit(',ask='),
  askSize: lit(',ask_size='),
  batch: lit(',batch_id='),
  mixedTrue: lit(',mixed=t'),
  mixedFalse: lit(',mixed=f'),
};

/**
 * The parts a batch of `n` rows is sent in: one below SPLIT_MIN rows, else two, split at the
 * first change of `key(i)` nearest the middle (so no key value, e.g. a trade's ms, is in both
 * parts); one part when the middle half of the batch shares one key.
 */
export function splitParts(n: number, key: (i: number) => number): StreamPart[] {
  if (n < SPLIT_MIN) return [{ lo: 0, hi: n }];
  const mid = n >> 1;
  for (let d = 0; d < n >> 2; d++) {
    for (const at of [mid + d, mid - d]) {
      if (key(at) !== key(at - 1)) return [{ lo: 0, hi: at }, { lo: at, hi: n }];
    }
  }
  return [{ lo: 0, hi: n }];
}

/** One HTTP connection and the buffer its requests are encoded into. */
interface Lane {
  readonly agent: HttpAgent;
  readonly buf: IlpBuffer;
}

/** A part of a streamed batch: rows [lo, hi), sent as one request on its own lane. */
export interface StreamPart {
  readonly lo: number;
  readonly hi: number;
}

export class IlpWriter {
  private readonly lanes: readonly Lane[];
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly conf: IlpConfig,
    version: 1 | 2,
    private readonly prefix: string,
  ) {
    const agent = (): HttpAgent => (conf.secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: conf.tlsVerify }) : new Agent({ keepAlive: true, maxSockets: 1 }));
    // lane 0 carries every request; lane 1 only the second part of a split batch
    this.lanes = Array.from({ length: LANES }, (_, k) => ({ agent: agent(), buf: new IlpBuffer(k === 0 ? 16 << 20 : 8 << 20, version) }));
  }

  private get buf(): IlpBuffer {
    return this.lanes[0]!.buf;
  }

  /** The protocol version in use (1: text doubles; 2: binary doubles). */
  get protocolVersion(): 1 | 2 {
    return this.buf.version;
  }

  /** Connects with a QuestDB client config string; `tablePrefix` namespaces tables (tests). */
  static async connect(config: string, tablePrefix = ''): Promise<IlpWriter> {
    const conf = parseIlpConfig(config);
    const version = conf.protocolVersion === 'auto' ? await IlpWriter.negotiate(conf) : conf.protocolVersion;
    return new IlpWriter(conf, version, tablePrefix);
  }

  /** The highest protocol ≤ 2 that the server's `/settings` offers (v1 when it says nothing). */
  private static async negotiate(conf: IlpConfig): Promise<1 | 2> {
    const url = `${conf.secure ? 'https' : 'http'}://${conf.host.includes(':') ? `[${conf.host}]` : conf.host}:${conf.port}/settings`;
    let body: unknown;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(conf.requestTimeoutMs), ...(conf.authorization ? { headers: { authorization: conf.authorization } } : {}) });
      if (!res.ok) return 1;
      body = await res.json();
    } catch (err) {
      throw new StoreQueryError(`QuestDB ILP endpoint ${conf.host}:${conf.port} is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const versions = (body as { config?: Record<string, unknown> } | null)?.config?.['line.proto.support.versions'];
    return Array.isArray(versions) && versions.map(String).includes('2') ? 2 : 1;
  }

  /**
   * One batch: `encode` fills the buffer, then it goes as one request (retried as described
   * above). Batches run one at a time (they share the buffer); an encoding error or a failed
   * request leaves nothing buffered.
   */
  private batch(rows: number, encode: (b: IlpBuffer) => void): Promise<number> {
    const lane = this.lanes[0]!;
    const run = this.queue.then(async () => {
      const b = lane.buf;
      b.reset();
      try {
        encode(b);
        if (b.pos > 0) await this.post(lane, b.bytes());
      } finally {
        b.reset();
      }
      return rows;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A batch of rows whose input is fully validated beforehand (`encodeRows` cannot throw), sent
   * while it is encoded: each part goes as ONE chunked request on its own lane (connection). One
   * part goes in slices of STREAM_SLICE rows, so QuestDB parses slice k while slice k+1 is
   * encoded; of two parts, each is encoded whole and then written, so QuestDB parses part 1 while
   * part 2 is encoded (10 k-row slices of both interleaved cost QuestDB ~10 % more CPU per row
   * and were slower in 5 of 6 alternated pairs, measured). QuestDB commits each request at its
   * end: one transaction per part. `encodeRows(b, lo, hi, part)` encodes rows [lo, hi) of part
   * `part`. A failed first attempt falls back to re-sending that part's whole, by then fully
   * encoded, body under the usual retry rules. The call resolves once every part is
   * acknowledged, and rejects (after all parts have settled) with the first part's error. A
   * single small part goes as one plain request.
   */
  private streamed(parts: readonly StreamPart[], encodeRows: (b: IlpBuffer, lo: number, hi: number, part: number) => void): Promise<number> {
    const rows = parts.reduce((n, p) => n + p.hi - p.lo, 0);
    const only = parts[0];
    if (parts.length === 1 && only && only.hi - only.lo < 2 * STREAM_SLICE) return this.batch(rows, (b) => encodeRows(b, only.lo, only.hi, 0));
    if (parts.length > this.lanes.length) throw new Error(`a batch has at most ${this.lanes.length} parts`);
    const run = this.queue.then(async () => {
      if (this.closed) throw new StoreQueryError('ILP writer is closed');
      const start = Date.now();
      const open = parts.map((p, k) => {
        const lane = this.lanes[k]!;
        lane.buf.reset();
        return { p, lane, ...this.request(lane, undefined), sent: 0, next: p.lo };
      });
      try {
        for (let more = true; more; ) {
          more = false;
          for (const o of open) {
            if (o.next >= o.p.hi) continue;
            const hi = open.length > 1 ? o.p.hi : Math.min(o.p.hi, o.next + STREAM_SLICE);
            encodeRows(o.lane.buf, o.next, hi, open.indexOf(o));
            o.next = hi;
            // no copy: growing the buffer copies into a new one and leaves these bytes as they are,
            // and the next batch reuses the buffer only after the answer, i.e. after the server has
            // read the whole body (a destroyed request drops what it still had queued)
            if (!o.req.destroyed) o.req.write(o.lane.buf.bytes().subarray(o.sent));
            o.sent = o.lane.buf.pos;
            if (hi < o.p.hi) more = true;
          }
          // let the sockets flush and the answer of a failed attempt come in
          await new Promise<void>((r) => setImmediate(r));
        }
        // commit the parts in row order: part k ends (QuestDB commits a request at its end) once
        // part k-1 is answered, so QuestDB appends each part's rows after the last instead of
        // merging an older part into a newer one (an out-of-order commit costs it more CPU)
        const settled = await Promise.allSettled(
          open.map(async (o, k) => {
            if (k > 0) await open[k - 1]!.result;
            o.req.end();
            const first = await o.result;
            if (first.ok) return;
            // an early answer: drop whatever of the body is still queued before the buffer is reused
            o.req.destroy();
            await this.post(o.lane, o.lane.buf.bytes(), start, first);
          }),
        );
        const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        for (const o of open) o.lane.buf.reset();
      }
      return rows;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Sends `body` as one request on `lane`, retried as described above; `failed` = an attempt already made. */
  private async post(lane: Lane, body: Buffer, start = Date.now(), failed?: { ok: false; retry: boolean; error: string }): Promise<void> {
    if (this.closed) throw new StoreQueryError('ILP writer is closed');
    let wait = 10;
    for (;;) {
      const r = failed ?? (await this.attempt(lane, body));
      failed = undefined;
      if (r.ok) return;
      if (!r.retry || Date.now() - start + wait > this.conf.retryTimeoutMs) throw new StoreQueryError(`QuestDB ILP write to ${this.conf.host}:${this.conf.port} failed: ${r.error}`);
      await new Promise((res) => setTimeout(res, wait));
      wait = Math.min(1000, wait * 2);
    }
  }

  private attempt(lane: Lane, body: Buffer): Promise<Attempt> {
    const { req, result } = this.request(lane, body);
    req.end(body);
    return result;
  }

  /**
   * Opens one `POST /write` on `lane`: with `body`, its length is sent up front (the caller ends
   * the request with it); without, the body is chunked (the caller writes the chunks and ends it),
   * and the timeout allows for the largest batch the lane's buffer has held.
   */
  private request(lane: Lane, body: Buffer | undefined): { req: ClientRequest; result: Promise<Attempt> } {
    const c = this.conf;
    const size = body?.length ?? lane.buf.capacity;
    const timeout = c.requestTimeoutMs + (c.minThroughput > 0 ? Math.ceil((size / c.minThroughput) * 1000) : 0);
    const opts: RequestOptions = {
      host: c.host,
      port: c.port,
      method: 'POST',
      path: '/write?precision=n',
      agent: lane.agent,
      timeout,
      headers: {
        'content-type': 'text/plain',
        ...(body ? { 'content-length': body.length } : { 'transfer-encoding': 'chunked' }),
        ...(c.authorization ? { authorization: c.authorization } : {}),
      },
    };
    let req: ClientRequest | undefined;
    const result = new Promise<Attempt>((resolve) => {
      let done = false;
      const finish = (v: Attempt): void => {
        if (done) return;
        done = true;
        resolve(v);
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', (err) => finish({ ok: false, retry: true, error: err.message }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return finish({ ok: true });
          const text = Buffer.concat(chunks).toString('utf8');
          let msg = text.slice(0, 300);
          try {
            const j = JSON.parse(text) as { message?: unknown };
            if (typeof j.message === 'string') msg = j.message.slice(0, 300);
          } catch {
            // not JSON: keep the text
          }
          finish({ ok: false, retry: RETRYABLE.has(status), error: `HTTP ${status}: ${msg}` });
        });
      };
      const r = c.secure ? httpsRequest(opts, onResponse) : httpRequest(opts, onResponse);
      r.on('timeout', () => {
        r.destroy(new Error(`no answer within ${timeout} ms`));
      });
      r.on('error', (err) => finish({ ok: false, retry: true, error: err.message }));
      req = r;
    });
    return { req: req!, result };
  }

  /** The `table,venue=V,symbol=S` prefix of a series' lines. */
  private seriesPrefix(table: string, venue: string, symbol: string): Buffer {
    const b = new IlpBuffer(256, this.buf.version);
    b.name(this.prefix + table);
    b.raw(L.venue);
    b.name(venue);
    b.raw(L.symbol);
    b.name(symbol);
    return Buffer.from(b.bytes());
  }

  /**
   * Trades of one series: one request, or from SPLIT_MIN rows two requests in parallel split
   * between two milliseconds (`splitParts`), each its own transaction. With `batch`, each request
   * also carries its part's row of `trade_batches` (first and last trade ms, `mixed`), committed
   * with those trades: a part's row exists only where its trades do, and a part that another
   * call re-sends (after a failure) only adds an overlapping row, which reads treat as two batches.
   */
  async writeTrades(venue: string, symbol: string, trades: readonly TradeTick[], batch?: { readonly mixed: boolean }): Promise<number> {
    const n = normSeries(venue, symbol);
    checkTrades(n.id, trades);
    const pre = this.seriesPrefix('trades', n.venue, n.symbol);
    const parts = splitParts(trades.length, (i) => trades[i]!.ts);
    const first: number[] = [];
    const last: number[] = [];
    for (const p of parts) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = p.lo; i < p.hi; i++) {
        const ts = trades[i]!.ts;
        if (ts < lo) lo = ts;
        if (ts > hi) hi = ts;
      }
      first.push(lo);
      last.push(hi);
    }
    // a retried request carries the same id (and dedups), the next call another
    const batchId = Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
    const mark = batch && trades.length > 0 ? Buffer.concat([this.seriesPrefix('trade_batches', n.venue, n.symbol), lit(' last_ts=')]) : undefined;
    // `table,venue=…,symbol=…[,side=…] trade_no=`: one copy per row instead of three
    const buy = Buffer.concat([pre, L.sideBuy, L.tradeNo]);
    const sell = Buffer.concat([pre, L.sideSell, L.tradeNo]);
    const none = Buffer.concat([pre, L.space, L.tradeNo]);
    const v2 = this.buf.version === 2;
    return this.streamed(parts, (b, lo, hi, part) => {
      b.ensure((hi - lo) * (pre.length + 96));
      for (let i = lo; i < hi; i++) {
        const t = trades[i]!;
        const head = t.side === 'BUY' ? buy : t.side === 'SELL' ? sell : none;
        // trade_no: the id as a number when it is a canonical integer, so reads order ids
        // numerically, and then no trade_id at all (NULL: a VARCHAR per row costs QuestDB ~1 µs
        // of CPU per row, measured); any other id goes as given in trade_id, trade_no -1
        const no = numericTradeId(t.tradeId);
        if (no >= 0 && v2) {
          b.tradeLineV2(head, no, t.price, t.size, t.ts);
          continue;
        }
        b.raw(head);
        b.long(no);
        if (no < 0) {
          b.raw(L.tradeId);
          b.quoted(t.tradeId);
        }
        b.raw(L.price);
        b.double(t.price);
        b.raw(L.size);
        b.double(t.size);
        b.at(t.ts);
      }
      if (mark && hi === parts[part]!.hi) {
        b.raw(mark);
        b.timestampMs(last[part]!);
        b.raw(L.batch);
        b.long(batchId);
        b.raw(batch!.mixed ? L.mixedTrue : L.mixedFalse);
        b.at(first[part]!);
      }
    });
  }

  async writeBars(venue: string, symbol: string, timeframeMs: number, bars: readonly Bar[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkBars(n.id, timeframeMs, bars);
    const pre = this.seriesPrefix('bars', n.venue, n.symbol);
    const tf = Math.trunc(timeframeMs);
    // two parts in parallel: a bar's key (openTime) is in one part only, and no read depends on
    // the storage order of bars
    return this.streamed(splitParts(bars.length, (i) => i), (b, lo, hi) => {
      b.ensure((hi - lo) * (pre.length + 160));
      for (let i = lo; i < hi; i++) {
        const x = bars[i]!;
        b.raw(pre);
        b.raw(L.space);
        b.raw(L.tf);
        b.long(tf);
        b.raw(L.openTime);
        b.timestampMs(x.openTime);
        b.raw(L.open);
        b.double(x.open);
        b.raw(L.high);
        b.double(x.high);
        b.raw(L.low);
        b.double(x.low);
        b.raw(L.close);
        b.double(x.close);
        b.raw(L.volume);
        b.double(x.volume);
        b.at(x.ts);
      }
    });
  }

  async writeQuotes(venue: string, symbol: string, quotes: readonly QuoteTick[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkQuotes(n.id, quotes);
    const pre = this.seriesPrefix('quotes', n.venue, n.symbol);
    // one part: the as-of join picks same-ms quotes by storage order, i.e. one commit's line order
    return this.streamed([{ lo: 0, hi: quotes.length }], (b, lo, hi) => {
      for (let i = lo; i < hi; i++) {
        const q = quotes[i]!;
        b.raw(pre);
        b.raw(L.space);
        b.raw(L.bid);
        b.double(q.bid);
        b.raw(L.bidSize);
        b.double(q.bidSize);
        b.raw(L.ask);
        b.double(q.ask);
        b.raw(L.askSize);
        b.double(q.askSize);
        b.at(q.ts);
      }
    });
  }

  async writeBook(venue: string, symbol: string, updates: readonly BookUpdate[]): Promise<number> {
    const n = normSeries(venue, symbol);
    checkBook(n.id, updates);
    return this.batch(updates.length, (b) => {
      for (const u of updates) {
        IlpWriter.row(
          b,
          this.prefix + 'book',
          { venue: n.venue, symbol: n.symbol, action: u.action },
          { sequence: { int: u.sequence }, bids: JSON.stringify(u.bids.map((l) => [l.price, l.size])), asks: JSON.stringify(u.asks.map((l) => [l.price, l.size])) },
          u.ts,
        );
      }
    });
  }

  async writeSignals(signals: readonly SignalRecord[]): Promise<number> {
    const norm = signals.map((s) => normSeries(s.venue, s.symbol));
    return this.batch(signals.length, (b) => {
      signals.forEach((s, i) => IlpWriter.row(b, this.prefix + 'signals', { strategy_id: s.strategyId, name: s.name, venue: norm[i]!.venue, symbol: norm[i]!.symbol }, { value: s.value }, s.ts));
    });
  }

  /**
   * The as-of join's scratch table: row i = `(ts, idx = i, venue, symbol)` of `signals[i]`, one
   * pre-encoded line prefix per series (the generic row path costs ~4× per row).
   */
  async writeAsofSignals(table: string, signals: readonly { readonly ts: number; readonly venue: string; readonly symbol: string }[], oneSeries = false): Promise<number> {
    const prefixes = new Map<string, Buffer>();
    const idx = lit(' idx=');
    if (oneSeries) {
      // the table has no series columns: `table idx=i ts` (half the bytes, no symbol per row)
      const nb = new IlpBuffer(256, this.buf.version);
      nb.name(this.prefix + table);
      const pre = Buffer.concat([nb.bytes(), idx]);
      return this.streamed([{ lo: 0, hi: signals.length }], (b, lo, hi) => {
        for (let i = lo; i < hi; i++) {
          b.raw(pre);
          b.long(i);
          b.at(Math.trunc(signals[i]!.ts));
        }
      });
    }
    return this.batch(signals.length, (b) => {
      for (let i = 0; i < signals.length; i++) {
        const s = signals[i]!;
        const key = `${s.venue}\u0000${s.symbol}`;
        let pre = prefixes.get(key);
        if (!pre) prefixes.set(key, (pre = Buffer.concat([this.seriesPrefix(table, s.venue, s.symbol), idx])));
        b.raw(pre);
        b.long(i);
        b.at(Math.trunc(s.ts));
      }
    });
  }

  /** Generic keyed row table (orders, fills, instruments, backtest runs). */
  async writeRows(table: string, rows: readonly { symbols: Record<string, string>; fields: Record<string, IlpValue>; tsMs: number }[]): Promise<number> {
    return this.batch(rows.length, (b) => {
      for (const r of rows) IlpWriter.row(b, this.prefix + table, r.symbols, r.fields, r.tsMs);
    });
  }

  /** Buffers one row of any table; `symbols` become QuestDB SYMBOL columns. */
  private static row(b: IlpBuffer, table: string, symbols: Readonly<Record<string, string>>, fields: Readonly<Record<string, IlpValue>>, tsMs: number): void {
    b.name(table);
    for (const [k, v] of Object.entries(symbols)) {
      b.byte(44);
      b.name(k);
      b.byte(61);
      b.name(v);
    }
    let first = true;
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      b.byte(first ? 32 : 44);
      first = false;
      b.name(k);
      b.byte(61);
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new StoreInputError(`${table}.${k} must be finite — batch refused, nothing written`);
        b.double(v);
      } else if (typeof v === 'string') b.quoted(v);
      else if (typeof v === 'boolean') b.byte(v ? 116 : 102);
      else if ('int' in v) {
        if (!Number.isSafeInteger(v.int)) throw new StoreInputError(`${table}.${k} must be a safe integer — batch refused, nothing written`);
        b.long(v.int);
      } else b.timestampMs(Math.trunc(v.timestampMs));
    }
    if (first) throw new StoreInputError(`${table}: an ILP row needs at least one field`);
    b.at(Math.trunc(tsMs));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const l of this.lanes) l.agent.destroy();
  }
}
