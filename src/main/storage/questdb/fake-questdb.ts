/**
 * Loopback fake of the QuestDB HTTP surface the QuestDB store uses, for tests without a server:
 * - `GET /settings`: ILP protocol negotiation of @questdb/nodejs-client;
 * - `POST /write`: ILP lines, parsed strictly (parseIlp) and recorded;
 * - `GET /exec?query=…`: records every SQL statement and answers from a tiny in-memory state:
 *   DDL → `{ ddl: 'OK' }`, the schema_version table (INSERT and `max(version)`), `wal_tables()`
 *   (nothing pending), any other SELECT → an empty dataset. A statement matching a registered
 *   failure gets QuestDB's error body (HTTP 400, `{ query, error, position }`).
 * It is not a SQL engine: it proves what the store SENDS, not what QuestDB would answer.
 */
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IlpRow } from './ilp-receiver';
import { parseIlp } from './ilp-receiver';

export interface FakeQuestDb {
  readonly url: string;
  /** Every /exec statement, in arrival order. */
  readonly sql: string[];
  /** Every ILP row received. */
  readonly rows: IlpRow[];
  /** Tables created (name as written after CREATE TABLE [IF NOT EXISTS]). */
  readonly tables: Set<string>;
  /** Sets the stored schema version (as if a newer LIBRA had written it). */
  setVersion(v: number): void;
  /** Answers statements matching `pattern` with QuestDB's error body. */
  failOn(pattern: RegExp, error: string, position?: number): void;
  close(): Promise<void>;
}

export async function startFakeQuestDb(): Promise<FakeQuestDb> {
  const sql: string[] = [];
  const rows: IlpRow[] = [];
  const tables = new Set<string>();
  let version: number | null = null;
  const failures: { pattern: RegExp; error: string; position: number }[] = [];
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/settings') {
      json(res, 200, { config: { 'line.proto.support.versions': [1, 2] } });
      return;
    }
    if (req.method === 'POST' && (url.pathname === '/write' || url.pathname === '/api/v2/write')) {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        try {
          rows.push(...parseIlp(Buffer.concat(parts)));
          res.writeHead(204).end();
        } catch (err) {
          json(res, 400, { code: 'invalid', message: String(err) });
        }
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/exec') {
      const q = url.searchParams.get('query') ?? '';
      sql.push(q);
      const fail = failures.find((f) => f.pattern.test(q));
      if (fail) return json(res, 400, { query: q, error: fail.error, position: fail.position });
      const create = /^CREATE TABLE (?:IF NOT EXISTS )?(\w+)/i.exec(q);
      if (create?.[1]) {
        tables.add(create[1]);
        return json(res, 200, { ddl: 'OK' });
      }
      if (/^DROP TABLE/i.test(q)) return json(res, 200, { ddl: 'OK' });
      const ins = /^INSERT INTO \w*schema_version VALUES \((\d+),/i.exec(q);
      if (ins?.[1]) {
        version = Math.max(version ?? 0, Number(ins[1]));
        return json(res, 200, { dml: 'OK' });
      }
      if (/^INSERT/i.test(q)) return json(res, 200, { dml: 'OK' });
      if (/^SELECT max\(version\) FROM \w*schema_version$/i.test(q)) {
        return json(res, 200, { query: q, columns: [{ name: 'max', type: 'INT' }], dataset: [[version]], count: 1 });
      }
      return json(res, 200, { query: q, columns: [], dataset: [], count: 0 });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sql,
    rows,
    tables,
    setVersion: (v) => {
      version = v;
    },
    failOn: (pattern, error, position = 0) => {
      failures.push({ pattern, error, position });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
