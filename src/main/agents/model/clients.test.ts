/**
 * Both model clients against the loopback model server (real HTTP, the providers' wire formats),
 * one-shot and streamed: text, tool calls split across chunks, usage, the key in the right
 * header, timeouts and HTTP errors as typed ModelErrors that never carry the key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSim } from '../../../../test/sim/llm/server';
import { AnthropicClient } from './anthropic';
import { OpenAiCompatibleClient } from './openai';
import type { ModelClient, ModelRequest } from './types';
import { ModelError } from './types';

const sims: ModelSim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

const REQUEST: ModelRequest = {
  model: 'sim-model',
  system: 'You trade.',
  transcript: [{ role: 'user', content: 'Decision time.' }],
  tools: [{ name: 'propose_order', description: 'd', parameters: { type: 'object', properties: { quantity: { type: 'number' } } } }],
  maxTokens: 256,
};

const ANSWER = { text: 'Buying a little because the trend is up.', toolCalls: [{ name: 'propose_order', arguments: { instrument: 'BTC/USDT@BINANCE', side: 'buy', type: 'market', quantity: 0.0015, reasoning: 'trend' } }] };

async function sim(): Promise<ModelSim> {
  const s = await ModelSim.start(() => ANSWER);
  sims.push(s);
  return s;
}

const KEY = 'sk-test-secret-123';

describe.each([
  ['openai-compatible', false],
  ['openai-compatible', true],
  ['anthropic', false],
  ['anthropic', true],
] as const)('%s client (stream: %s)', (provider, stream) => {
  const make = (baseUrl: string, timeoutMs = 5000): ModelClient =>
    provider === 'anthropic' ? new AnthropicClient({ baseUrl, apiKey: KEY, stream, timeoutMs }) : new OpenAiCompatibleClient({ baseUrl, apiKey: KEY, stream, timeoutMs });

  it('parses text, tool calls and usage, and sends the key in its header only', async () => {
    const s = await sim();
    const turn = await make(s.baseUrl).complete(REQUEST);
    expect(turn.text).toBe(ANSWER.text);
    expect(turn.toolCalls).toHaveLength(1);
    expect(turn.toolCalls[0]?.name).toBe('propose_order');
    expect(JSON.parse(turn.toolCalls[0]?.arguments ?? '')).toEqual(ANSWER.toolCalls[0]?.arguments);
    expect(turn.usage).toEqual({ inputTokens: 100, outputTokens: 20 });
    const req = s.requests[0];
    expect(req?.path).toBe(provider === 'anthropic' ? '/v1/messages' : '/v1/chat/completions');
    if (provider === 'anthropic') expect(req?.headers['x-api-key']).toBe(KEY);
    else expect(req?.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(JSON.stringify(req?.body)).not.toContain(KEY);
    expect(req?.body['model']).toBe('sim-model');
  });

  it('sends a tool result back in the provider format', async () => {
    const s = await sim();
    await make(s.baseUrl).complete({
      ...REQUEST,
      transcript: [
        { role: 'user', content: 'Decision time.' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_positions', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c1', name: 'get_positions', content: '<data source="tool:get_positions">[]</data>' },
      ],
    });
    const body = JSON.stringify(s.requests[0]?.body);
    if (provider === 'anthropic') expect(body).toContain('"type":"tool_result","tool_use_id":"c1"');
    else expect(body).toContain('"role":"tool","tool_call_id":"c1"');
  });

  it('turns an HTTP 500 into a ModelError naming the status, not the key', async () => {
    const s = await ModelSim.start(() => ({ status: 500 }));
    sims.push(s);
    const err = await make(s.baseUrl).complete(REQUEST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).kind).toBe('HTTP');
    expect((err as Error).message).toMatch(/HTTP 500/);
    expect((err as Error).message).not.toContain(KEY);
  });

  it('times out a model that does not answer', async () => {
    const s = await ModelSim.start(() => ({ delayMs: 2000, text: 'late' }));
    sims.push(s);
    const err = await make(s.baseUrl, 150).complete(REQUEST).catch((e: unknown) => e);
    expect((err as ModelError).kind).toBe('TIMEOUT');
  });
});
