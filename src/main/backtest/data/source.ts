/**
 * Byte sources for the importers: a file opened as a stream, gunzipped on the fly when it ends
 * in `.gz`, decoded as UTF-8 (a streaming TextDecoder, so a multi-byte character split across
 * two chunks is decoded correctly), and split into lines. Nothing here reads a whole file.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ImportError } from './errors';

export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/** Opens `path` (gunzipping `.gz`) as a byte stream; read errors surface on the returned stream. */
export function openByteStream(path: string, highWaterMark = 1 << 16): Readable {
  const file = createReadStream(path, { highWaterMark });
  if (!isGzipPath(path)) return file;
  const gunzip = createGunzip();
  // pipe() does not forward errors: a missing file must fail the consumer, not hang it.
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  gunzip.on('close', () => file.destroy());
  return gunzip;
}

/** Decoded text chunks of a file. Stream errors become ImportErrors naming the file. */
export async function* textChunks(path: string): AsyncGenerator<string> {
  const stream = openByteStream(path);
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      if (text) yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const err = e as NodeJS.ErrnoException;
    const what = err.code === 'ENOENT' ? 'file not found' : err.code === 'Z_DATA_ERROR' ? 'not a valid gzip file' : err.message;
    throw new ImportError(path, what, undefined, 'line', { cause: e });
  } finally {
    stream.destroy();
  }
}

export interface Line {
  readonly text: string;
  /** 1-based line number in the file. */
  readonly no: number;
}

/** Lines of a file without their `\n` / `\r\n` ending; a UTF-8 BOM on line 1 is dropped. */
export async function* lines(path: string): AsyncGenerator<Line> {
  let rest = '';
  let no = 0;
  for await (const chunk of textChunks(path)) {
    const text = rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      no++;
      yield { text: clean(text.slice(start, nl), no), no };
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) {
    no++;
    yield { text: clean(rest, no), no };
  }
}

function clean(line: string, no: number): string {
  let s = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (no === 1 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s;
}

/** Reads at most `maxBytes` decoded characters from the start of a file (for format sniffing). */
export async function peekText(path: string, maxChars = 1 << 16): Promise<string> {
  let out = '';
  for await (const chunk of textChunks(path)) {
    out += chunk;
    if (out.length >= maxChars) break;
  }
  return out.slice(0, maxChars);
}
