/**
 * An agent backtested on recorded model answers: a first run records every answer of a scripted
 * model by prompt hash (as paper and live sessions record theirs); `libra agents backtest` then
 * replays them with no model server and gets the same trades, bit for bit. With half the
 * recording missing, the report says how many prompts had no answer.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentBacktestStrategy } from '../../src/main/agents/agent-backtest';
import type { SyncModelClient } from '../../src/main/agents/agent-runner';
import { requestHash } from '../../src/main/agents/model/recorded';
import type { ModelRequest, ModelTurn } from '../../src/main/agents/model/types';
import { Kernel } from '../../src/main/kernel';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');

/** A scripted model that alternates buying and selling 0.1 BTC each decision, recording every answer. */
class RecordingScript implements SyncModelClient {
  private decisions = 0;
  constructor(private readonly file: string) {}
  completeSync(req: ModelRequest): ModelTurn {
    const first = req.transcript.length === 1;
    const side = this.decisions % 2 === 0 ? 'buy' : 'sell';
    if (first) this.decisions++;
    const turn: ModelTurn = first
      ? { text: `I ${side}.`, toolCalls: [{ id: `c${this.decisions}`, name: 'propose_order', arguments: JSON.stringify({ instrument: String(/"instrumentId":"([^"]+)"/.exec(req.transcript[0]?.role === 'user' ? req.transcript[0].content : '')?.[1]), side, type: 'market', quantity: 0.1, reasoning: 'script' }) }], usage: { inputTokens: 10, outputTokens: 5 }, stopReason: 'tool_calls' }
      : { text: 'done', toolCalls: [], usage: { inputTokens: 10, outputTokens: 1 }, stopReason: 'stop' };
    appendFileSync(this.file, `${JSON.stringify({ hash: requestHash(req), turn })}\n`);
    return turn;
  }
}

describe('agents in backtests (recorded answers, replayed by prompt hash)', () => {
  it('replays a recording deterministically through `libra agents backtest`, and counts missing answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-agent-bt-'));
    const data = join(dir, 'btc.csv');
    writeFileSync(data, readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 601).join('\n'));
    const agent = { name: 'alt', model: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'sim' }, instruments: ['BTC/USD@FILE'], everyMs: 86_400_000, approval: 'human', limits: { maxOrderNotional: 100_000 } };
    const session = { venues: [{ ccxtId: 'binance', mode: 'paper', symbols: ['BTC/USDT'] }], agents: [agent] };
    writeFileSync(join(dir, 'session.json'), JSON.stringify(session));
    const kernel = new Kernel({ dataDir: dir });
    const config = kernel.parseRunConfig(session);
    const recordings = join(dir, 'alt.jsonl');
    const source = await kernel.openFileFeed(data, { symbol: 'BTC/USD' });
    const gate = kernel.createRiskGate();
    const strat = agentBacktestStrategy(config.agents[0]!, source.instrument.id, source.instrument.quote, new RecordingScript(recordings), () => gate.tradingState());
    const recorded = await kernel.runBacktestFeed(source, { hooks: strat.hooks }, { risk: gate });
    expect(recorded.stats.trades).toBeGreaterThan(10);

    const cli = (rec: string) => spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'agents', 'backtest', '--config', join(dir, 'session.json'), '--agent', 'alt', '--data', data, '--recordings', rec, '--symbol', 'BTC/USD', '--json'], { cwd: ROOT, encoding: 'utf8' });
    const replay = cli(recordings);
    expect(replay.stderr).toBe('');
    const out = JSON.parse(replay.stdout) as { agent: { missingRecordings: number; proposalsSent: number }; stats: { trades: number; finalEquity: number; totalReturn: number } };
    expect(out.agent.missingRecordings).toBe(0);
    expect(out.stats.trades).toBe(recorded.stats.trades);
    expect(out.stats.finalEquity).toBe(recorded.stats.finalEquity);

    const lines = readFileSync(recordings, 'utf8').split('\n').filter((l) => l !== '');
    const half = join(dir, 'half.jsonl');
    writeFileSync(half, `${lines.slice(0, Math.floor(lines.length / 2)).join('\n')}\n`);
    const partial = JSON.parse(cli(half).stdout) as { agent: { missingRecordings: number }; stats: { trades: number } };
    expect(partial.agent.missingRecordings).toBeGreaterThan(0);
    expect(partial.stats.trades).toBeLessThan(out.stats.trades);

    const missing = cli(join(dir, 'nope.jsonl'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no model recording at .*nope\.jsonl/);
  }, 120_000);
});
