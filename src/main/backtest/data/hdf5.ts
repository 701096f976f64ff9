/**
 * HDF5 files written by pandas (`DataFrame.to_hdf`, through PyTables): freqtrade's `hdf5` data
 * format, and any pandas frame of bars or trades. Read with h5wasm (the HDF5 C library compiled
 * to WebAssembly) and the h5wasm-plugins compression filters (blosc, which freqtrade uses, zstd,
 * lz4, bzip2, lzf; gzip/zlib and shuffle are built into HDF5), both loaded only when an HDF5
 * file is read.
 *
 * Two pandas layouts:
 * - `format='table'` (freqtrade): a group with `pandas_type = frame_table` holding a compound
 *   dataset `table`: the row `index`, `values_block_k` fields (arrays of same-typed columns) and
 *   data columns as fields of their own. Column names come from each field's `<field>_kind`
 *   attribute, a list PyTables pickles with protocol 0 (read here by a small parser of that
 *   protocol's list-of-strings subset), types from `<field>_dtype`. A datetime index (a frame
 *   saved with its time as the index) is the column `date`.
 * - `format='fixed'` (pandas' default): `pandas_type = frame`, `block{k}_items` naming the
 *   columns of the 2-D `block{k}_values`. Text columns of that layout are pickled Python objects
 *   and are refused with what to do (save with format='table').
 * Columns are then recognised by name as in Parquet and Feather files (columnar.ts).
 *
 * A file holding several frames: the one whose key names the file's pair (freqtrade writes
 * `ETH/BTC/ohlcv/tf_5m`, `XRP/ETH/trades`, `XRP/USDT_USDT/…` for futures), else the only one,
 * else an error listing the keys. Rows are read in slices of SLICE rows (the file is not
 * converted whole); a dataset compressed with a filter this reader lacks is refused before it is
 * read. Errors name the file and the row, never a value of it.
 */
import fs from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type * as H5Module from 'h5wasm/node';
import type { CompoundMember, Dataset, Group, Metadata, OutputData } from 'h5wasm/node';
import { barPlan, columnarKind, tradePlan } from './columnar';
import type { ColumnarColumn, Pick, Plan } from './columnar';
import { ImportError } from './errors';
import type { RawBar, RawTrade } from './records';

type H5 = typeof H5Module;

let h5: Promise<H5> | undefined;

/** h5wasm, ready, with the compression plugins on its search path (once). */
function loadH5(): Promise<H5> {
  h5 ??= (async () => {
    const m = await import('h5wasm/node');
    const module = await m.ready;
    (await import('h5wasm-plugins')).install_local_plugins(module);
    return m;
  })();
  return h5;
}

/**
 * Runs a (synchronous) h5wasm call with its stderr muted: the HDF5 library prints its error
 * stack ("HDF5-DIAG: Error detected…") before h5wasm throws, through Emscripten's raw file
 * system, i.e. `fs.writeSync(2, …)`; the user gets the reader's own error instead. Nothing else
 * can write meanwhile (the call is synchronous); writes to other descriptors pass through.
 */
function quiet<T>(f: () => T): T {
  const writeSync = fs.writeSync;
  const mute = (fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]): number => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    return typeof rest[1] === 'number' ? rest[1] : typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  };
  fs.writeSync = mute as typeof writeSync;
  try {
    return f();
  } finally {
    fs.writeSync = writeSync;
  }
}

/** Rows read per slice. */
const SLICE = 65_536;

/**
 * HDF5 filters this reader can decode: deflate (1), shuffle (2), fletcher32 (3), scale-offset
 * (6), n-bit (5) are built into HDF5; the rest are h5wasm-plugins' (registered filter ids).
 */
