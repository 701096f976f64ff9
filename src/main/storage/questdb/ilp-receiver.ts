/**
 * Loopback InfluxDB-Line-Protocol receiver for tests and benches: speaks just enough of
 * QuestDB's HTTP surface for @questdb/nodejs-client — `GET /settings` (protocol negotiation)
 * and `POST /write` / `POST /api/v2/write` — and strictly parses EVERY line the client sends:
 * measurement, tags (symbols), typed fields (v1 text floats/ints/strings/bools/timestamps and
 * v2 binary doubles) and the designated timestamp with its precision. A malformed line fails
 * the request with 400 and is counted, so a test sees any encoding drift of the client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type IlpField =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'timestamp'; readonly value: bigint; readonly unit: 'us' | 'ns' };

export interface IlpRow {
  readonly table: string;
  readonly symbols: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, IlpField>>;
  /** Designated timestamp in nanoseconds, or undefined for server time (`atNow`). */
  readonly timestampNs: bigint | undefined;
  /** How the timestamp was written: bare = ns (v1), `t` = µs, `n` = ns (v2). */
  readonly timestampSuffix: '' | 't' | 'n' | undefined;
}

export interface IlpReceiver {
  readonly port: number;
  /** Parsed rows (when `keepRows`), in arrival order. */
  readonly rows: IlpRow[];
  stats(): { requests: number; rows: number; errors: string[]; paths: string[] };
  close(): Promise<void>;
}

export class IlpParseError extends Error {
  override readonly name = 'IlpParseError';
}

const SP = 0x20, COMMA = 0x2c, EQ = 0x3d, NL = 0x0a, BS = 0x5c, QUOTE = 0x22;

/** Parses a whole ILP request body. Throws IlpParseError at the first malformed byte. */
export function parseIlp(buf: Buffer): IlpRow[] {
  const rows: IlpRow[] = [];
  let p = 0;
  const fail = (msg: string): never => {
    throw new IlpParseError(`${msg} at byte ${p}: ${JSON.stringify(buf.subarray(Math.max(0, p - 20), p + 20).toString('latin1'))}`);
  };
  // reads an escaped name/tag value up to one of the stop bytes
  const readToken = (stops: readonly number[]): string => {
    const parts: number[] = [];
    while (p < buf.length) {
      const c = buf[p]!;
      if (c === BS) {
        if (p + 1 >= buf.length) fail('dangling escape');
        parts.push(buf[p + 1]!);
        p += 2;
        continue;
      }
      if (stops.includes(c)) break;
      if (c === NL) fail('unexpected newline');
      parts.push(c);
      p++;
    }
    return Buffer.from(parts).toString('utf8');
  };
  while (p < buf.length) {
    if (buf[p] === NL) {
      p++;
      continue;
    }
    const table = readToken([COMMA, SP]);
    if (!table) fail('empty measurement');
    const symbols: Record<string, string> = {};
    while (buf[p] === COMMA) {
      p++;
      const k = readToken([EQ, COMMA, SP]);
      if (buf[p] !== EQ) fail('tag without =');
      p++;
      symbols[k] = readToken([COMMA, SP]);
    }
    if (buf[p] !== SP) fail('expected space before fields');
    p++;
    const fields: Record<string, IlpField> = {};
    for (;;) {
      const name = readToken([EQ, COMMA, SP]);
      if (buf[p] !== EQ || !name) fail('field without name=');
      p++;
      if (buf[p] === EQ) {
        // v2 binary entity: '=' type byte, payload
        p++;
        const type = buf[p++];
        if (type !== 16) fail(`unsupported binary entity type ${String(type)}`);
        if (p + 8 > buf.length) fail('truncated binary double');
        fields[name] = { type: 'float', value: buf.readDoubleLE(p) };
        p += 8;
      } else if (buf[p] === QUOTE) {
        p++;
        const parts: number[] = [];
        while (p < buf.length && buf[p] !== QUOTE) {
          if (buf[p] === BS) p++;
          parts.push(buf[p]!);
          p++;
        }
        if (buf[p] !== QUOTE) fail('unterminated string');
        p++;
        fields[name] = { type: 'string', value: Buffer.from(parts).toString('utf8') };
      } else {
        const start = p;
        while (p < buf.length && buf[p] !== COMMA && buf[p] !== SP && buf[p] !== NL) p++;
        const raw = buf.subarray(start, p).toString('latin1');
        if (/^-?\d+i$/.test(raw)) fields[name] = { type: 'int', value: BigInt(raw.slice(0, -1)) };
        else if (/^-?\d+t$/.test(raw)) fields[name] = { type: 'timestamp', value: BigInt(raw.slice(0, -1)), unit: 'us' };
        else if (/^-?\d+n$/.test(raw)) fields[name] = { type: 'timestamp', value: BigInt(raw.slice(0, -1)), unit: 'ns' };
        else if (/^(t|T|true|True|f|F|false|False)$/.test(raw)) fields[name] = { type: 'bool', value: raw[0] === 't' || raw[0] === 'T' };
        else if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-?Infinity$|^NaN$/.test(raw)) fields[name] = { type: 'float', value: Number(raw) };
        else fail(`bad field value ${JSON.stringify(raw)}`);
      }
      if (buf[p] === COMMA) {
        p++;
        continue;
      }
      break;
    }
    let timestampNs: bigint | undefined;
    let timestampSuffix: IlpRow['timestampSuffix'];
    if (buf[p] === SP) {
      p++;
      const start = p;
      while (p < buf.length && buf[p] !== NL) p++;
      const raw = buf.subarray(start, p).toString('latin1');
      const m = /^(\d+)([tn]?)$/.exec(raw);
      if (!m?.[1]) fail(`bad timestamp ${JSON.stringify(raw)}`);
      const v = BigInt(m![1]!);
      timestampSuffix = (m![2] ?? '') as '' | 't' | 'n';
      timestampNs = timestampSuffix === 't' ? v * 1000n : v;
    }
    if (p < buf.length && buf[p] !== NL) fail('expected end of line');
    if (p >= buf.length) fail('last line not terminated by \\n');
    p++;
    rows.push({ table, symbols, fields, timestampNs, timestampSuffix });
  }
  return rows;
}

/** Starts the receiver on 127.0.0.1 (random port). `protocolVersions` is what /settings offers. */
export async function startIlpReceiver(opts: { keepRows?: boolean; protocolVersions?: readonly number[] } = {}): Promise<IlpReceiver> {
  const keep = opts.keepRows ?? true;
  const rows: IlpRow[] = [];
  const st = { requests: 0, rows: 0, errors: [] as string[], paths: [] as string[] };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/settings') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ config: { 'line.proto.support.versions': opts.protocolVersions ?? [1, 2] } }));
      return;
    }
    if (req.method !== 'POST' || (path !== '/write' && path !== '/api/v2/write')) {
      res.writeHead(404).end();
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      st.requests++;
      if (!st.paths.includes(req.url ?? '')) st.paths.push(req.url ?? '');
      try {
        const got = parseIlp(Buffer.concat(parts));
        st.rows += got.length;
        if (keep) rows.push(...got);
        res.writeHead(204).end();
      } catch (err) {
        st.errors.push(String(err));
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'invalid', message: String(err) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    rows,
    stats: () => ({ ...st, errors: [...st.errors], paths: [...st.paths] }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
