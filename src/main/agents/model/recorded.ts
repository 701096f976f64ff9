/**
 * Record a model's answers in paper or live sessions, replay them in backtests. Answers are
 * keyed by a hash of the whole request (model, system prompt, transcript, tools), so a backtest
 * over the same data asks the same questions and gets the same answers, bit for bit, with no
 * model server. A question that was never recorded is an error, never an invented answer.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ModelClient, ModelRequest, ModelTurn } from './types';
import { ModelError } from './types';

export function requestHash(req: ModelRequest): string {
  const canonical = JSON.stringify({ model: req.model, system: req.system, transcript: req.transcript, tools: req.tools.map((t) => t.name), maxTokens: req.maxTokens, temperature: req.temperature ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}

const turnSchema = z.object({
  text: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
  stopReason: z.string(),
});
const lineSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), turn: turnSchema });

export class RecordingModelClient implements ModelClient {
  readonly provider: string;
  constructor(
    private readonly inner: ModelClient,
    private readonly file: string,
  ) {
    this.provider = inner.provider;
    mkdirSync(dirname(file), { recursive: true });
  }

  async complete(req: ModelRequest): Promise<ModelTurn> {
    const turn = await this.inner.complete(req);
    appendFileSync(this.file, `${JSON.stringify({ hash: requestHash(req), turn })}\n`);
    return turn;
  }
}

export class ReplayModelClient implements ModelClient {
  readonly provider = 'replay';
  private readonly turns = new Map<string, ModelTurn>();

  constructor(file: string) {
    if (!existsSync(file)) throw new ModelError('NO_RECORDING', `no model recording at ${file}`);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new ModelError('BAD_RESPONSE', `${file} line ${i + 1}: not JSON`);
      }
      const r = lineSchema.safeParse(json);
      if (!r.success) throw new ModelError('BAD_RESPONSE', `${file} line ${i + 1}: not a recorded model turn`);
      this.turns.set(r.data.hash, r.data.turn);
    });
  }

  get size(): number {
    return this.turns.size;
  }

  /** Synchronous answer, so a simulated-time backtest never waits on I/O. */
  completeSync(req: ModelRequest): ModelTurn {
    const t = this.turns.get(requestHash(req));
    if (!t) throw new ModelError('NO_RECORDING', `no recorded answer for this prompt (hash ${requestHash(req).slice(0, 12)})`);
    return t;
  }

  complete(req: ModelRequest): Promise<ModelTurn> {
    try {
      return Promise.resolve(this.completeSync(req));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