const FILTERS = new Map<number, string>([
  [1, 'deflate'],
  [2, 'shuffle'],
  [3, 'fletcher32'],
  [5, 'nbit'],
  [6, 'scaleoffset'],
  [307, 'bzip2'],
  [32000, 'lzf'],
  [32001, 'blosc'],
  [32004, 'lz4'],
  [32008, 'bitshuffle'],
  [32015, 'zstd'],
  [32026, 'blosc2'],
]);

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Refuses what is not an HDF5 file before the library sees it (the signature is at 0 or after a user block of 512·2^k bytes). */
async function checkSignature(path: string): Promise<void> {
  let fh;
  try {
    fh = await openFile(path, 'r');
  } catch (error) {
    throw new ImportError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot open the file', undefined, 'line', { cause: error });
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new ImportError(path, 'empty file');
    const head = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const { bytesRead } = await fh.read(head, 0, 8, at);
      if (bytesRead === 8 && head.equals(SIGNATURE)) return;
      if (at >= 1 << 20) break;
    }
    throw new ImportError(path, 'not an HDF5 file');
  } finally {
    await fh.close();
  }
}

// ------------------------------------------------------------------ PyTables' pickled attributes

/**
 * The strings of a pickle (protocol 0) of a list of strings, or of a list of (int, list of
 * strings) tuples as pandas' `non_index_axes`, in order. Only that subset of the protocol is
 * understood: anything else throws, and the caller says it cannot read the column names.
 */
export function pickledStrings(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const line = (): string => {
    const end = text.indexOf('\n', i);
    if (end < 0) throw new Error('cut short');
    const s = text.slice(i, end);
    i = end + 1;
    return s;
  };
  while (i < text.length) {
    const op = text[i++];
    switch (op) {
      case '(': // MARK
      case 'l': // LIST (from the mark)
      case ']': // EMPTY_LIST
      case 'a': // APPEND
      case 'e': // APPENDS
      case 't': // TUPLE
      case 'N': // NONE
      case '0': // POP
        break;
      case 'p': // PUT n
      case 'g': // GET n
      case 'I': // INT
      case 'L': // LONG
        line();
        break;
      case 'V': // UNICODE, raw-unicode-escaped
        out.push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\\\/g, '\\'));
        break;
      case 'S': {
        // STRING: a Python repr in quotes
        const s = line();
        const q = s[0];
        if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) throw new Error('unquoted string');
        out.push(s.slice(1, -1).replace(/\\(.)/g, '$1'));
        break;
      }
      case '.': // STOP
        return out;
      default:
        throw new Error('unsupported pickle opcode');
    }
  }
  throw new Error('no STOP');
}

// ------------------------------------------------------------------ frames in a file

interface Frame {
  /** The frame's key (its group's path without the leading slash). */
  readonly key: string;
  readonly group: Group;
  readonly layout: 'table' | 'fixed';
}

const isGroup = (e: unknown): e is Group => typeof e === 'object' && e !== null && (e as { type?: string }).type === 'Group';
const isDataset = (e: unknown): e is Dataset => typeof e === 'object' && e !== null && (e as { type?: string }).type === 'Dataset';

function attr(o: Group | Dataset, name: string): OutputData | null | undefined {
  const a = o.attrs[name];
  return a === undefined ? undefined : a.value;
}

const attrText = (o: Group | Dataset, name: string): string | undefined => {
  const v = attr(o, name);
  return typeof v === 'string' ? v : undefined;
};

/** Every pandas frame under `g` (groups with a `pandas_type`), depth first. */
function frames(g: Group, out: Frame[] = []): Frame[] {
  for (const name of g.keys()) {
    const e = g.get(name);
    if (!isGroup(e)) continue;
    const type = attrText(e, 'pandas_type');
    const key = e.path.replace(/^\//, '');
    if (type === 'frame_table') out.push({ key, group: e, layout: 'table' });
    else if (type === 'frame') out.push({ key, group: e, layout: 'fixed' });
    else if (type === undefined) frames(e, out);
  }
  return out;
}

/** freqtrade's pair of a key (`XRP/USDT_USDT/ohlcv/tf_1h` → XRP/USDT:USDT), upper case. */
const pairOfKey = (key: string): string => {
  const [base = '', quote = ''] = key.split('/');
  return `${base}/${quote.replace('_', ':')}`.toUpperCase();
};

/** The pair a freqtrade file name names (`XRP_USDT_USDT-1h-mark.h5` → XRP/USDT:USDT). */
function pairOfFile(path: string): string | undefined {
  const m = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:_([A-Za-z0-9]+))?-/.exec(basename(path));
  if (!m) return undefined;
  return `${m[1]}/${m[2]}${m[3] ? `:${m[3]}` : ''}`.toUpperCase();
}

