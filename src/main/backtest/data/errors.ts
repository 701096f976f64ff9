/**
 * The one error type of the file importers. Its message always names the file (base name, so
 * it reads well in a terminal) and, when the problem is in one record, the line (CSV) or the
 * row (JSON, whose files are often a single line) — e.g.
 * `ImportError: data.csv line 17: "abc" is not a number in column close`.
 * The full path stays available on `file` for programs.
 */
import { basename } from 'node:path';

export class ImportError extends Error {
  override readonly name = 'ImportError';
  /** Full path of the file being read. */
  readonly file: string;
  /** 1-based CSV line or JSON row number, when the error is about one record. */
  readonly line: number | undefined;

  constructor(file: string, message: string, line?: number, where: 'line' | 'row' = 'line', options?: ErrorOptions) {
    super(`${basename(file)}${line === undefined ? '' : ` ${where} ${line}`}: ${message}`, options);
    this.file = file;
    this.line = line;
  }
}

/** Short quoting of a bad cell for messages (long cells are cut so a binary file stays readable). */
export function quoteCell(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(t);
}
