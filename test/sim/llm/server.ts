/**
 * A loopback model server for tests that speaks the providers' real wire formats: OpenAI-
 * compatible chat completions (`POST /v1/chat/completions`, one JSON answer or SSE chunks with
 * `delta.tool_calls` split into pieces) and the Anthropic Messages API (`POST /v1/messages`,
 * one answer or the `message_start` / `content_block_*` / `message_delta` event stream).
 *
 * It plays a script: for each request (numbered from 0) the script returns what the "model"
 * answers — text, tool calls, an HTTP error, or a delay past the client's timeout. Every request
 * is kept (headers and body) so tests can assert what the model was shown and which key it got.
 * No real model runs here: no LLM provider is reachable from this machine.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedCall {
  readonly name: string;
  /** Sent as given: a string lets a test send malformed JSON. */
  readonly arguments: string | Record<string, unknown>;
}

export interface ScriptedAnswer {
  readonly text?: string;
  readonly toolCalls?: readonly ScriptedCall[];
  readonly status?: number;
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

export type Script = (request: RecordedRequest, index: number) => ScriptedAnswer;

export class ModelSim {
  readonly requests: RecordedRequest[] = [];
  private constructor(
    private readonly server: Server,
    private script: Script,
  ) {}

  static async start(script: Script): Promise<ModelSim> {
    const holder: { sim?: ModelSim } = {};
    const server = createServer((req, res) => void holder.sim?.handle(req, res));
    const sim = new ModelSim(server, script);
    holder.sim = sim;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return sim;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  setScript(script: Script): void {
    this.script = script;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'body is not JSON' } }));
      return;
    }
    const path = req.url ?? '';
    const recorded: RecordedRequest = { path, headers: req.headers, body };
    const index = this.requests.length;
    this.requests.push(recorded);
    const answer = this.script(recorded, index);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    if (answer.status !== undefined && answer.status !== 200) {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'scripted failure', type: 'server_error' } }));
      return;
    }
    const stream = body['stream'] === true;
    if (path.endsWith('/chat/completions')) this.openai(res, answer, index, stream);
    else if (path.endsWith('/messages')) this.anthropic(res, answer, index, stream);
    else res.writeHead(404).end();
  }

  private openai(res: ServerResponse, a: ScriptedAnswer, index: number, stream: boolean): void {
    const calls = (a.toolCalls ?? []).map((c, i) => ({ id: `call_${index}_${i}`, type: 'function', function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } }));
    const finish = calls.length > 0 ? 'tool_calls' : 'stop';
    const usage = { prompt_tokens: 100 + index, completion_tokens: 20, total_tokens: 120 + index };
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: `chatcmpl-${index}`, object: 'chat.completion', created: 0, model: 'sim', choices: [{ index: 0, message: { role: 'assistant', content: a.text ?? null, ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: finish }], usage }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (o: unknown): boolean => res.write(`data: ${JSON.stringify(o)}\n\n`);
    const base = { id: `chatcmpl-${index}`, object: 'chat.completion.chunk', created: 0, model: 'sim' };
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    if (a.text) for (const piece of a.text.match(/.{1,7}/gs) ?? []) send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
    calls.forEach((c, i) => {
      send({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, finish_reason: null }] });
      for (const piece of c.function.arguments.match(/.{1,5}/gs) ?? []) send({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: piece } }] }, finish_reason: null }] });
    });
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    send({ ...base, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  private anthropic(res: ServerResponse, a: ScriptedAnswer, index: number, stream: boolean): void {
    const blocks: Record<string, unknown>[] = [];
    if (a.text) blocks.push({ type: 'text', text: a.text });
    (a.toolCalls ?? []).forEach((c, i) => blocks.push({ type: 'tool_use', id: `toolu_${index}_${i}`, name: c.name, input: typeof c.arguments === 'string' ? safeParse(c.arguments) : c.arguments }));
    const stop = (a.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn';
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `msg_${index}`, type: 'message', role: 'assistant', model: 'sim', content: blocks, stop_reason: stop, usage: { input_tokens: 100 + index, output_tokens: 20 } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type: string, o: Record<string, unknown>): boolean => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`);
    send('message_start', { message: { id: `msg_${index}`, type: 'message', role: 'assistant', content: [], model: 'sim', usage: { input_tokens: 100 + index, output_tokens: 0 } } });
    blocks.forEach((b, i) => {
      if (b['type'] === 'text') {
        send('content_block_start', { index: i, content_block: { type: 'text', text: '' } });
        send('content_block_delta', { index: i, delta: { type: 'text_delta', text: String(b['text']) } });
      } else {
        send('content_block_start', { index: i, content_block: { type: 'tool_use', id: b['id'], name: b['name'], input: {} } });
        const json = JSON.stringify(b['input']);
        for (const piece of json.match(/.{1,6}/gs) ?? []) send('content_block_delta', { index: i, delta: { type: 'input_json_delta', partial_json: piece } });
      }
      send('content_block_stop', { index: i });
    });
    send('message_delta', { delta: { stop_reason: stop }, usage: { output_tokens: 20 } });
    send('message_stop', {});
    res.end();
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return { raw: s };
  }
}

/** The user turn of a chat-completions request that carries tool results (text of all `tool` messages). */
export function toolResultsOf(req: RecordedRequest): string[] {
  const msgs = (req.body['messages'] as { role: string; content: unknown }[] | undefined) ?? [];
  return msgs.filter((m) => m.role === 'tool').map((m) => String(m.content));
}

/** True when the request carries tool results already (the model is being asked to continue). */
export function isFollowUp(req: RecordedRequest): boolean {
  const msgs = (req.body['messages'] as { role: string }[] | undefined) ?? (req.body['messages'] as { role: string }[] | undefined) ?? [];
  return msgs.some((m) => m.role === 'tool' || m.role === 'assistant');
}