function pickFrame(path: string, all: readonly Frame[]): Frame {
  if (all.length === 0) throw new ImportError(path, 'an HDF5 file without a pandas frame (to_hdf writes one per key)');
  if (all.length === 1) return all[0]!;
  const pair = pairOfFile(path);
  const named = pair === undefined ? [] : all.filter((f) => pairOfKey(f.key) === pair);
  if (named.length === 1) return named[0]!;
  const keys = all.map((f) => f.key);
  throw new ImportError(path, `holds ${all.length} frames (${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}) and its name does not pick one: keep one key per file, named like freqtrade's (ETH_BTC-5m.h5 for key ETH/BTC/ohlcv/tf_5m)`);
}

// ------------------------------------------------------------------ columns

/** How a cell becomes the value columnar.ts decodes. */
type Conv = 'double' | 'int' | 'text' | 'bool' | { readonly timeDivisor: number };

interface H5Column extends ColumnarColumn {
  /** Field of the compound row (table) or block index (fixed). */
  readonly field: number;
  /** Position inside the field's array (table) or block row (fixed); -1 for a scalar field. */
  readonly sub: number;
  readonly conv: Conv;
}

/** Nanoseconds… per millisecond for a numpy datetime64 unit (pandas wrote ns before 3.0, may write us/ms/s since). */
function timeDivisor(dtype: string): number | undefined {
  if (!dtype.startsWith('datetime64')) return undefined;
  const unit = /\[(\w+)\]/.exec(dtype)?.[1] ?? 'ns';
  return { ns: 1e6, us: 1e3, ms: 1, s: 1e-3 }[unit];
}

function convOf(path: string, column: string, dtype: string): { conv: Conv; type: string } {
  const div = timeDivisor(dtype);
  if (dtype.startsWith('datetime64')) {
    if (div === undefined) throw new ImportError(path, `column ${column} has a time unit this reader does not know (${dtype.slice(0, 40)})`);
    return { conv: { timeDivisor: div }, type: 'TIMESTAMP' };
  }
  if (/^float/.test(dtype)) return { conv: 'double', type: 'DOUBLE' };
  if (/^u?int/.test(dtype)) return { conv: 'int', type: 'BIGINT' };
  if (dtype === 'bool') return { conv: 'bool', type: 'BOOLEAN' };
  if (/^(bytes|string|str|unicode|object)/.test(dtype)) return { conv: 'text', type: 'VARCHAR' };
  throw new ImportError(path, `column ${column} has a type this reader does not know (${dtype.slice(0, 40)})`);
}

function names(path: string, text: string | undefined, what: string): string[] {
  if (text === undefined) throw new ImportError(path, `cannot read the column names of this pandas frame (no ${what})`);
  try {
    return pickledStrings(text);
  } catch (error) {
    throw new ImportError(path, `cannot read the column names of this pandas frame (${what} is not a pickled list of names)`, undefined, 'line', { cause: error });
  }
}

function checkFilters(path: string, d: Dataset): void {
  for (const f of d.filters) {
    if (!FILTERS.has(f.id)) throw new ImportError(path, `compressed with an HDF5 filter this reader does not have (id ${f.id}${f.name ? `, ${f.name.slice(0, 40)}` : ''}): re-save it with complib='blosc', 'zlib' or 'lzo'… or convert it to Parquet`);
  }
}

interface Source {
  readonly rows: number;
  readonly columns: H5Column[];
  /** Rows [lo, hi): for each column, its values as columnar.ts wants them. */
  readonly read: (lo: number, hi: number) => unknown[][];
}

/** NaT: numpy's missing datetime64 (int64 min). */
const NAT = -9223372036854775808n;

