/**
 * Minimal client of QuestDB's HTTP `/exec` endpoint (JSON): no pg driver needed.
 *
 * `GET /exec?query=…[&limit=lo,hi]` answers `{ query, columns, dataset: [[…]], count }` for a
 * SELECT, `{ ddl: 'OK' }` / `{ dml: 'OK' }` for DDL and INSERT, and on failure a non-2xx status
 * with `{ query, error, position }`: that error becomes a StoreQueryError carrying QuestDB's own
 * message. The URL's `limit=a,b` counts rows from 1, both ends included (measured on 9.3: `0,3`
 * and `1,3` both give rows 1–3, `4,6` rows 4–6): `exec(sql, [lo, hi])` takes the 0-based
 * half-open range [lo, hi) and sends `lo+1,hi`.
 */
import { StoreQueryError } from '../store';

/** One JSON cell as /exec returns it (timestamps are ISO strings unless cast to LONG). */
export type ExecValue = string | number | boolean | null;

export interface ExecResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly dataset: readonly (readonly ExecValue[])[];
}

interface ExecBody {
  readonly error?: unknown;
  readonly position?: unknown;
  readonly columns?: unknown;
  readonly dataset?: unknown;
}

export class QuestDbExec {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  /** The server's base URL (`http://host:port`). */
  get url(): string {
    return this.base;
  }

  /** Runs one statement; `limit` = the 0-based rows [lo, hi) of a SELECT. */
  async exec(sql: string, limit?: readonly [number, number]): Promise<ExecResult> {
    const q = new URLSearchParams({ query: sql });
    if (limit) q.set('limit', `${limit[0] + 1},${limit[1]}`);
    let res: Response;
    try {
      res = await fetch(`${this.base}/exec?${q.toString()}`);
    } catch (err) {
      throw new StoreQueryError(`QuestDB at ${this.base} is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await res.text();
    let body: ExecBody;
    try {
      body = JSON.parse(text) as ExecBody;
    } catch {
      throw new StoreQueryError(`QuestDB answered HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
    }
    if (!res.ok || typeof body.error === 'string') {
      const msg = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      const at = typeof body.position === 'number' ? ` at position ${body.position}` : '';
      throw new StoreQueryError(`QuestDB: ${msg}${at} — in: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}`);
    }
    const columns = Array.isArray(body.columns) ? (body.columns as ExecResult['columns']) : [];
    const dataset = Array.isArray(body.dataset) ? (body.dataset as ExecResult['dataset']) : [];
    return { columns, dataset };
  }

  /** All rows of a SELECT, fetched `page` rows per request (the caller bounds the result). */
  async *pages(sql: string, page: number): AsyncGenerator<readonly (readonly ExecValue[])[]> {
    for (let lo = 0; ; lo += page) {
      const { dataset } = await this.exec(sql, [lo, lo + page]);
      if (dataset.length > 0) yield dataset;
      if (dataset.length < page) return;
    }
  }
}

/** A SQL string literal. */
export const qstr = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A QuestDB timestamp literal (µs precision, UTC) for epoch ms. */
export const qts = (ms: number): string => `'${new Date(ms).toISOString().slice(0, 23)}000Z'`;

/** Cell → number (LONG/DOUBLE/INT come as JSON numbers; timestamps are selected as LONG µs). */
export const cellNum = (v: ExecValue | undefined): number => (typeof v === 'number' ? v : Number(v));
export const cellStr = (v: ExecValue | undefined): string => (v === null || v === undefined ? '' : String(v));
/** µs (a TIMESTAMP cast to LONG) → ms. */
export const usToMs = (v: ExecValue | undefined): number => Math.round(cellNum(v) / 1000);
