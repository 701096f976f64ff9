/**
 * An LLM agent's order, approved by a person in the browser: `libra serve --config` runs a live
 * session against the loopback Binance simulator with an agent whose model is the loopback
 * model server (OpenAI wire format, scripted: it proposes one market buy). The proposal appears
 * in the approvals panel with the model's reasoning; nothing reaches the venue until "Approve"
 * is clicked; then exactly one order arrives, fills, and the panel shows the gate's verdict.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_SECRET, startBinanceSim } from '../sim/binance';
import type { BinanceSim } from '../sim/binance';
import { isFollowUp, ModelSim } from '../sim/llm/server';
import { ARTIFACTS, CHROMIUM, ensureRendererBuilt, openMainWindow, ROOT, startServe } from './support';
import type { Served } from './support';

const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`agent-approval e2e skipped: no Chromium at ${CHROMIUM} (set LIBRA_CHROMIUM)`);

const PASSPHRASE = 'agent approval pass';
const REASONING = 'Momentum is up <b>strongly</b>; a small starter position.';

describe.skipIf(!hasBrowser)('an agent proposal approved in the approvals panel (libra serve --config)', () => {
  let sim: BinanceSim;
  let model: ModelSim;
  let served: Served;
  let browser: Browser;
  let main: Page;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    sim = await startBinanceSim({ balances: { USDT: 100_000, BTC: 0, ETH: 0 } });
    sim.setPrice('BTCUSDT', 60_000);
    let proposed = false;
    model = await ModelSim.start((req) => {
      if (isFollowUp(req) || proposed) return { text: 'Waiting for the approval.' };
      proposed = true;
      return { text: 'Buying.', toolCalls: [{ name: 'propose_order', arguments: { instrument: 'BTC/USDT@BINANCE', side: 'buy', type: 'market', quantity: 0.01, reasoning: REASONING } }] };
    });
    const dir = mkdtempSync(join(tmpdir(), 'libra-agent-e2e-'));
    const added = spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'keys', 'add', '--id', 'sim', '--venue', 'binance', '--environment', 'production', '--data-dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LIBRA_KEY_PASSPHRASE: PASSPHRASE, LIBRA_API_KEY: DEFAULT_API_KEY, LIBRA_API_SECRET: DEFAULT_SECRET },
    });
    expect(added.stdout).toMatch(/stored key sim/);
    const u = sim.ccxtUrls;
    const config = {
      accountCurrency: 'USDT',
      venues: [{ ccxtId: 'binance', name: 'BINANCE', mode: 'live', keyId: 'sim', allowUnknownWithdrawal: true, restUrls: { public: u.public, private: u.private, v1: u.v1 }, wsUrls: { spot: u.ws.spot, 'ws-api': u.ws['ws-api'] }, symbols: ['BTC/USDT'] }],
      risk: { defaults: { maxOrderNotional: 50_000 } },
      record: false,
      agents: [{ name: 'momentum', model: { provider: 'openai-compatible', baseUrl: model.baseUrl, model: 'sim', apiKeyEnv: 'E2E_MODEL_KEY' }, instruments: ['BTC/USDT@BINANCE'], everyMs: 1000, approval: 'human', limits: { maxOrderNotional: 5000 } }],
    };
    writeFileSync(join(dir, 'agent.json'), JSON.stringify(config));
    ticker = setInterval(() => sim.trade('BTCUSDT', 60_000, 0.001), 250);
    served = await startServe(['--config', join(dir, 'agent.json'), '--keys', join(dir, 'keys.json')], { LIBRA_KEY_PASSPHRASE: PASSPHRASE, E2E_MODEL_KEY: 'sk-e2e' });
    ({ browser, main } = await openMainWindow(served, { width: 1400, height: 900 }, pageErrors));
  }, 120_000);

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await browser?.close();
    await served?.stop();
    await model?.close();
    await sim?.close();
  });

  it('shows the proposal with its reasoning as text, sends nothing before approval, then one order that fills', async () => {
    const proposal = main.getByTestId('agent-proposal');
    await proposal.waitFor({ timeout: 60_000 });
    await expect.poll(() => proposal.textContent()).toContain('momentum proposes BUY 0.01 BTC/USDT');
    // The model's text is shown as text: its markup is not rendered.
    expect(await proposal.locator('blockquote').textContent()).toBe(REASONING);
    expect(await proposal.locator('blockquote b').count()).toBe(0);
    await main.waitForTimeout(1500);
    expect(sim.orders()).toHaveLength(0);
    await main.screenshot({ path: join(ARTIFACTS, 'agent-approval-pending.png') });
    await proposal.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => sim.orders().length, { timeout: 20_000 }).toBe(1);
    expect(sim.orders()[0]).toMatchObject({ side: 'BUY', origQty: 0.01 });
    await expect.poll(() => main.getByTestId('agent-decided').textContent(), { timeout: 20_000 }).toMatch(/SENT\s*ALLOWED/);
    await expect.poll(async () => (await main.getByRole('row').filter({ hasText: 'BTC/USDT' }).allTextContents()).join(' '), { timeout: 20_000 }).toMatch(/0\.01/);
    await main.screenshot({ path: join(ARTIFACTS, 'agent-approval-sent.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