/** Epoch ms of a datetime64 count in units of 1/`divisor` ms (exact integer division first: ns overflow a double's integers); null for NaT. */
function epochMs(n: bigint, divisor: number): number | null {
  if (n === NAT) return null;
  // seconds: a whole multiplier (dividing by 0.001 is not exact in binary)
  if (divisor < 1) return Number(n * BigInt(Math.round(1 / divisor)));
  const d = BigInt(divisor);
  return Number(n / d) + Number(n % d) / divisor;
}

const cell = (conv: Conv, v: unknown, nanRep: string | undefined): unknown => {
  if (v === null || v === undefined) return null;
  if (typeof conv === 'object') return epochMs(typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))), conv.timeDivisor);
  switch (conv) {
    case 'double':
      return typeof v === 'number' ? v : Number(v);
    case 'int':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'bool':
      return String(Boolean(v));
    case 'text': {
      const s = typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
      return s === nanRep || s === '' ? null : s;
    }
  }
};

function tableSource(lib: H5, path: string, frame: Frame): Source {
  const table = frame.group.get('table');
  if (!isDataset(table)) throw new ImportError(path, `pandas table ${frame.key} has no table dataset`);
  checkFilters(path, table);
  const members = table.metadata.compound_type?.members ?? [];
  const nanRep = attrText(frame.group, 'nan_rep');
  const columns: H5Column[] = [];
  members.forEach((m, field) => {
    if (m.name === 'index') {
      const kind = attrText(table, 'index_kind') ?? '';
      // a datetime index is the frame's time; an integer one is just the row number
      if (kind.startsWith('datetime64')) {
        const { conv, type } = convOf(path, 'index', kind);
        columns.push({ name: 'date', type, field, sub: -1, conv });
      }
      return;
    }
    const kinds = names(path, attrText(table, `${m.name}_kind`), `${m.name}_kind`);
    const { conv, type } = convOf(path, kinds[0] ?? m.name, attrText(table, `${m.name}_dtype`) ?? '');
    const isArray = m.array_type !== undefined;
    if (!isArray && kinds.length !== 1) throw new ImportError(path, `cannot read the column names of this pandas frame (${m.name})`);
    kinds.forEach((name, sub) => columns.push({ name, type, field, sub: isArray ? sub : -1, conv }));
  });
  // a datetime index and a date column both: keep the column's name
  if (columns.filter((c) => c.name === 'date').length > 1) columns.splice(columns.findIndex((c) => c.name === 'date'), 1);
  const rows = table.shape?.[0] ?? 0;
  const rowSize = table.metadata.size;
  const readers = columns.map((c) => rawReader(path, c, members[c.field]!, nanRep));
  return {
    rows,
    columns,
    read: (lo, hi) => {
      // the rows' bytes as HDF5 gives them (h5wasm's own conversion of compound rows into
      // nested arrays cost ~4× the whole read, most of it garbage collection), decoded per column
      const bytes = rawRows(lib, table, lo, hi, rowSize);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return readers.map((read) => {
        const out = new Array<unknown>(hi - lo);
        for (let i = 0, at = 0; i < hi - lo; i++, at += rowSize) out[i] = read(view, at);
        return out;
      });
    },
  };
}

/** The bytes of rows [lo, hi) of a compound dataset, copied out of the WebAssembly heap. */
function rawRows(lib: H5, table: Dataset, lo: number, hi: number, rowSize: number): Uint8Array {
  const m = lib.Module as unknown as RawModule;
  const n = (hi - lo) * rowSize;
  const ptr = m._malloc(n);
  if (!ptr) throw new Error('out of memory');
  try {
    m.get_dataset_data(table.file_id, table.path, [BigInt(hi - lo)], [BigInt(lo)], [1n], BigInt(ptr));
    return m.HEAPU8.slice(ptr, ptr + n);
  } finally {
    m._free(ptr);
  }
}

/** What of h5wasm's Emscripten module the raw read uses. */
interface RawModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  readonly HEAPU8: Uint8Array;
  get_dataset_data(fileId: bigint, path: string, count: bigint[], offset: bigint[], strides: bigint[], ptr: bigint): number;
}

