/**
 * The provider-neutral shape of one model call. Clients translate it to a provider's wire format
 * (OpenAI-compatible chat completions, Anthropic Messages) and back. A transcript is kept in this
 * shape so the same conversation can be recorded, replayed and audited whatever the provider.
 */

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the tool's arguments (an object schema). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The model's arguments as it sent them (JSON text); validated before anything runs. */
  readonly arguments: string;
}

export type TranscriptEntry =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };

export interface ModelRequest {
  readonly model: string;
  readonly system: string;
  readonly transcript: readonly TranscriptEntry[];
  readonly tools: readonly ToolSpec[];
  readonly maxTokens: number;
  readonly temperature?: number | undefined;
}

export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ModelTurn {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: ModelUsage;
  readonly stopReason: string;
}

export interface ModelClient {
  readonly provider: string;
  complete(request: ModelRequest): Promise<ModelTurn>;
}

/** A failed model call: a typed kind and a message that never carries the API key. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly kind: 'TIMEOUT' | 'HTTP' | 'NETWORK' | 'BAD_RESPONSE' | 'NO_RECORDING',
    message: string,
  ) {
    super(message);
  }
}
