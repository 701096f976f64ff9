/**
 * A streaming tokenizer for the one JSON shape that large market-data files use: a top-level
 * array of flat arrays, `[[1515560100000, 0.0984, …], …]` (CCXT/freqtrade OHLCV and trades).
 * It holds one row at a time, so a file of any size is read in constant memory.
 *
 * It is deliberately small and tolerant: it checks the nesting (rows must be flat arrays) but
 * not every comma; a malformed row is caught by the caller's per-row checks (length, types).
 * Python's `json.dump` writes `NaN`/`Infinity`; those are read as numbers so the caller can
 * reject them with a proper "not a finite number" message.
 */
import { ImportError } from './errors';
import { textChunks } from './source';

export type JsonScalar = number | string | boolean | null;

export interface JsonRow {
  readonly values: JsonScalar[];
  /** 1-based index of the row in the top-level array. */
  readonly no: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export async function* jsonArrayRows(path: string, source?: AsyncIterable<string>): AsyncGenerator<JsonRow> {
  let depth = 0;
  let done = false;
  let row: JsonScalar[] = [];
  let rowNo = 0;
  // A token that a chunk boundary cut in two: its kind and the text so far.
  let pending: { kind: 'string' | 'bare'; text: string } | null = null;
  let escaped = false;

  const fail = (msg: string): never => {
    throw new ImportError(path, msg, rowNo > 0 ? rowNo : undefined, 'row');
  };
  const bare = (tok: string): JsonScalar => {
    if (tok === 'null') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'NaN') return Number.NaN;
    if (tok === 'Infinity') return Number.POSITIVE_INFINITY;
    if (tok === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (NUMBER.test(tok)) return Number(tok);
    return fail(`invalid JSON value (${tok.length} characters: not a number, string, true, false or null)`);
  };
  const push = (v: JsonScalar): void => {
    if (depth !== 2) fail(depth === 1 ? 'expected an array for each row ([time, open, high, low, close, volume])' : 'not a JSON array of rows');
    row.push(v);
  };

  for await (const chunk of source ?? textChunks(path)) {
    let i = 0;
    const n = chunk.length;
    if (pending) {
      if (pending.kind === 'string') {
        const end = stringEnd(chunk, 0, escaped);
        if (end.index < 0) {
          pending.text += chunk;
          escaped = end.escaped;
          continue;
        }
        push(JSON.parse(`"${pending.text}${chunk.slice(0, end.index)}"`) as string);
        i = end.index + 1;
      } else {
        let j = 0;
        while (j < n && isBare(chunk.charCodeAt(j))) j++;
        if (j === n) {
          pending.text += chunk;
          continue;
        }
        push(bare(pending.text + chunk.slice(0, j)));
        i = j;
      }
      pending = null;
    }
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (WS.has(c) || c === 0x2c /* , */) {
        i++;
        continue;
      }
      if (done) fail('unexpected data after the end of the top-level array');
      if (c === 0x5b /* [ */) {
        if (depth === 2) fail('nested arrays inside a row are not supported');
        depth++;
        if (depth === 2) {
          rowNo++;
          row = [];
        }
        i++;
      } else if (c === 0x5d /* ] */) {
        if (depth === 0) fail('unbalanced ]');
        depth--;
        if (depth === 1) yield { values: row, no: rowNo };
        else done = true;
        i++;
      } else if (c === 0x7b /* { */) {
        fail(depth === 0 ? 'a JSON object, not an array of rows' : 'rows must be arrays, found an object');
      } else if (c === 0x22 /* " */) {
        const end = stringEnd(chunk, i + 1, false);
        if (end.index < 0) {
          pending = { kind: 'string', text: chunk.slice(i + 1) };
          escaped = end.escaped;
          i = n;
        } else {
          push(JSON.parse(chunk.slice(i, end.index + 1)) as string);
          i = end.index + 1;
        }
      } else if (isBare(c)) {
        let j = i + 1;
        while (j < n && isBare(chunk.charCodeAt(j))) j++;
        if (j === n) {
          pending = { kind: 'bare', text: chunk.slice(i) };
          i = n;
        } else {
          push(bare(chunk.slice(i, j)));
          i = j;
        }
      } else {
        fail('unexpected character (not JSON)');
      }
    }
  }
  if (pending?.kind === 'bare' && depth === 2) push(bare(pending.text));
  if (depth !== 0 || !done) {
    if (rowNo === 0 && depth === 0) throw new ImportError(path, 'empty file');
    fail('unexpected end of file (truncated JSON array)');
  }
}

/** Letters, digits, `+ - .` — the characters of numbers and of null/true/false/NaN/Infinity. */
function isBare(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
}

/** Index of the closing quote of a string starting at `from`, or -1 (and the escape state). */
function stringEnd(s: string, from: number, escapedIn: boolean): { index: number; escaped: boolean } {
  let escaped = escapedIn;
  for (let k = from; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (escaped) escaped = false;
    else if (c === 0x5c /* \ */) escaped = true;
    else if (c === 0x22) return { index: k, escaped: false };
  }
  return { index: -1, escaped };
}