/** HDF5 type classes (H5T_class_t). */
const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, BITFIELD: 4, ENUM: 8 } as const;

/** Reads column `c` of a row at byte `base` of a compound row buffer. */
function rawReader(path: string, c: H5Column, member: CompoundMember, nanRep: string | undefined): (v: DataView, base: number) => unknown {
  const elem: Metadata = member.array_type ?? member;
  const off = member.offset + (c.sub < 0 ? 0 : c.sub * elem.size);
  const le = elem.littleEndian;
  const size = elem.size;
  const bad = (): never => {
    throw new ImportError(path, `column ${c.name} is stored as an HDF5 type this reader does not know (class ${elem.type}, ${size} bytes)`);
  };
  const conv = c.conv;
  if (typeof conv === 'object') {
    if (elem.type !== H5T.INTEGER || size !== 8) bad();
    return (v, base) => epochMs(v.getBigInt64(base + off, le), conv.timeDivisor);
  }
  if (conv === 'text') {
    if (elem.type !== H5T.STRING || elem.vlen) bad();
    const utf8 = new TextDecoder('utf-8');
    return (v, base) => {
      const at = v.byteOffset + base + off;
      const bytes = new Uint8Array(v.buffer, at, size);
      let end = 0;
      let ascii = true;
      for (; end < size && bytes[end] !== 0; end++) if (bytes[end]! >= 0x80) ascii = false;
      if (end === 0) return null;
      let s = '';
      if (ascii) for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]!);
      else s = utf8.decode(bytes.subarray(0, end));
      return s === nanRep ? null : s;
    };
  }
  if (elem.type === H5T.FLOAT) {
    if (size === 8) return (v, base) => v.getFloat64(base + off, le);
    if (size === 4) return (v, base) => v.getFloat32(base + off, le);
    return bad();
  }
  if (elem.type === H5T.INTEGER || elem.type === H5T.BITFIELD || elem.type === H5T.ENUM) {
    const int = ((): ((v: DataView, at: number) => number) => {
      switch (size) {
        case 1:
          return elem.signed ? (v, at) => v.getInt8(at) : (v, at) => v.getUint8(at);
        case 2:
          return elem.signed ? (v, at) => v.getInt16(at, le) : (v, at) => v.getUint16(at, le);
        case 4:
          return elem.signed ? (v, at) => v.getInt32(at, le) : (v, at) => v.getUint32(at, le);
        case 8:
          return elem.signed ? (v, at) => Number(v.getBigInt64(at, le)) : (v, at) => Number(v.getBigUint64(at, le));
        default:
          return bad();
      }
    })();
    if (conv === 'bool') return (v, base) => String(int(v, base + off) !== 0);
    return (v, base) => int(v, base + off);
  }
  return bad();
}

function fixedSource(path: string, frame: Frame): Source {
  const g = frame.group;
  const blocks = Number(attrText(g, 'nblocks') ?? attr(g, 'nblocks') ?? 0);
  const columns: H5Column[] = [];
  const values: Dataset[] = [];
  let rows = -1;
  for (let k = 0; k < blocks; k++) {
    const items = g.get(`block${k}_items`);
    const vals = g.get(`block${k}_values`);
    if (!isDataset(items) || !isDataset(vals)) throw new ImportError(path, `pandas frame ${frame.key} lacks block ${k}`);
    const itemNames = items.value;
    const list = Array.isArray(itemNames) ? itemNames.map(String) : [];
    if (attrText(vals, 'CLASS') === 'VLARRAY') throw new ImportError(path, `text columns (${list.slice(0, 4).join(', ')}) of a pandas 'fixed' frame are pickled Python objects: re-save it with to_hdf(…, format='table') or convert it to Parquet`);
    checkFilters(path, vals);
    const dtype = attrText(vals, 'value_type') ?? (typeof vals.dtype === 'string' ? { '<d': 'float64', '<f': 'float32', '<q': 'int64', '<i': 'int32', '?': 'bool' }[vals.dtype] ?? vals.dtype : '');
    const shape = vals.shape ?? [];
    if (shape.length !== 2 || shape[1] !== list.length) throw new ImportError(path, `pandas frame ${frame.key}: block ${k} has an unexpected shape`);
    if (rows >= 0 && shape[0] !== rows) throw new ImportError(path, `pandas frame ${frame.key}: blocks of different lengths`);
    rows = shape[0]!;
    values.push(vals);
    list.forEach((name, sub) => {
      const { conv, type } = convOf(path, name, dtype);
      columns.push({ name, type, field: k, sub, conv });
    });
  }
  return {
    rows: Math.max(rows, 0),
    columns,
    read: (lo, hi) => {
      const data = values.map((v) => v.slice([[lo, hi], []]) as ArrayLike<unknown> | null);
      return columns.map((c) => {
        const d = data[c.field];
        const width = values[c.field]!.shape![1]!;
        const out = new Array<unknown>(hi - lo);
        for (let i = 0; i < hi - lo; i++) out[i] = cell(c.conv, d?.[i * width + c.sub], undefined);
        return out;
      });
    },
  };
}

