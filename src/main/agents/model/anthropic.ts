/**
 * The Anthropic Messages API with tool use: `POST {baseUrl}/messages` with `x-api-key` and
 * `anthropic-version`; tool calls are `tool_use` content blocks, their results go back as
 * `tool_result` blocks in the next user turn. Streaming (`content_block_start`/`_delta` events
 * with `input_json_delta`) is parsed as well as the one-shot answer.
 */
import { z } from 'zod';
import { postJson } from './http';
import type { ModelClient, ModelRequest, ModelTurn, ToolCall, TranscriptEntry } from './types';
import { ModelError } from './types';

const ANTHROPIC_VERSION = '2023-06-01';

const blockSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.string() }).loose(),
]);
const responseSchema = z.object({
  content: z.array(blockSchema),
  stop_reason: z.string().nullish(),
  usage: z.object({ input_tokens: z.number().default(0), output_tokens: z.number().default(0) }).nullish(),
});

export interface AnthropicOptions {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly stream: boolean;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

function toMessages(transcript: readonly TranscriptEntry[]): unknown[] {
  const out: { role: 'user' | 'assistant'; content: unknown[] }[] = [];
  const push = (role: 'user' | 'assistant', block: unknown): void => {
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(block);
    else out.push({ role, content: [block] });
  };
  for (const e of transcript) {
    if (e.role === 'user') push('user', { type: 'text', text: e.content });
    else if (e.role === 'tool') push('user', { type: 'tool_result', tool_use_id: e.toolCallId, content: e.content });
    else {
      if (e.content !== '') push('assistant', { type: 'text', text: e.content });
      for (const c of e.toolCalls) push('assistant', { type: 'tool_use', id: c.id, name: c.name, input: safeInput(c.arguments) });
    }
  }
  return out;
}

function safeInput(args: string): unknown {
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return {};
  }
}

export class AnthropicClient implements ModelClient {
  readonly provider = 'anthropic';
  constructor(private readonly o: AnthropicOptions) {}

  async complete(req: ModelRequest): Promise<ModelTurn> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}/messages`;
    const body = {
      model: req.model,
      system: req.system,
      messages: toMessages(req.transcript),
      tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
      max_tokens: req.maxTokens,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(this.o.stream ? { stream: true } : {}),
    };
    const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...(this.o.apiKey ? { 'x-api-key': this.o.apiKey } : {}) };
    const answer = await postJson({ url, headers, body, timeoutMs: this.o.timeoutMs, stream: this.o.stream, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) });
    return this.o.stream ? parseStream(answer as unknown[], url) : parseOne(answer, url);
  }
}

function parseOne(answer: unknown, url: string): ModelTurn {
  const r = responseSchema.safeParse(answer);
  if (!r.success) throw new ModelError('BAD_RESPONSE', `model call to ${url}: the answer is not a Messages response`);
  let text = '';
  const calls: ToolCall[] = [];
  for (const b of r.data.content) {
    if (b.type === 'text' && 'text' in b && typeof b.text === 'string') text += b.text;
    else if (b.type === 'tool_use' && 'id' in b && 'name' in b) calls.push({ id: String(b.id), name: String(b.name), arguments: JSON.stringify((b as { input?: unknown }).input ?? {}) });
  }
  return { text, toolCalls: calls, usage: { inputTokens: r.data.usage?.input_tokens ?? 0, outputTokens: r.data.usage?.output_tokens ?? 0 }, stopReason: r.data.stop_reason ?? 'end_turn' };
}

const eventSchema = z
  .object({
    type: z.string(),
    index: z.number().int().optional(),
    content_block: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional(), text: z.string().optional() }).loose().optional(),
    delta: z.object({ type: z.string().optional(), text: z.string().optional(), partial_json: z.string().optional(), stop_reason: z.string().nullish() }).loose().optional(),
    message: z.object({ usage: z.object({ input_tokens: z.number().default(0), output_tokens: z.number().default(0) }).loose().optional() }).loose().optional(),
    usage: z.object({ output_tokens: z.number().default(0) }).loose().optional(),
  })
  .loose();

function parseStream(events: unknown[], url: string): ModelTurn {
  let text = '';
  let stop = 'end_turn';
  let input = 0;
  let output = 0;
  const blocks = new Map<number, { kind: 'text' | 'tool'; id: string; name: string; json: string }>();
  for (const raw of events) {
    const r = eventSchema.safeParse(raw);
    if (!r.success) throw new ModelError('BAD_RESPONSE', `model stream from ${url}: an event is not a Messages stream event`);
    const e = r.data;
    if (e.type === 'message_start') input = e.message?.usage?.input_tokens ?? 0;
    else if (e.type === 'content_block_start' && e.index !== undefined && e.content_block) {
      const tool = e.content_block.type === 'tool_use';
      blocks.set(e.index, { kind: tool ? 'tool' : 'text', id: e.content_block.id ?? `toolu_${e.index}`, name: e.content_block.name ?? '', json: '' });
      if (!tool && e.content_block.text) text += e.content_block.text;
    } else if (e.type === 'content_block_delta' && e.index !== undefined) {
      if (e.delta?.text) text += e.delta.text;
      const b = blocks.get(e.index);
      if (b && e.delta?.partial_json) b.json += e.delta.partial_json;
    } else if (e.type === 'message_delta') {
      if (e.delta?.stop_reason) stop = e.delta.stop_reason;
      if (e.usage) output = e.usage.output_tokens;
    }
  }
  const toolCalls = [...blocks.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, b]) => b.kind === 'tool')
    .map(([, b]) => ({ id: b.id, name: b.name, arguments: b.json === '' ? '{}' : b.json }));
  return { text, toolCalls, usage: { inputTokens: input, outputTokens: output }, stopReason: stop };
}
