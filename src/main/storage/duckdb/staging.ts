/**
 * Fast bulk loading into DuckDB temp tables: columns are filled as typed arrays into
 * DataChunks (2048 rows each) and handed to an Appender, which costs a few native calls per
 * chunk instead of one per value. Numeric staging columns are DOUBLE (no BigInt per row; SQL
 * casts them to BIGINT on the way into the keyed table).
 */
import { DOUBLE, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType, DuckDBVector } from '@duckdb/node-api';

/** A staging column: numbers (NaN = NULL) or strings (null = NULL). */
export type StageColumn = Float64Array | readonly (string | null)[];

const CHUNK = 2048;

/** DDL of a temp staging table with the given column names, DOUBLE unless listed as VARCHAR. */
export function stagingDdl(table: string, doubles: readonly string[], varchars: readonly string[] = []): string {
  const cols = [...doubles.map((c) => `${c} DOUBLE`), ...varchars.map((c) => `${c} VARCHAR`)];
  return `CREATE TEMP TABLE IF NOT EXISTS ${table} (${cols.join(', ')})`;
}

/**
 * Appends `rows` rows to temp table `table`, whose columns are exactly `columns` in order
 * (Float64Array first, then string arrays, as `stagingDdl` declares them).
 */
export async function appendStaging(conn: DuckDBConnection, table: string, rows: number, columns: readonly StageColumn[]): Promise<void> {
  const types: DuckDBType[] = columns.map((c) => (c instanceof Float64Array ? DOUBLE : VARCHAR));
  const appender = await conn.createAppender(table, 'main', 'temp');
  try {
    for (let off = 0; off < rows; off += CHUNK) {
      const n = Math.min(CHUNK, rows - off);
      const chunk = DuckDBDataChunk.create(types, n);
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c]!;
        const vec: DuckDBVector = chunk.getColumnVector(c);
        if (col instanceof Float64Array) {
          for (let i = 0; i < n; i++) {
            const v = col[off + i]!;
            vec.setItem(i, Number.isNaN(v) ? null : v);
          }
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
