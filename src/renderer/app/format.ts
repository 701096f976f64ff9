/** Number and time formatting for the tables (the host already sends decimals). */

// One Intl.NumberFormat per digit count: `toLocaleString` with options builds a formatter on
// every call, which was the main window's hottest function at 1 000 book updates/s (the ladder
// and tape format every cell each frame). Same output.
const fixed = new Map<number, Intl.NumberFormat>();
const upTo = new Map<number, Intl.NumberFormat>();
const formatter = (cache: Map<number, Intl.NumberFormat>, digits: number, min: boolean): Intl.NumberFormat => {
  let f = cache.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: min ? digits : 0, maximumFractionDigits: digits });
    cache.set(digits, f);
  }
  return f;
};

export function fmt(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return formatter(fixed, digits, true).format(n);
}

export function fmtQty(n: number, digits = 8): string {
  return formatter(upTo, digits, false).format(n);
}

export function fmtSigned(n: number, digits = 2): string {
  return `${n > 0 ? '+' : ''}${fmt(n, digits)}`;
}

export function fmtTime(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) : '—';
}

export const pnlClass = (n: number): string => (n > 0 ? 'up' : n < 0 ? 'down' : '');
