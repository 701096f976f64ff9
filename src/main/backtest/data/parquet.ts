/**
 * Parquet files (NautilusTrader catalogs, Tardis and pandas exports, freqtrade's trades) read
 * through DuckDB's built-in Parquet reader, streamed chunk by chunk in the file's row order.
 * Columns are recognised by name (columnar.ts, as Feather files). DuckDB is loaded only when a
 * Parquet file is read. Errors name the file and the row, never a value of it.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { barPlan, columnarKind, isNumericType, isTimestampType, tradePlan } from './columnar';
import type { ColumnarColumn, Pick, Plan } from './columnar';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';

export type ParquetColumn = ColumnarColumn;

interface Opened {
  readonly conn: DuckDBConnection;
  readonly db: DuckDBInstance;
}

async function open(): Promise<Opened> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  return { db, conn: await db.connect() };
}

function close(o: Opened): void {
  o.conn.closeSync();
  o.db.closeSync();
}

const quoted = (path: string): string => `'${path.replaceAll("'", "''")}'`;
const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** DuckDB's own message names the path and what is wrong with the file; keep only that it is unreadable. */
function unreadable(path: string, error: unknown): ImportError {
  const m = error instanceof Error ? error.message : String(error);
  const why = /magic bytes|not a parquet file|too small to be a Parquet file/i.test(m) ? 'not a Parquet file' : /No files found|does not exist|No such file/i.test(m) ? 'file not found' : 'cannot read this Parquet file';
  return new ImportError(path, why, undefined, 'line', { cause: error });
}

async function describe(o: Opened, path: string): Promise<ParquetColumn[]> {
  try {
    const r = await o.conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted(path)})`);
    return r.getRows().map((row) => ({ name: String(row[0]), type: String(row[1]) }));
  } catch (error) {
    throw unreadable(path, error);
  }
}

/** The columns of a Parquet file, from its footer. */
export async function parquetSchema(path: string): Promise<ParquetColumn[]> {
  const o = await open();
  try {
    return await describe(o, path);
  } finally {
    close(o);
  }
}

/** Whether the columns make bars, trades or neither (then the error says which column is missing). */
export function parquetKind(path: string, columns: readonly ParquetColumn[]): 'bars' | 'trades' {
  return columnarKind(path, 'Parquet', columns);
}

/** SQL for one picked value: times as epoch ms (DOUBLE) or text, numbers as DOUBLE, text as VARCHAR. */
function sqlOf(schema: readonly ParquetColumn[], p: Pick): string {
  if ('constant' in p) return p.constant === null ? 'NULL' : '0::DOUBLE';
  const c = schema[p.column] as ParquetColumn;
  if (p.as === 'double') return `${ident(c.name)}::DOUBLE`;
  if (p.as === 'text') return `${ident(c.name)}::VARCHAR`;
  if (isTimestampType(c.type)) return `epoch_ms(${ident(c.name)}::TIMESTAMP)::DOUBLE`;
  return isNumericType(c.type) ? `${ident(c.name)}::DOUBLE` : `${ident(c.name)}::VARCHAR`;
}

/** The records of the file, chunk by chunk, on one DuckDB connection (its schema read there first). */
async function* records<T>(path: string, plan: (schema: readonly ParquetColumn[]) => Plan<T>): AsyncGenerator<T> {
  const o = await open();
  try {
    const schema = await describe(o, path);
    const { picks, decode } = plan(schema);
    let result;
    try {
      result = await o.conn.stream(`SELECT ${picks.map((p) => sqlOf(schema, p)).join(', ')} FROM read_parquet(${quoted(path)})`);
    } catch (error) {
      throw unreadable(path, error);
    }
    let at = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.getRows()) yield decode(values, ++at);
    }
  } finally {
    close(o);
  }
}

export function parquetBarRecords(path: string): AsyncGenerator<RawBar> {
  return records(path, (schema) => barPlan(path, schema));
}

export function parquetTradeRecords(path: string): AsyncGenerator<RawTrade> {
  return records(path, (schema) => tradePlan(path, schema));
}
