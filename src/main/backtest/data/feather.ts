/**
 * Feather files (Arrow IPC, freqtrade's default data format, pandas `to_feather`) read with
 * Apache Arrow's JavaScript reader, record batch by record batch from a file handle (random
 * access: the file is not read whole). Batches compressed with LZ4 (what pandas and freqtrade
 * write) or ZSTD (pyarrow's other codec) are decompressed by lz4js and fzstd (pure JavaScript;
 * Node 20 has no zstd). Columns are recognised by name
 * (columnar.ts, as Parquet files). The reader is loaded only when a Feather file is read.
 * Errors name the file and the row, never a value of it.
 */
import { open as openFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type * as ArrowModule from 'apache-arrow';
import type { DataType, RecordBatch, Vector } from 'apache-arrow';
import { barPlan, columnarKind, tradePlan } from './columnar';
import type { ColumnarColumn, Pick, Plan } from './columnar';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';

type Arrow = typeof ArrowModule;

let arrow: Promise<Arrow> | undefined;

/** Apache Arrow with LZ4 frame and ZSTD decompression registered (once). */
function loadArrow(): Promise<Arrow> {
  arrow ??= (async () => {
    const a = await import('apache-arrow');
    const lz4 = (await import('lz4js')).default;
    const { decompress: zstd } = await import('fzstd');
    a.compressionRegistry.set(a.CompressionType.LZ4_FRAME, { decode: (data: Uint8Array) => lz4.decompress(data) });
    // Arrow views 64-bit columns in place (BigInt64Array, Float64Array): the bytes must start 8-aligned
    const aligned = (b: Uint8Array): Uint8Array => (b.byteOffset % 8 === 0 ? b : b.slice());
    a.compressionRegistry.set(a.CompressionType.ZSTD, { decode: (data: Uint8Array) => aligned(zstd(data)) });
    return a;
  })();
  return arrow;
}

const MAGIC_FILE = 'ARROW1';
const MAGIC_V1 = 'FEA1';

/** Refuses what is not an Arrow IPC file or stream before the reader sees it, with the reason. */
async function checkHead(path: string, fh: FileHandle): Promise<void> {
  const head = Buffer.alloc(8);
  const { bytesRead } = await fh.read(head, 0, 8, 0);
  if (bytesRead === 0) throw new ImportError(path, 'empty file');
  const text = head.subarray(0, bytesRead).toString('latin1');
  if (text.startsWith(MAGIC_V1)) throw new ImportError(path, 'a Feather v1 file (written by pandas before 1.0): re-save it with a current pandas (to_feather) or convert it to Parquet');
  // An IPC stream starts with the continuation marker 0xFFFFFFFF (or, before Arrow 0.15, a message length).
  if (!text.startsWith(MAGIC_FILE) && head.readUInt32LE(0) !== 0xffffffff) throw new ImportError(path, 'not a Feather (Arrow IPC) file');
}

/** The reader's own messages may quote bytes of the file: keep only what is wrong. */
function unreadable(path: string, error: unknown): ImportError {
  if (error instanceof ImportError) return error;
  const m = error instanceof Error ? error.message : String(error);
  const why = /compress|codec/i.test(m) ? 'compressed with a codec this reader does not decompress (it reads LZ4 and ZSTD): re-save it with compression="lz4" or "uncompressed", or convert it to Parquet' : 'cannot read this Feather file (damaged or cut short)';
  return new ImportError(path, why, undefined, 'line', { cause: error });
}

/** A column's type as columnar.ts spells types (DuckDB's names). */
function typeName(a: Arrow, t: DataType): string {
  switch (t.typeId) {
    case a.Type.Timestamp:
      return 'TIMESTAMP';
    case a.Type.Date:
      return 'DATE';
    case a.Type.Int:
      return 'BIGINT';
    case a.Type.Float:
      return 'DOUBLE';
    case a.Type.Decimal:
      return 'DECIMAL';
    case a.Type.Bool:
      return 'BOOLEAN';
    case a.Type.Null:
      return 'NULL';
    case a.Type.Utf8:
    case a.Type.LargeUtf8:
    case a.Type.Dictionary:
      return 'VARCHAR';
    default:
      return String(t);
  }
}

async function openHandle(path: string): Promise<FileHandle> {
  try {
    return await openFile(path, 'r');
  } catch (error) {
    throw new ImportError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot open the file', undefined, 'line', { cause: error });
  }
}

/** Arrow's reader over an open file, and the file's columns. */
async function readerOf(path: string, fh: FileHandle): Promise<{ reader: AsyncIterable<RecordBatch>; schema: ColumnarColumn[] }> {
  await checkHead(path, fh);
  const a = await loadArrow();
  let reader;
  try {
    reader = await a.RecordBatchReader.from(fh);
    await reader.open();
  } catch (error) {
    throw unreadable(path, error);
  }
  const fields = reader.schema?.fields ?? [];
  if (fields.length === 0) throw new ImportError(path, 'a Feather file without columns');
  return { reader, schema: fields.map((f) => ({ name: f.name, type: typeName(a, f.type) })) };
}

/** The columns of a Feather file, from its schema. */
export async function featherSchema(path: string): Promise<ColumnarColumn[]> {
  const fh = await openHandle(path);
  try {
    return (await readerOf(path, fh)).schema;
  } finally {
    await fh.close();
  }
}

export function featherKind(path: string, columns: readonly ColumnarColumn[]): 'bars' | 'trades' {
  return columnarKind(path, 'Feather', columns);
}

/** A value in the form columnar.ts decodes: numbers (epoch ms for timestamps, Int64 as a number), strings, null. */
function valueOf(as: Pick, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const x = typeof v === 'bigint' ? Number(v) : v;
  // Text columns as strings (a boolean is_buyer_maker reads "true"/"false").
  return 'as' in as && as.as === 'text' ? String(x) : x;
}

/** The records of the file, batch by batch, the file open until the last one (or until the consumer stops). */
async function* records<T>(path: string, plan: (schema: readonly ColumnarColumn[]) => Plan<T>): AsyncGenerator<T> {
  const fh = await openHandle(path);
  try {
    const { reader, schema } = await readerOf(path, fh);
    const { picks, decode } = plan(schema);
    const values: unknown[] = new Array<unknown>(picks.length);
    let at = 0;
    const batches = reader[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<RecordBatch>;
      try {
        next = await batches.next();
      } catch (error) {
        throw unreadable(path, error);
      }
      if (next.done) break;
      const batch = next.value;
      const columns = picks.map((p): Vector | null => ('constant' in p ? null : batch.getChildAt(p.column)));
      for (let i = 0; i < batch.numRows; i++) {
        for (let k = 0; k < picks.length; k++) {
          const p = picks[k] as Pick;
          const c = columns[k];
          values[k] = 'constant' in p ? p.constant : valueOf(p, c ? c.get(i) : null);
        }
        yield decode(values, ++at);
      }
    }
  } finally {
    await fh.close();
  }
}

export function featherBarRecords(path: string): AsyncGenerator<RawBar> {
  return records(path, (schema) => barPlan(path, schema));
}

export function featherTradeRecords(path: string): AsyncGenerator<RawTrade> {
  return records(path, (schema) => tradePlan(path, schema));
}
