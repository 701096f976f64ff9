/**
 * One POST of JSON to a model endpoint, with a timeout, returning either the parsed JSON or the
 * server-sent event payloads. Errors are ModelErrors whose messages name the URL and status but
 * never the request headers (the API key lives there).
 */
import { ModelError } from './types';

export interface PostOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly timeoutMs: number;
  readonly stream: boolean;
  readonly fetch?: typeof fetch;
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}

/** Data lines of an SSE body (`data: …`), `[DONE]` dropped. */
export function sseData(body: string): string[] {
  const out: string[] = [];
  for (const event of body.split(/\r?\n\r?\n/)) {
    const lines = event.split(/\r?\n/).filter((l) => l.startsWith('data:'));
    if (lines.length === 0) continue;
    const data = lines.map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    if (data.trim() === '[DONE]') continue;
    out.push(data);
  }
  return out;
}

export async function postJson(o: PostOptions): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), o.timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await (o.fetch ?? fetch)(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: o.stream ? 'text/event-stream' : 'application/json', ...o.headers },
      body: JSON.stringify(o.body),
      signal: controller.signal,
    });
    text = await res.text();
  } catch (e) {
    if (controller.signal.aborted) throw new ModelError('TIMEOUT', `model call to ${o.url} timed out after ${o.timeoutMs} ms`);
    throw new ModelError('NETWORK', `model call to ${o.url} failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw new ModelError('HTTP', `model call to ${o.url} answered HTTP ${res.status}: ${snippet(text)}`);
  if (o.stream) return sseData(text).map((d) => parseJson(d, o.url));
  return parseJson(text, o.url);
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ModelError('BAD_RESPONSE', `model call to ${url} answered something that is not JSON`);
  }
}
