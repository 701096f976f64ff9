/**
 * CSV plumbing shared by the bar and trade readers: separator sniffing, field splitting
 * (RFC 4180 quotes), header detection and mapping header names to roles (time, open, …).
 *
 * Header names are matched case-insensitively after dropping everything but letters and
 * digits, so `Open Time`, `open_time` and `OPENTIME` are the same name. When several columns
 * could be the time, the earlier alias in TIME_ALIASES wins (`timestamp` beats `date`).
 * A nameless first column (a pandas index, as in backtesting.py's CSVs) is the time when no
 * column is named like one.
 */
import { ImportError } from './errors';
import { parseTimestamp } from './timestamps';

export type ColumnRole = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'price' | 'size' | 'side' | 'id';

const TIME_ALIASES = ['timestamp', 'time', 'opentime', 'datetime', 'date', 'starttime', 'start', 'ts', 't', 'unixtime', 'unix', 'epoch', 'timems', 'timestampms'];

export const ROLE_ALIASES: Readonly<Record<ColumnRole, readonly string[]>> = {
  time: TIME_ALIASES,
  open: ['open', 'o', 'openprice'],
  high: ['high', 'h', 'highprice', 'max'],
  low: ['low', 'l', 'lowprice', 'min'],
  close: ['close', 'c', 'closeprice', 'last'],
  volume: ['volume', 'vol', 'v', 'basevolume', 'volumebase'],
  price: ['price', 'p', 'rate', 'tradeprice'],
  size: ['amount', 'size', 'qty', 'quantity', 'volume', 'vol', 'q', 'baseamount'],
  side: ['side', 'takerside', 'aggressorside', 'aggressor'],
  id: ['id', 'tradeid', 'tid', 'aggid', 'aggtradeid'],
};

/**
 * Lines before the header that hold one cell and no separator (CryptoDataDownload's CSVs start
 * with their URL): skipped, at most PREAMBLE_LINES of them.
 */
export const PREAMBLE_LINES = 5;
export function isPreamble(line: string): boolean {
  return !/[,;\t]/.test(line) && line.trim() !== '' && !/^[+-]?\d/.test(line.trim());
}

export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The separator among `,` `;` and tab that occurs most in the header line (`,` on a tie). */
export function sniffSeparator(headerLine: string): string {
  let best = ',';
  let bestCount = count(headerLine, ',');
  for (const sep of [';', '\t']) {
    const c = count(headerLine, sep);
    if (c > bestCount) {
      best = sep;
      bestCount = c;
    }
  }
  return best;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Splits one CSV line; double-quoted fields may hold separators and `""` escapes. */
export function splitLine(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** True when the line looks like data rather than a header: every cell a number or a time. */
export function looksLikeData(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((c, i) => NUMERIC.test(c) || (i === 0 && Number.isFinite(parseTimestamp(c))) || c.trim() === '');
}

export type ColumnMap = Partial<Record<ColumnRole, number>>;

/**
 * Maps roles to column indexes. `required` roles must be found; missing ones raise
 * `data.csv line 1: no column for close in the header (4 columns; recognised: time, open, high, low)`.
 */
export function mapHeader(path: string, header: readonly string[], sep: string, required: readonly ColumnRole[], optional: readonly ColumnRole[]): ColumnMap {
  const names = header.map(normalizeHeader);
  const map: ColumnMap = {};
  const taken = new Set<number>();
  for (const role of [...required, ...optional]) {
    for (const alias of ROLE_ALIASES[role]) {
      const idx = names.findIndex((n, i) => n === alias && !taken.has(i));
      if (idx >= 0) {
        map[role] = idx;
        taken.add(idx);
        break;
      }
    }
    if (map[role] === undefined && role === 'volume') {
      // `Volume (BTC)`, `volume_base`…: any column whose name starts with "volume".
      const idx = names.findIndex((n, i) => n.startsWith('volume') && !taken.has(i));
      if (idx >= 0) {
        map[role] = idx;
        taken.add(idx);
      }
    }
  }
  if (map.time === undefined && names[0] === '' && !taken.has(0)) map.time = 0;
  for (const role of required) {
    if (map[role] === undefined) {
      const found = Object.keys(map).filter((r) => map[r as ColumnRole] !== undefined);
      throw new ImportError(path, `no column for ${role} in the header (${header.length} columns; recognised: ${found.length > 0 ? found.join(', ') : 'none'})`, 1);
    }
  }
  return map;
}

/** Column map from a caller's list for headerless files: `['time', 'price', 'size']`. */
export function mapHeaderless(path: string, roles: readonly string[], required: readonly ColumnRole[]): ColumnMap {
  const map: ColumnMap = {};
  roles.forEach((r, i) => {
    const role = normalizeHeader(r);
    for (const [k, aliases] of Object.entries(ROLE_ALIASES) as [ColumnRole, readonly string[]][]) {
      if (map[k] === undefined && (role === k || aliases.includes(role)) && (k !== 'volume' || !required.includes('size'))) {
        map[k] = i;
        return;
      }
    }
  });
  for (const role of required) {
    if (map[role] === undefined) throw new ImportError(path, `headerless layout [${roles.join(', ')}] has no column for ${role}`);
  }
  return map;
}