type H5File = InstanceType<H5['File']>;

/** Opens the file and its frame's rows; the caller closes the file. */
async function openSource(path: string): Promise<{ file: H5File; src: Source }> {
  await checkSignature(path);
  const lib = await loadH5();
  let file: H5File;
  try {
    file = quiet(() => new lib.File(resolve(path), 'r'));
  } catch (error) {
    throw new ImportError(path, 'cannot read this HDF5 file (damaged or cut short)', undefined, 'line', { cause: error });
  }
  try {
    const frame = pickFrame(path, quiet(() => frames(file)));
    return { file, src: quiet(() => (frame.layout === 'table' ? tableSource(lib, path, frame) : fixedSource(path, frame))) };
  } catch (error) {
    quiet(() => file.close());
    // h5wasm's own messages ("error - name not defined!") say nothing to a user
    if (error instanceof ImportError) throw error;
    throw new ImportError(path, 'cannot read this HDF5 file (damaged or cut short)', undefined, 'line', { cause: error });
  }
}

/** The columns of the file's pandas frame. */
export async function hdf5Schema(path: string): Promise<ColumnarColumn[]> {
  const { file, src } = await openSource(path);
  quiet(() => file.close());
  return src.columns.map((c) => ({ name: c.name, type: c.type }));
}

export function hdf5Kind(path: string, columns: readonly ColumnarColumn[]): 'bars' | 'trades' {
  return columnarKind(path, 'HDF5', columns);
}

async function* records<T>(path: string, plan: (schema: readonly ColumnarColumn[]) => Plan<T>): AsyncGenerator<T> {
  const { file, src } = await openSource(path);
  try {
    const { picks, decode } = plan(src.columns);
    const values: unknown[] = new Array<unknown>(picks.length);
    // text picks as strings (a numeric id column reads "123", a boolean "true")
    const asText = picks.map((p) => 'as' in p && p.as === 'text');
    for (let lo = 0; lo < src.rows; lo += SLICE) {
      const hi = Math.min(src.rows, lo + SLICE);
      let cols: unknown[][];
      try {
        cols = quiet(() => src.read(lo, hi));
      } catch (error) {
        throw new ImportError(path, 'cannot read this HDF5 file (damaged or cut short)', lo + 1, 'row', { cause: error });
      }
      for (let i = 0; i < hi - lo; i++) {
        for (let k = 0; k < picks.length; k++) {
          const p = picks[k] as Pick;
          const v = 'constant' in p ? p.constant : (cols[p.column]?.[i] ?? null);
          values[k] = v !== null && asText[k] ? String(v) : v;
        }
        yield decode(values, lo + i + 1);
      }
    }
  } finally {
    quiet(() => file.close());
  }
}

export function hdf5BarRecords(path: string): AsyncGenerator<RawBar> {
  return records(path, (schema) => barPlan(path, schema));
}

export function hdf5TradeRecords(path: string): AsyncGenerator<RawTrade> {
  return records(path, (schema) => tradePlan(path, schema));
}
