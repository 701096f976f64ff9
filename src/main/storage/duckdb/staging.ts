/**
 * Fast bulk loading into DuckDB temp tables: columns are filled as typed arrays into
 * DataChunks (2048 rows each) and handed to an Appender, which costs a few native calls per
 * chunk instead of one per value.
 *
 * Column kinds: a Float64Array is DOUBLE (NaN = NULL); `{ bigint: Float64Array }` is BIGINT,
 * written as two 32-bit words per integer straight into the vector's buffer (no BigInt per
 * row); an Int8Array is TINYINT; a string array is VARCHAR (null = NULL; one native call per
 * string, so hot paths leave VARCHAR out when they can). NULL-free numeric columns are copied
 * with one `TypedArray.set` per chunk.
 */
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBDoubleVector, TINYINT, VARCHAR } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType, DuckDBVector } from '@duckdb/node-api';

/** A staging column: DOUBLE (NaN = NULL), BIGINT (safe integers), TINYINT, or VARCHAR (null = NULL). */
export type StageColumn = Float64Array | { readonly bigint: Float64Array } | Int8Array | readonly (string | null)[];

export type StageType = 'DOUBLE' | 'BIGINT' | 'TINYINT' | 'VARCHAR';

const typeOf = (c: StageColumn): DuckDBType =>
  c instanceof Float64Array ? DOUBLE : c instanceof Int8Array ? TINYINT : 'bigint' in c ? BIGINT : VARCHAR;

/** DDL of a temp staging table with typed columns. */
export function typedStagingDdl(table: string, cols: readonly (readonly [string, StageType])[]): string {
  return `CREATE TEMP TABLE IF NOT EXISTS ${table} (${cols.map(([n, t]) => `${n} ${t}`).join(', ')})`;
}

/** Writes safe integers as little-endian int64 words into a BIGINT vector's buffer. */
function writeInt64(items: BigInt64Array, src: Float64Array, off: number, n: number): void {
  const w = new Int32Array(items.buffer, items.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const v = src[off + i]!;
    const hi = Math.floor(v / 4294967296);
    w[2 * i] = (v - hi * 4294967296) | 0;
    w[2 * i + 1] = hi | 0;
  }
}

/** The typed-array view node-api keeps behind numeric vectors (flushed by `flush()`). */
interface NumericVector {
  readonly items: Float64Array | BigInt64Array | Int8Array;
  flush(): void;
}

const CHUNK = 2048;

/** DDL of a temp staging table with the given column names, DOUBLE unless listed as VARCHAR. */
export function stagingDdl(table: string, doubles: readonly string[], varchars: readonly string[] = []): string {
  const cols = [...doubles.map((c) => `${c} DOUBLE`), ...varchars.map((c) => `${c} VARCHAR`)];
  return `CREATE TEMP TABLE IF NOT EXISTS ${table} (${cols.join(', ')})`;
}

/**
 * Appends `rows` rows to table `table` of database `catalog` (the connection's temp tables by
 * default), whose columns are exactly `columns` in order and of their kinds (as `stagingDdl` /
 * `typedStagingDdl` declare them).
 */
export async function appendStaging(conn: DuckDBConnection, table: string, rows: number, columns: readonly StageColumn[], catalog = 'temp'): Promise<void> {
  const types: DuckDBType[] = columns.map(typeOf);
  const nullable = columns.map((c) => c instanceof Float64Array && c.subarray(0, rows).some(Number.isNaN));
  const appender = await conn.createAppender(table, 'main', catalog);
  try {
    // one chunk for the whole load: the appender copies a chunk when it is appended, and a fresh
    // chunk per 2048 rows would also copy every vector's (unwritten) buffer out to JS first
    const chunk = DuckDBDataChunk.create(types, Math.min(CHUNK, rows));
    for (let off = 0; off < rows; off += CHUNK) {
      const n = Math.min(CHUNK, rows - off);
      if (n !== chunk.rowCount) chunk.rowCount = n;
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c]!;
        const vec: DuckDBVector = chunk.getColumnVector(c);
        const raw = vec as unknown as NumericVector;
        if (col instanceof Float64Array && nullable[c]) {
          for (let i = 0; i < n; i++) {
            const v = col[off + i]!;
            vec.setItem(i, Number.isNaN(v) ? null : v);
          }
        } else if (col instanceof Float64Array) {
          (raw.items as Float64Array).set(col.subarray(off, off + n));
        } else if (col instanceof Int8Array) {
          (raw.items as Int8Array).set(col.subarray(off, off + n));
        } else if ('bigint' in col) {
          writeInt64(raw.items as BigInt64Array, col.bigint, off, n);
        } else {
          for (let i = 0; i < n; i++) vec.setItem(i, col[off + i] ?? null);
        }
        vec.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * The values of a NOT NULL DOUBLE result column as a Float64Array: the vector's own typed view
 * (valid while its chunk lives; copy out before the next fetch), instead of one boxed DuckDBValue
 * per item as `getColumns()` builds. Any other vector kind (or a NULL in it, read as NaN) is
 * converted item by item.
 */
export function readDoubles(vec: DuckDBVector, rows: number): Float64Array {
  if (vec instanceof DuckDBDoubleVector) {
    const v = vec as unknown as { readonly items: Float64Array; readonly validity: { readonly data: unknown } };
    if (v.validity.data === null) return v.items;
  }
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = vec.getItem(i);
    out[i] = x === null ? NaN : Number(x);
  }
  return out;
}

/**
 * Streams a query's result chunk by chunk, handing `fn` its first `doubles` columns as
 * Float64Arrays (`readDoubles`: typed views, no boxed value per item) and the chunk itself for any
 * other column. The views are only valid inside `fn`.
 */
export async function forEachChunk(
  conn: DuckDBConnection,
  sql: string,
  doubles: number,
  fn: (cols: readonly Float64Array[], rows: number, chunk: DuckDBDataChunk) => void,
): Promise<void> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    const n = chunk?.rowCount ?? 0;
    if (!chunk || n === 0) return;
    const cols: Float64Array[] = [];
    for (let c = 0; c < doubles; c++) cols.push(readDoubles(chunk.getColumnVector(c), n));
    fn(cols, n, chunk);
  }
}
