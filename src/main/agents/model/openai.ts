/**
 * OpenAI-compatible chat completions with tool calls: OpenAI itself, Ollama, llama.cpp's server,
 * vLLM and LM Studio all speak it. Requests go to `{baseUrl}/chat/completions`; the key, when
 * there is one, is a bearer token. Both the one-shot answer and the streamed one (SSE chunks
 * whose `delta.tool_calls` arrive in pieces by `index`) are parsed and validated.
 */
import { z } from 'zod';
import { postJson } from './http';
import type { ModelClient, ModelRequest, ModelTurn, ToolCall, TranscriptEntry } from './types';
import { ModelError } from './types';

const toolCallSchema = z.object({ id: z.string().optional(), type: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string().default('') }) });
const responseSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallSchema).nullish() }), finish_reason: z.string().nullish() })).min(1),
  usage: z.object({ prompt_tokens: z.number().default(0), completion_tokens: z.number().default(0) }).nullish(),
});
const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z.array(z.object({ index: z.number().int().nonnegative(), id: z.string().nullish(), function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish() })).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: z.object({ prompt_tokens: z.number().default(0), completion_tokens: z.number().default(0) }).nullish(),
});

export interface OpenAiOptions {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly stream: boolean;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

function toMessages(system: string, transcript: readonly TranscriptEntry[]): unknown[] {
  const out: unknown[] = [{ role: 'system', content: system }];
  for (const e of transcript) {
    if (e.role === 'user') out.push({ role: 'user', content: e.content });
    else if (e.role === 'tool') out.push({ role: 'tool', tool_call_id: e.toolCallId, content: e.content });
    else
      out.push({
        role: 'assistant',
        content: e.content === '' ? null : e.content,
        ...(e.toolCalls.length > 0 ? { tool_calls: e.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
      });
  }
  return out;
}

export class OpenAiCompatibleClient implements ModelClient {
  readonly provider = 'openai-compatible';
  constructor(private readonly o: OpenAiOptions) {}

  async complete(req: ModelRequest): Promise<ModelTurn> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const body = {
      model: req.model,
      messages: toMessages(req.system, req.transcript),
      tools: req.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })),
      tool_choice: 'auto',
      max_tokens: req.maxTokens,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(this.o.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    const headers: Record<string, string> = this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {};
    const answer = await postJson({ url, headers, body, timeoutMs: this.o.timeoutMs, stream: this.o.stream, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) });
    return this.o.stream ? parseStream(answer as unknown[], url) : parseOne(answer, url);
  }
}

function parseOne(answer: unknown, url: string): ModelTurn {
  const r = responseSchema.safeParse(answer);
  if (!r.success) throw new ModelError('BAD_RESPONSE', `model call to ${url}: the answer is not a chat completion (${r.error.issues[0]?.message ?? 'invalid'})`);
  const choice = r.data.choices[0];
  const calls: ToolCall[] = (choice?.message.tool_calls ?? []).map((c, i) => ({ id: c.id ?? `call_${i}`, name: c.function.name, arguments: c.function.arguments }));
  return {
    text: choice?.message.content ?? '',
    toolCalls: calls,
    usage: { inputTokens: r.data.usage?.prompt_tokens ?? 0, outputTokens: r.data.usage?.completion_tokens ?? 0 },
    stopReason: choice?.finish_reason ?? 'stop',
  };
}

function parseStream(chunks: unknown[], url: string): ModelTurn {
  let text = '';
  let stop = 'stop';
  let usage = { inputTokens: 0, outputTokens: 0 };
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for (const raw of chunks) {
    const r = chunkSchema.safeParse(raw);
    if (!r.success) throw new ModelError('BAD_RESPONSE', `model stream from ${url}: a chunk is not a chat completion chunk`);
    if (r.data.usage) usage = { inputTokens: r.data.usage.prompt_tokens, outputTokens: r.data.usage.completion_tokens };
    for (const c of r.data.choices) {
      if (c.delta?.content) text += c.delta.content;
      for (const tc of c.delta?.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { id: `call_${tc.index}`, name: '', arguments: '' };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name += tc.function.name;
        if (tc.function?.arguments) cur.arguments += tc.function.arguments;
        calls.set(tc.index, cur);
      }
      if (c.finish_reason) stop = c.finish_reason;
    }
  }
  const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  return { text, toolCalls, usage, stopReason: stop };
}
