/**
 * Timestamp parsing for imported files. Every result is epoch milliseconds, UTC.
 *
 * Numbers (integer or decimal) are taken as an epoch count whose unit is decided by magnitude,
 * value by value:
 *   |v| < 1e11  → seconds       (1e11 s is the year 5138; 1e11 ms would be 1973-03-03)
 *   |v| < 1e14  → milliseconds  (up to the year 5138)
 *   |v| < 1e17  → microseconds
 *   |v| < 1e20  → nanoseconds
 * So any date from 1973 to 5138 is read correctly in any of the four units; files from before
 * 1973 must use ISO dates. Sub-millisecond parts are truncated (floored) to the millisecond.
 * A compact `20180110` would read as seconds (1970-08): such files need ISO dates.
 *
 * Strings are ISO 8601 dates or date-times, read as UTC unless they carry an offset:
 *   `2018-01-10`, `2018-01-10 04:55`, `2018-01-10 04:55:00`, `2018-01-10T04:55:00.123456Z`,
 *   `2022-07-25T09:15:00+05:30`, `2023-02-02 09:20:00.138000+00:00`.
 * Slash dates are US order month/day/year with a 4-digit year (`1/31/2026 6:49`, `08/30/2019`),
 * as exported by US brokers and spreadsheets; day/month/year files are not recognised.
 */

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/** Converts an epoch number in s/ms/µs/ns (by magnitude, see module doc) to ms. */
export function epochToMs(v: number): number {
  const a = Math.abs(v);
  if (a < 1e11) return Math.floor(v * 1000 + 1e-6);
  if (a < 1e14) return Math.floor(v);
  if (a < 1e17) return Math.floor(v / 1e3);
  if (a < 1e20) return Math.floor(v / 1e6);
  return Number.NaN;
}

/** Parses a timestamp cell; returns NaN when it is not a recognisable time. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (t === '') return Number.NaN;
  if (NUMERIC.test(t)) return epochToMs(Number(t));
  let m = ISO.exec(t);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, tz] = m;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    const base = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
    return base - offsetMs(tz);
  }
  m = US.exec(t);
  if (m) {
    const [, mo, d, y, h, mi, s, frac] = m;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    return utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  }
  return Number.NaN;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  // Date.UTC silently rolls 2018-02-30 over to March: reject impossible fields instead.
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return Number.NaN;
  const v = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(v).getUTCDate() !== d) return Number.NaN;
  return v;
}

function offsetMs(tz: string | undefined): number {
  if (!tz || tz.toUpperCase() === 'Z') return 0;
  const sign = tz.startsWith('-') ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** `2018-01-10 04:55:00` (UTC; milliseconds shown only when non-zero) for messages and tables. */
export function formatUtc(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const iso = new Date(ms).toISOString();
  const s = iso.slice(0, 19).replace('T', ' ');
  return ms % 1000 === 0 ? s : `${s}.${iso.slice(20, 23)}`;
}
