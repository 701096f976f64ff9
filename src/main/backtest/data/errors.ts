/**
 * The one error type of the file importers. Its message always names the file (base name, so
 * it reads well in a terminal) and, when the problem is in one record, the line (CSV) or the
 * row (JSON, whose files are often a single line) — e.g.
 * `ImportError: data.csv line 17: not a number in column close`. Messages never quote the file's
 * contents (a cell, a header, a line): the file may be anything the user pointed at, and the
 * message travels to the UI. The full path stays available on `file` for programs.
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

/** A bar file too short to tell its timeframe (a single bar): the caller may give one. */
export class TimeframeUnknownError extends ImportError {}
