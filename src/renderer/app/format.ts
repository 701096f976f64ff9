/** Number and time formatting for the tables (the host already sends decimals). */
export function fmt(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtQty(n: number, digits = 8): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function fmtSigned(n: number, digits = 2): string {
  return `${n > 0 ? '+' : ''}${fmt(n, digits)}`;
}

export function fmtTime(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) : '—';
}

export const pnlClass = (n: number): string => (n > 0 ? 'up' : n < 0 ? 'down' : '');
